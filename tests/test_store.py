"""The update store: one URL one update, revisions on change, nothing written when nothing changed, CrawlRun
bookkeeping, validators, and the listing behind `kaisei updates` — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from crawlers.items import UpdateItem
from crawlers.registry import SourceSpec
from tracker.dates import JST
from tracker.db import session_scope
from tracker.models import CrawlRun, Source, Tag, Update, UpdateRevision
from tracker.errors import NotFoundError
from tracker.store import (Validators, begin_crawl_run, begin_crawl_runs, cached_robots, finish_quiet_runs,
                           list_updates, prepare_crawl, source_states, source_validators,
                           store_source_batch, sync_sources, update_records, update_revisions, upsert_items)

SPEC = SourceSpec(name="mof-news", title="財務省 新着情報", kind="feed", url="https://www.mof.go.jp/news.rss")
OTHER = SourceSpec(name="fsa-news", title="金融庁 新着情報", kind="feed", url="https://www.fsa.go.jp/rss.xml")


def item(n: int, title: str | None = None, summary: str = "", source: str = "mof-news", **kw) -> UpdateItem:
    return UpdateItem(source=source, url=f"https://www.mof.go.jp/news/{n}.html", title=title or f"お知らせ {n}",
                      summary=summary, published_at=dt.datetime(2026, 5, n, 10, 0, tzinfo=JST), **kw)


@pytest.fixture
def source(session):
    rows = sync_sources(session=session, specs=[SPEC, OTHER])
    session.commit()
    return rows["mof-news"]


def test_sync_sources_keeps_validators_until_the_url_changes(session, source):
    source.etag, source.last_modified = '"abc"', "Fri, 01 May 2026 00:00:00 GMT"
    session.commit()
    sync_sources(session=session, specs=[SPEC])
    assert source_validators(source) == {SPEC.url: Validators('"abc"', "Fri, 01 May 2026 00:00:00 GMT")}
    moved = SourceSpec(name="mof-news", title="財務省", kind="feed", url="https://www.mof.go.jp/other.rss")
    row = sync_sources(session=session, specs=[moved])["mof-news"]
    session.commit()
    assert row.url == moved.url and row.title == "財務省" and source_validators(row) == {}
    assert session.exec(select(sa.func.count(Source.id))).one() == 2


def test_new_then_unchanged_writes_nothing(session, source):
    first = upsert_items(session=session, source=source, items=[item(1), item(2)])
    session.commit()
    assert (first.new, first.changed, first.unchanged) == (2, 0, 0) and len(first.new_ids) == 2
    before = session.exec(select(Update).order_by(Update.id)).all()
    stamps = [(u.id, u.fetched_at, u.revision, u.content_hash) for u in before]
    again = upsert_items(session=session, source=source, items=[item(1), item(2)])
    session.commit()
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2) and again.touched_ids == []
    session.expire_all()
    after = session.exec(select(Update).order_by(Update.id)).all()
    assert [(u.id, u.fetched_at, u.revision, u.content_hash) for u in after] == stamps
    assert session.exec(select(UpdateRevision)).all() == []


def test_changed_title_keeps_the_prior_version(session, source):
    upsert_items(session=session, source=source, items=[item(1, summary="旧い説明")])
    session.commit()
    result = upsert_items(session=session, source=source, items=[item(1, title="お知らせ 1（訂正）", summary="新しい説明")])
    session.commit()
    assert (result.new, result.changed) == (0, 1)
    update = session.exec(select(Update)).one()
    assert update.title == "お知らせ 1（訂正）" and update.revision == 2 and update.changed_at is not None
    assert update.tagged_at is None  # changed text is tagged again
    (old,) = update_revisions(session=session, update_id=update.id)
    assert (old.revision, old.title, old.summary) == (1, "お知らせ 1", "旧い説明")
    assert old.content_hash != update.content_hash
    # A third version keeps both earlier ones.
    upsert_items(session=session, source=source, items=[item(1, title="お知らせ 1（再訂正）")])
    session.commit()
    assert [r.revision for r in update_revisions(session=session, update_id=update.id)] == [1, 2]


def test_one_url_is_one_update_across_sources(session, source):
    upsert_items(session=session, source=source, items=[item(1)])
    other = session.exec(select(Source).where(Source.name == "fsa-news")).one()
    result = upsert_items(session=session, source=other, items=[item(1, source="fsa-news")])
    session.commit()
    assert (result.new, result.changed, result.unchanged, result.elsewhere) == (0, 0, 0, 1)
    assert session.exec(select(sa.func.count(Update.id))).one() == 1
    # Another source's different title for the URL does not revise it: it is the first source's update.
    result = upsert_items(session=session, source=other, items=[item(1, title="別の見出し", source="fsa-news")])
    session.commit()
    assert (result.changed, result.elsewhere) == (0, 1)
    row = session.exec(select(Update)).one()
    assert (row.source_id, row.title, row.revision) == (source.id, "お知らせ 1", 1)


def test_store_source_batch_records_the_run_and_validators(session, source):
    run = begin_crawl_run(session=session, source=source)
    session.commit()
    outcome = store_source_batch(session=session, source_name="mof-news", items=[item(1), item(2)], responses=1,
                                 not_modified=0, errors=[], validators={SPEC.url: Validators('"v1"', None)},
                                 run_id=run.id)
    session.commit()
    assert (outcome.status, outcome.fetched, outcome.new) == ("ok", 2, 2)
    run = session.get(CrawlRun, run.id)
    assert (run.status, run.new, run.fetched, run.finished_at is not None) == ("ok", 2, 2, True)
    assert source.etag == '"v1"' and source.last_status == "ok" and source.last_error is None

    outcome = store_source_batch(session=session, source_name="mof-news", items=[], responses=1, not_modified=1,
                                 errors=[], validators={})
    session.commit()
    assert outcome.status == "not_modified" and outcome.unchanged == 1
    assert source.etag == '"v1"'  # a 304 keeps the validators

    outcome = store_source_batch(session=session, source_name="mof-news", items=[], responses=0, not_modified=0,
                                 errors=["HTTP 500 Internal Server Error from x"], validators={})
    session.commit()
    assert outcome.status == "error" and source.last_error.startswith("HTTP 500")
    states = source_states(session=session, names=["mof-news", "fsa-news"])
    assert states["mof-news"].updates == 2 and states["mof-news"].last_status == "error"
    assert states["fsa-news"].updates == 0 and states["fsa-news"].last_status is None


def test_prepare_crawl_syncs_sources_and_opens_runs(engine):
    """prepare_crawl: new sources inserted, changed ones updated (a new URL drops its validators, robots.txt kept),
    a run left running by a killed crawl closed, one running run per source opened."""
    import dataclasses

    with session_scope(engine) as session:
        rows = sync_sources(session=session, specs=[SPEC])
        rows["mof-news"].etag, rows["mof-news"].last_modified = '"old"', "Fri, 01 May 2026 00:00:00 GMT"
        rows["mof-news"].settings = {**rows["mof-news"].settings,
                                     "robots_txt": {"netloc": "www.mof.go.jp", "body": "User-agent: *",
                                                    "fetched_at": dt.datetime.now(dt.timezone.utc).isoformat()}}
        stale = begin_crawl_run(session=session, source=rows["mof-news"]).id
    with session_scope(engine) as session:
        prepared = prepare_crawl(session=session, specs=[SPEC, OTHER])
    assert list(prepared) == ["mof-news", "fsa-news"]
    assert source_validators(prepared["mof-news"]) == {SPEC.url: Validators('"old"', "Fri, 01 May 2026 00:00:00 GMT")}
    assert list(cached_robots(prepared.values())) == ["www.mof.go.jp"]
    with session_scope(engine) as session:
        runs = {run.id: run for run in session.exec(select(CrawlRun)).all()}
        assert runs[stale].status == "error" and "interrupted" in runs[stale].message and runs[stale].finished_at
        for name, source in prepared.items():
            run = runs[source.run_id]
            assert (run.status, run.source_id, run.finished_at) == ("running", source.id, None)
        fsa = session.exec(select(Source).where(Source.name == "fsa-news")).one()
        assert (fsa.title, fsa.kind, fsa.url, fsa.language) == (OTHER.title, "feed", OTHER.url, "ja")

    # A name given twice is one source with one run.
    with session_scope(engine) as session:
        twice = prepare_crawl(session=session, specs=[SPEC, dataclasses.replace(SPEC, title="財務省 新着情報 2")])
        assert len(twice) == 1
        running = session.exec(select(CrawlRun).where(CrawlRun.status == "running",
                                                      CrawlRun.source_id == twice["mof-news"].id)).all()
        assert [run.id for run in running] == [twice["mof-news"].run_id]

    moved = dataclasses.replace(SPEC, url="https://www.mof.go.jp/news/index.rss", title="財務省 新着")
    with session_scope(engine) as session:
        prepared = prepare_crawl(session=session, specs=[moved])
    assert source_validators(prepared["mof-news"]) == {}
    with session_scope(engine) as session:
        row = session.exec(select(Source).where(Source.name == "mof-news")).one()
        assert (row.url, row.title, row.etag, row.last_modified) == (moved.url, "財務省 新着", None, None)
        assert "robots_txt" in row.settings


def test_quiet_runs_are_closed_like_one_by_one(engine):
    """finish_quiet_runs writes what store_source_batch writes for a source answered only by 304s."""
    with session_scope(engine) as session:
        rows = sync_sources(session=session, specs=[SPEC, OTHER])
        rows["mof-news"].etag = '"keep"'
        runs = begin_crawl_runs(session=session, sources=list(rows.values()))
        run_ids = {name: run.id for name, run in runs.items()}
    when = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.timezone.utc)
    with session_scope(engine) as session:
        finish_quiet_runs(session=session, finished_at=when,
                          runs=[("mof-news", run_ids["mof-news"], 1), ("fsa-news", run_ids["fsa-news"], 2)])
    with session_scope(engine) as session:
        quiet = session.get(CrawlRun, run_ids["fsa-news"])
        assert (quiet.status, quiet.unchanged, quiet.fetched, quiet.errors, quiet.message) == \
            ("not_modified", 2, 0, 0, None)
        assert quiet.finished_at == when
        rows = {row.name: row for row in session.exec(select(Source)).all()}
        assert {row.last_status for row in rows.values()} == {"not_modified"}
        assert rows["mof-news"].last_crawled_at == when and rows["mof-news"].etag == '"keep"'
        # The same batch written the general way gives the same run.
        run = begin_crawl_run(session=session, source=rows["mof-news"])
        store_source_batch(session=session, source_name="mof-news", items=[], responses=1, not_modified=1, errors=[],
                           validators={}, run_id=run.id)
        session.flush()
        assert (run.status, run.unchanged, run.fetched, run.errors, run.message) == ("not_modified", 1, 0, 0, None)


def test_quiet_runs_of_an_unknown_source_or_run_write_nothing(engine):
    with session_scope(engine) as session:
        rows = sync_sources(session=session, specs=[SPEC])
        run_id = begin_crawl_runs(session=session, sources=list(rows.values()))["mof-news"].id
    for runs in ([("mof-news", run_id, 1), ("no-such-source", run_id, 1)], [("mof-news", run_id + 1000, 1)]):
        with pytest.raises(NotFoundError):
            with session_scope(engine) as session:
                finish_quiet_runs(session=session, runs=runs)
    with session_scope(engine) as session:
        assert session.get(CrawlRun, run_id).status == "running"
        assert session.exec(select(Source)).one().last_status is None


def test_extra_urls_keep_their_own_validators(session):
    laws = SourceSpec(name="egov-laws", title="法令", kind="egov-laws", url="https://laws.e-gov.go.jp/api/1/updatelawlists")
    row = sync_sources(session=session, specs=[laws])["egov-laws"]
    day = "https://laws.e-gov.go.jp/api/1/updatelawlists/20260501"
    store_source_batch(session=session, source_name="egov-laws", items=[], responses=1, not_modified=0, errors=[],
                       validators={day: Validators('"d1"', None)})
    session.commit()
    row = sync_sources(session=session, specs=[laws])["egov-laws"]
    session.commit()
    assert source_validators(row) == {day: Validators('"d1"', None)}


def test_a_killed_crawls_running_run_is_closed_by_the_next(session, source):
    stale = begin_crawl_run(session=session, source=source)
    session.commit()
    begin_crawl_run(session=session, source=source)
    session.commit()
    session.refresh(stale)
    assert stale.status == "error" and "interrupted" in stale.message


def test_a_failed_batch_writes_nothing(engine):
    with session_scope(engine) as session:
        sync_sources(session=session, specs=[SPEC])
    with pytest.raises(RuntimeError):
        with session_scope(engine) as session:
            store_source_batch(session=session, source_name="mof-news", items=[item(1), item(2)], responses=1,
                               not_modified=0, errors=[], validators={})
            raise RuntimeError("the crawl died mid-batch")
    with session_scope(engine) as session:
        assert session.exec(select(Update)).all() == []
        assert session.exec(select(CrawlRun)).all() == []


def test_list_updates_filters_and_json_form(session, source):
    result = upsert_items(session=session, source=source, items=[item(1), item(2, deadline_on=dt.date(2026, 7, 10)),
                                                                 item(3)])
    other = session.exec(select(Source).where(Source.name == "fsa-news")).one()
    upsert_items(session=session, source=other,
                 items=[UpdateItem(source="fsa-news", url="https://www.fsa.go.jp/x.html", title="金融庁のお知らせ")])
    first, second, third = result.new_ids
    session.add_all([Tag(update_id=second, kind="department", label="accounting", origin="model"),
                     Tag(update_id=third, kind="department", label="accounting", origin="model"),
                     Tag(update_id=third, kind="department", label="accounting", origin="manual", negated=True),
                     Tag(update_id=first, kind="department", label="hr", origin="manual"),
                     Tag(update_id=second, kind="topic", label="invoice", origin="rule")])
    session.commit()

    everything = list_updates(session=session)
    # Newest first; an update without a published time counts by when it was fetched (now: the newest).
    assert [u.title for u in everything] == ["金融庁のお知らせ", "お知らせ 3", "お知らせ 2", "お知らせ 1"]
    assert [u.id for u in list_updates(session=session, sources=["mof-news"], limit=2)] == [third, second]
    assert [u.id for u in list_updates(session=session, departments=["accounting"])] == [second]
    assert [u.id for u in list_updates(session=session, departments=["hr", "accounting"])] == [second, first]
    since = list_updates(session=session, sources=["mof-news"], since=dt.date(2026, 5, 2))
    assert [u.id for u in since] == [third, second]

    (record,) = update_records(session=session, updates=[session.get(Update, second)])
    assert record["source"] == "mof-news" and record["title"] == "お知らせ 2"
    assert record["published_at"] == "2026-05-02T10:00:00+09:00"
    assert record["deadline_on"] == "2026-07-10" and record["effective_on"] is None
    assert record["departments"] == ["accounting"] and record["topics"] == ["invoice"]
    assert record["revision"] == 1 and record["url"] == "https://www.mof.go.jp/news/2.html"


def test_robots_txt_is_kept_per_host_for_a_day(session, source):
    from tracker.store import ROBOTS_TTL, cached_robots, set_robots

    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    rules = b"User-agent: *\nDisallow: /x/\n"
    set_robots(source=source, netloc="www.mof.go.jp", body=rules, fetched_at=now)
    session.add(source)
    session.flush()
    rows = sync_sources(session=session, specs=[SPEC])  # the entry survives a refresh of the source's fields
    assert cached_robots(rows.values(), now=now + ROBOTS_TTL / 2) == {"www.mof.go.jp": rules}
    assert cached_robots(rows.values(), now=now + ROBOTS_TTL) == {}
    assert cached_robots(rows.values(), now=now - dt.timedelta(minutes=1)) == {}  # a clock set back: ask again
    moved = SourceSpec(name="mof-news", title="財務省", kind="feed", url="https://news.mof.go.jp/news.rss")
    rows = sync_sources(session=session, specs=[moved])
    assert cached_robots(rows.values(), now=now) == {}  # another host: its own robots.txt
