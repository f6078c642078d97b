"""tag_updates / retag against a real database (SQLite and PostgreSQL): tags written, manual ones untouched."""

import datetime as dt

from sqlmodel import select

from tracker.models import Source, Tag, Update
from tracker.tagging import retag, tag_updates
from tracker.tags import effective_labels

JST = dt.timezone(dt.timedelta(hours=9))


def _update(session, url, title, *, published=None, **fields):
    source = session.exec(select(Source).where(Source.name == "nta")).first()
    if source is None:
        source = Source(name="nta", title="国税庁", url="https://www.nta.go.jp/")
        session.add(source)
        session.flush()
    update = Update(source_id=source.id, url=url, title=title, published_at=published, **fields)
    session.add(update)
    session.flush()
    return update


def _tags(session, update_id):
    return {(t.kind, t.label, t.origin) for t in session.exec(select(Tag).where(Tag.update_id == update_id)).all()}


def test_tag_updates_writes_tags_dates_and_version(session):
    update = _update(session, "https://example.org/1", "令和7年分の年末調整のしかたを公表しました",
                     summary="提出期限：令和8年2月2日", published=dt.datetime(2025, 11, 1, 10, tzinfo=JST))
    none = _update(session, "https://example.org/2", "国税庁職員（一般職）の採用について")
    tag_updates(session=session, updates=[update, none])
    session.commit()
    tags = _tags(session, update.id)
    assert {("department", "accounting"), ("department", "hr")} <= {(k, label) for k, label, _ in tags}
    assert ("topic", "withholding_year_end") in {(k, label) for k, label, _ in tags}
    assert all(origin in ("model", "rule") for _, _, origin in tags)
    rows = session.exec(select(Tag).where(Tag.update_id == update.id)).all()
    assert all(r.reason and r.reason.startswith(("rule:", "model:")) for r in rows)
    assert _tags(session, none.id) == set()
    assert update.deadline_on == dt.date(2026, 2, 2)
    assert update.tagged_at is not None and update.tagger_version
    assert none.tagged_at is not None


def test_manual_tags_survive_and_win(session):
    update = _update(session, "https://example.org/3", "インボイス制度に関するQ&Aを改訂しました")
    session.add(Tag(update_id=update.id, kind="department", label="legal", origin="manual"))
    session.add(Tag(update_id=update.id, kind="department", label="accounting", origin="manual", negated=True))
    session.flush()
    tag_updates(session=session, updates=[update])
    tag_updates(session=session, updates=[update])  # twice: replaces, never duplicates
    session.commit()
    manual = session.exec(select(Tag).where(Tag.update_id == update.id, Tag.origin == "manual")).all()
    assert {(t.label, t.negated) for t in manual} == {("legal", False), ("accounting", True)}
    given = session.exec(select(Tag).where(Tag.update_id == update.id, Tag.origin != "manual",
                                           Tag.label == "accounting")).all()
    assert len(given) == 1
    assert effective_labels(session=session, update_ids=[update.id])[update.id] == ["legal"]


def test_structural_dates_are_kept(session):
    update = _update(session, "https://example.org/4", "労働基準法施行規則の一部を改正する省令案に関する意見募集について",
                     summary="意見募集期間：令和8年1月15日～令和8年2月13日。施行予定日：令和8年4月1日",
                     deadline_on=dt.date(2026, 2, 10))
    tag_updates(session=session, updates=[update])
    assert update.deadline_on == dt.date(2026, 2, 10)  # the source said so: kept
    assert update.effective_on == dt.date(2026, 4, 1)  # missing: filled


def test_retag_replaces_old_model_tags_and_respects_since(session):
    old = _update(session, "https://example.org/5", "年末調整の手引き", published=dt.datetime(2025, 1, 10, tzinfo=JST))
    new = _update(session, "https://example.org/6", "インボイス制度の概要", published=dt.datetime(2026, 1, 10, tzinfo=JST))
    stale = Tag(update_id=new.id, kind="department", label="it", origin="model", reason="model: 0.99")
    session.add(stale)
    session.commit()
    assert retag(session=session, since=dt.date(2026, 1, 1)) == 1
    session.commit()
    assert ("department", "it", "model") not in _tags(session, new.id)
    assert _tags(session, old.id) == set()  # before --since: untouched
    assert retag(session=session, since=None) == 2
    session.commit()
    assert ("department", "accounting") in {(k, label) for k, label, _ in _tags(session, old.id)}


def test_configured_departments_limit_the_labels(session):
    from tracker.models import Department

    for dep in session.exec(select(Department).where(Department.key != "hr")).all():
        session.delete(dep)
    session.flush()
    update = _update(session, "https://example.org/7", "令和7年分の年末調整のしかたを公表しました")
    tag_updates(session=session, updates=[update])
    departments = {label for kind, label, _ in _tags(session, update.id) if kind == "department"}
    assert departments == {"hr"}


def test_retag_recomputes_the_dates_the_tagger_set_and_only_those(session):
    # The e-Gov trap: an older extractor took 意見・情報受付開始日 as the 施行日. That date was the tagger's, so a
    # retag with the current extractor must drop it; the deadline the source gave and a date a person set stay.
    summary = "意見・情報受付開始日：2026/11/20 受付締切日時：2026/12/19 23:59"
    stale = _update(session, "https://example.org/20", "労働安全衛生規則の一部を改正する省令案に関する意見募集",
                    summary=summary, deadline_on=dt.date(2026, 12, 19), effective_on=dt.date(2026, 11, 20),
                    tagger_dates={"effective_on": "2026-11-20"})
    person = _update(session, "https://example.org/21", "育児・介護休業法の改正について", summary=summary,
                     effective_on=dt.date(2027, 4, 1), tagger_dates={"effective_on": "2026-11-20"})
    session.commit()
    assert retag(session=session) == 2
    session.commit()
    session.refresh(stale)
    session.refresh(person)
    assert stale.effective_on is None and stale.deadline_on == dt.date(2026, 12, 19)
    assert stale.tagger_dates is None  # the source's deadline is not recorded as the tagger's
    assert person.effective_on == dt.date(2027, 4, 1)  # differs from what the tagger wrote: a person's, kept
    assert person.deadline_on == dt.date(2026, 12, 19) and person.tagger_dates == {"deadline_on": "2026-12-19"}


def test_tagger_dates_follow_the_text_across_retags(session):
    update = _update(session, "https://example.org/22", "最低賃金の改定について",
                     summary="令和8年10月1日から施行します。")
    tag_updates(session=session, updates=[update])
    session.commit()
    assert update.effective_on == dt.date(2026, 10, 1)
    assert update.tagger_dates == {"effective_on": "2026-10-01"}
    # The text is corrected (as the crawl's revise does, which keeps the tagger's old date in the row).
    update.summary = "令和8年11月1日から施行します。"
    session.add(update)
    session.commit()
    retag(session=session)
    session.commit()
    session.refresh(update)
    assert update.effective_on == dt.date(2026, 11, 1) and update.tagger_dates == {"effective_on": "2026-11-01"}
