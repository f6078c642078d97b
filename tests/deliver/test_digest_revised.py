"""The digest's "Revised" section, sent for real to an aiosmtpd server: an update someone was already sent and
that a re-crawl found changed is announced once per revision, with the title they were sent and their state; the
store's own ``upsert_items`` makes the revisions (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from crawlers.items import UpdateItem
from deliver_smtp import SmtpServer, assert_tags_balance, deliveries, new_urls
from deliver_smtp import text_sections as sections  # heading → the text below it, in the plain-text part
from tracker.config import Settings
from tracker.dates import JST
from tracker.digest import deliver_digests, reminder_kind, revised_kind
from tracker.models import DigestDelivery, Person, Source, Tag, Update
from tracker.people import add_person
from tracker.status import set_status
from tracker.store import upsert_items

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # the digests' "today": 2026-04-01 in JST
DAY = dt.timedelta(days=1)
NOTICE = "https://www.nta.go.jp/publication/pamph/gensen/2026.htm"
OTHER = "https://www.nta.go.jp/publication/pamph/nenmatsu/2026.htm"


def mail_settings(port: int, **digest) -> Settings:
    return Settings(smtp={"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5,
                          "from": "改正ウォッチ <kaisei@example.co.jp>"},
                    digest=digest or {})


def notice(url: str = NOTICE, title: str = "令和8年分 源泉徴収税額表について", summary: str = "税額表を掲載しました。",
           **dates) -> UpdateItem:
    return UpdateItem(source="nta-news", url=url, title=title, summary=summary,
                      published_at=dt.datetime(2026, 3, 31, 16, 0, tzinfo=JST), **dates)


def crawl(session: Session, source: Source, *items: UpdateItem, labels: tuple[str, ...] = ("accounting",)) -> None:
    """What a crawl does to the database: the store's upsert (new rows, or revisions), then the department tags."""
    result = upsert_items(session=session, source=source, items=list(items))
    for update_id in result.new_ids:
        for label in labels:
            session.add(Tag(update_id=update_id, kind="department", label=label, origin="rule"))
    session.commit()


def kinds(session: Session, handle: str, url: str = NOTICE) -> set[str]:
    session.expire_all()
    return set(session.exec(
        select(DigestDelivery.kind).join(Person, Person.id == DigestDelivery.person_id)
        .join(Update, Update.id == DigestDelivery.update_id)
        .where(Person.handle == handle, Update.url == url)).all())


@pytest.fixture
def office(session):
    """Two in 経理 (one reads English), one in 人事 only; the 国税庁 source; nothing stored yet."""
    people = {
        "yamada": add_person(session=session, handle="yamada", name="山田 太郎", email="yamada@example.co.jp",
                             departments=["accounting"]),
        "smith": add_person(session=session, handle="smith", name="John Smith", email="smith@example.com",
                            departments=["accounting"], lang="en"),
        "sato": add_person(session=session, handle="sato", name="佐藤 花子", email="sato@example.co.jp",
                           departments=["hr"]),
    }
    for person in people.values():
        person.created_at = NOW - 2 * DAY
        session.add(person)
    source = Source(name="nta-news", title="国税庁 トピックス", kind="html", url="https://www.nta.go.jp/")
    session.add(source)
    session.commit()
    return people, source


def test_a_changed_title_is_announced_once_with_the_old_title_and_the_state(session, engine, office):
    people, source = office
    crawl(session, source, notice(), notice(url=OTHER, title="年末調整のしかた"))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW)
        assert sorted(m["X-Envelope-To"] for m in server.recorder.messages) == [
            "smith@example.com", "yamada@example.co.jp"]
        update_id = session.exec(select(Update.id).where(Update.url == NOTICE)).one()
        set_status(session=session, person="yamada", update_id=update_id, state="applied", note="給与システム更新済")
        session.commit()

        crawl(session, source, notice(title="令和8年分 源泉徴収税額表について（訂正）"), notice(url=OTHER, title="年末調整のしかた"))
        report = deliver_digests(engine=engine, settings=settings, now=NOW + DAY)
        later = server.recorder.messages[2:]
        assert sorted(m["X-Envelope-To"] for m in later) == ["smith@example.com", "yamada@example.co.jp"]
        assert "2 revised update(s)" in report.summary() and "改訂 2 件" in report.summary("ja")

        yamada = server.recorder.to("yamada@example.co.jp")[1]
        assert str(yamada["Subject"]) == "[kaisei] 改訂1件 (2026-04-02)"
        parts = sections(yamada)
        assert list(parts) == ["お知らせ済みの項目の改訂"]
        revised = parts["お知らせ済みの項目の改訂"]
        assert "- 令和8年分 源泉徴収税額表について（訂正）\n" in revised
        assert "前の件名: 令和8年分 源泉徴収税額表について\n" in revised
        assert "国税庁 トピックス | 適用済" in revised and "記録した根拠" in revised  # applied: check the evidence
        assert NOTICE in revised and OTHER not in revised  # the unchanged one is not news
        intro = yamada.get_body(("plain",)).get_content().splitlines()[2]
        assert intro == "担当部署の新着情報、お知らせ済みの項目の改訂、期限が近い項目をお知らせします。"

        smith = server.recorder.to("smith@example.com")[1]
        assert str(smith["Subject"]) == "[kaisei] 1 revised (2026-04-02)"
        revised = sections(smith)["Revised since we told you"]
        assert "Previously: 令和8年分 源泉徴収税額表について" in revised and "国税庁 トピックス | unread" in revised
        assert "check that your evidence" not in revised
        html = smith.get_body(("html",)).get_content()
        assert "Revised since we told you" in html and "Previously: 令和8年分 源泉徴収税額表について" in html

        # the next digest: nothing new, nothing revised since → no mail
        deliver_digests(engine=engine, settings=settings, now=NOW + 2 * DAY)
        assert len(server.recorder.messages) == 4
    assert kinds(session, "yamada") == {"new", revised_kind(2)}
    assert kinds(session, "yamada", OTHER) == {"new"}
    assert kinds(session, "sato") == set()  # 人事 only: never told, neither as new nor as revised


def test_each_revision_once_and_the_title_they_were_sent(session, engine, office):
    people, source = office
    crawl(session, source, notice(title="源泉徴収税額表（案）"))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        set_status(session=session, person="yamada", update_id=session.exec(select(Update.id)).one(),
                   state="studied")
        session.commit()
        crawl(session, source, notice(title="源泉徴収税額表"))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada"])
        # the same title, another text: a revision of the content
        crawl(session, source, notice(title="源泉徴収税額表", summary="別表第三を訂正しました。"))
        deliver_digests(engine=engine, settings=settings, now=NOW + 2 * DAY, only=["yamada"])
        # two revisions between digests: one announcement, against the title they were last sent
        crawl(session, source, notice(title="源泉徴収税額表（再訂正）", summary="別表第三を訂正しました。"))
        crawl(session, source, notice(title="源泉徴収税額表（最終版）", summary="別表第三を訂正しました。"))
        deliver_digests(engine=engine, settings=settings, now=NOW + 3 * DAY, only=["yamada"])
        deliver_digests(engine=engine, settings=settings, now=NOW + 4 * DAY, only=["yamada"])
        messages = server.recorder.messages
    assert len(messages) == 4
    second, third, fourth = (sections(m)["お知らせ済みの項目の改訂"] for m in messages[1:])
    assert "前の件名: 源泉徴収税額表（案）" in second and "学習済" in second
    assert "件名は同じで、内容が改訂されました。" in third and "前の件名" not in third
    assert "- 源泉徴収税額表（最終版）\n" in fourth and "前の件名: 源泉徴収税額表\n" in fourth
    assert kinds(session, "yamada") == {"new", revised_kind(2), revised_kind(3), revised_kind(5)}


def test_someone_who_never_got_it_gets_it_as_new_not_as_revised(session, engine, office):
    people, source = office
    crawl(session, source, notice())
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        crawl(session, source, notice(title="令和8年分 源泉徴収税額表について（訂正）"))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY)  # smith's first digest
        smith = server.recorder.to("smith@example.com")
        assert len(smith) == 1 and str(smith[0]["Subject"]) == "[kaisei] 1 new (2026-04-02)"
        parts = sections(smith[0])
        assert list(parts) == ["New updates"]
        assert "- 令和8年分 源泉徴収税額表について（訂正）\n" in parts["New updates"]
        assert "Previously" not in parts["New updates"]
        assert "Revised" not in smith[0].get_body(("plain",)).get_content()
        assert "what was revised" not in smith[0].get_body(("plain",)).get_content()  # the plain intro
        assert list(sections(server.recorder.to("yamada@example.co.jp")[1])) == ["お知らせ済みの項目の改訂"]
        # got it at its latest revision: not told again …
        deliver_digests(engine=engine, settings=settings, now=NOW + 2 * DAY)
        assert len(server.recorder.messages) == 3
        # … until it changes again, then against the title they were sent
        crawl(session, source, notice(title="令和8年分 源泉徴収税額表について（再訂正）"))
        deliver_digests(engine=engine, settings=settings, now=NOW + 3 * DAY, only=["smith"])
        revised = sections(server.recorder.messages[3])["Revised since we told you"]
    assert "Previously: 令和8年分 源泉徴収税額表について（訂正）" in revised
    assert kinds(session, "smith") == {"new", revised_kind(3)}
    assert kinds(session, "sato") == set()


def test_a_moved_deadline_shows_in_the_revised_section_not_again_below(session, engine, office):
    people, source = office
    crawl(session, source, notice(title="意見公募: 電子帳簿保存法施行規則の一部改正案", deadline_on=dt.date(2026, 4, 10)))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        crawl(session, source, notice(title="意見公募: 電子帳簿保存法施行規則の一部改正案", deadline_on=dt.date(2026, 4, 14)))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada"])
        second = server.recorder.messages[1]
    assert str(second["Subject"]) == "[kaisei] 改訂1件 (2026-04-02)"  # not also "期限間近1件"
    parts = sections(second)
    assert list(parts) == ["お知らせ済みの項目の改訂"]
    revised = parts["お知らせ済みの項目の改訂"]
    assert "締切 2026-04-14 (あと12日)" in revised and "件名は同じで、内容が改訂されました。" in revised
    assert "2026-04-10" not in revised  # kaisei keeps no past dates: it never claims what the date was
    assert kinds(session, "yamada") == {"new", reminder_kind(dt.date(2026, 4, 10)), revised_kind(2),
                                        reminder_kind(dt.date(2026, 4, 14))}


def test_more_revisions_than_max_updates_wait_for_the_next_digest(session, engine, office):
    people, source = office
    urls = [f"https://www.nta.go.jp/law/tsutatsu/{n}.htm" for n in range(3)]
    crawl(session, source, *(notice(url=u, title=f"通達 {n}") for n, u in enumerate(urls)))
    with SmtpServer() as server:
        settings = mail_settings(server.port, max_updates=3)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        crawl(session, source, *(notice(url=u, title=f"通達 {n}（改正）") for n, u in enumerate(urls)))
        settings = mail_settings(server.port, max_updates=2)
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada"])
        deliver_digests(engine=engine, settings=settings, now=NOW + 2 * DAY, only=["yamada"])
        deliver_digests(engine=engine, settings=settings, now=NOW + 3 * DAY, only=["yamada"])
        messages = server.recorder.messages
    assert len(messages) == 3
    first, second = (sections(m)["お知らせ済みの項目の改訂"] for m in messages[1:])
    assert str(messages[1]["Subject"]) == "[kaisei] 改訂2件 (2026-04-02)"
    assert "ほか1件の改訂は次回のダイジェストでお知らせします。" in first
    shown = [u for u in urls if u in first] + [u for u in urls if u in second]
    assert sorted(shown) == sorted(urls)  # each once, none lost
    assert all(kinds(session, "yamada", u) == {"new", revised_kind(2)} for u in urls)


def test_hostile_titles_are_escaped_in_the_revised_section(session, engine, office):
    people, source = office
    before = '<script>alert("old")</script> 源泉徴収'
    after = '"><img src=x onerror=alert(1)> 源泉徴収（訂正）'
    crawl(session, source, notice(title=before))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        crawl(session, source, notice(title=after))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada"])
        msg = server.recorder.messages[1]
    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html and "<img" not in html
    assert "前の件名: &lt;script&gt;alert(&#34;old&#34;)&lt;/script&gt; 源泉徴収" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; 源泉徴収（訂正）</a>" in html
    text = sections(msg)["お知らせ済みの項目の改訂"]
    assert f"- {after}\n" in text and f"前の件名: {before}\n" in text  # the text part as written


def test_revised_html_tags_balance(session, engine, office):
    people, source = office
    crawl(session, source, notice(deadline_on=dt.date(2026, 4, 9)))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        crawl(session, source, notice(title="令和8年分 源泉徴収税額表について（訂正）", deadline_on=dt.date(2026, 4, 9)))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada"])
        html = server.recorder.messages[1].get_body(("html",)).get_content()

    assert_tags_balance(html)
    assert "class=" not in html and "<style" not in html
    assert "前の件名: 令和8年分 源泉徴収税額表について</div>" in html


def test_only_the_new_section_counts_as_new_deliveries(session, engine, office):
    """The test helper every "nothing sent twice" check relies on: a link in the revised or due-soon section of a
    mail is not a "new" delivery, in either language."""
    people, source = office
    due = "https://www.nta.go.jp/law/joho-zeikaishaku/shotoku/2026.htm"
    crawl(session, source, notice())
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada", "smith"])
        crawl(session, source, notice(title="令和8年分 源泉徴収税額表について（訂正）"),
              notice(url=OTHER, title="年末調整のしかた"),
              UpdateItem(source="nta-news", url=due, title="所得税基本通達の一部改正",
                         published_at=NOW - 60 * DAY, effective_on=dt.date(2026, 4, 10)))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada", "smith"])
        recorder = server.recorder
    yamada, smith = recorder.to("yamada@example.co.jp")[1], recorder.to("smith@example.com")[1]
    assert list(sections(yamada)) == ["新着情報", "お知らせ済みの項目の改訂", "期限が近いもの（未適用）"]
    assert list(sections(smith)) == ["New updates", "Revised since we told you", "Due soon (not yet applied)"]
    for msg in (yamada, smith):
        text = msg.get_body(("plain",)).get_content()
        assert NOTICE in text and due in text  # the links are in the mail …
        assert new_urls(msg) == [OTHER]  # … but only one of them is new
    assert deliveries(recorder) == {(to, url): 1 for to in ("yamada@example.co.jp", "smith@example.com")
                                    for url in (NOTICE, OTHER)}


# -- a crawl and a digest at the same time ---------------------------------------------------------------------

def crawl_during_send(engine, source: Source, *items: UpdateItem):
    """A ``before_accept`` hook: the first time a mail arrives, a crawl (its own session) stores ``items`` and
    commits — after the digest read and built that mail, before the server's "250" lets it record the delivery."""
    fired: list[str] = []

    def hook(msg) -> None:
        if fired:
            return
        fired.append(str(msg["X-Envelope-To"]))
        with Session(engine, expire_on_commit=False) as other:
            crawl(other, other.get(Source, source.id), *items)
    hook.fired = fired
    return hook


def test_a_revision_stored_while_its_predecessor_is_being_sent_is_still_announced(session, engine, office):
    people, source = office
    crawl(session, source, notice(title="源泉徴収税額表（案）"))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        crawl(session, source, notice(title="源泉徴収税額表"))
        server.recorder.before_accept = crawl_during_send(engine, source, notice(title="源泉徴収税額表（訂正）"))
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["yamada"])
        assert server.recorder.before_accept.fired == ["yamada@example.co.jp"]
        server.recorder.before_accept = None
        # what the mail showed is what was recorded: revision 2, not the 3 stored while it was on its way
        raced = sections(server.recorder.messages[1])["お知らせ済みの項目の改訂"]
        assert "- 源泉徴収税額表\n" in raced and "前の件名: 源泉徴収税額表（案）" in raced
        assert kinds(session, "yamada") == {"new", revised_kind(2)}
        deliver_digests(engine=engine, settings=settings, now=NOW + 2 * DAY, only=["yamada"])
        deliver_digests(engine=engine, settings=settings, now=NOW + 3 * DAY, only=["yamada"])
        messages = server.recorder.messages
    assert len(messages) == 3  # revision 3 announced once
    revised = sections(messages[2])["お知らせ済みの項目の改訂"]
    assert "- 源泉徴収税額表（訂正）\n" in revised and "前の件名: 源泉徴収税額表\n" in revised
    assert kinds(session, "yamada") == {"new", revised_kind(2), revised_kind(3)}


def test_a_revision_stored_while_the_update_is_being_sent_as_new_is_announced(session, engine, office):
    people, source = office
    crawl(session, source, notice(title="源泉徴収税額表（案）"))
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        server.recorder.before_accept = crawl_during_send(engine, source, notice(title="源泉徴収税額表"))
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["smith"])
        assert server.recorder.before_accept.fired == ["smith@example.com"]
        server.recorder.before_accept = None
        assert "- 源泉徴収税額表（案）\n" in sections(server.recorder.messages[0])["New updates"]
        deliver_digests(engine=engine, settings=settings, now=NOW + DAY, only=["smith"])
        deliver_digests(engine=engine, settings=settings, now=NOW + 2 * DAY, only=["smith"])
        messages = server.recorder.messages
    assert len(messages) == 2
    assert str(messages[1]["Subject"]) == "[kaisei] 1 revised (2026-04-02)"
    revised = sections(messages[1])["Revised since we told you"]
    assert "- 源泉徴収税額表\n" in revised and "Previously: 源泉徴収税額表（案）" in revised
    assert kinds(session, "smith") == {"new", revised_kind(2)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def unmigrated_url(request, tmp_path, pg_url, scratch_pg):
    """An empty database of its own, no schema yet: SQLite in tmp_path, or a database created on the PostgreSQL
    server for this test (dropped after it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if pg_url is None:
        pytest.skip("KAISEI_TEST_DATABASE_URL is not set")
    with scratch_pg(pg_url, "kaisei_mig_") as url:
        yield url


def test_deliveries_sent_before_the_upgrade_owe_what_they_owed(unmigrated_url, settings):
    """Deliveries recorded before kaisei kept the revision shown get the revision in effect when they were sent:
    what was owed (by the old time rule) is still owed, once, and nothing else is."""
    import sqlalchemy as sa

    from tracker.db import create_db_engine, upgrade
    from tracker.departments import sync_departments
    from tracker.digest import build_digests
    from tracker.models import UpdateRevision, UTCDateTime

    engine = create_db_engine(unmigrated_url, migrate=False)
    upgrade(engine, "0002")
    at = {n: NOW - n * DAY for n in range(8)}  # n days before NOW
    with Session(engine, expire_on_commit=False) as s:
        sync_departments(session=s, settings=settings)
        yamada = add_person(session=s, handle="yamada", name="山田 太郎", email="yamada@example.co.jp",
                            departments=["accounting"])
        yamada.created_at = at[7]
        source = Source(name="nta-news", title="国税庁 トピックス", kind="html", url="https://www.nta.go.jp/")
        s.add_all([yamada, source])
        s.flush()

        def update(n: int, revisions: list[tuple[str, dt.datetime]], title: str) -> Update:
            """An update now at len(revisions) + 1, each earlier version superseded at the time given."""
            row = Update(source_id=source.id, url=f"https://www.nta.go.jp/law/{n}.htm", title=title,
                         published_at=at[7], fetched_at=at[7], revision=len(revisions) + 1,
                         changed_at=revisions[-1][1])
            s.add(row)
            s.flush()
            s.add(Tag(update_id=row.id, kind="department", label="accounting", origin="rule"))
            for revision, (old_title, superseded_at) in enumerate(revisions, start=1):
                s.add(UpdateRevision(update_id=row.id, revision=revision, title=old_title,
                                     superseded_at=superseded_at))
            return row

        sent_before = update(1, [("通達 1", at[1])], "通達 1（改正）")  # sent 3 days ago, revised 1 day ago
        sent_after = update(2, [("通達 2", at[1])], "通達 2（改正）")  # revised 1 day ago, sent as new today
        announced = update(3, [("通達 3", at[5]), ("通達 3（改正）", at[1])], "通達 3（再改正）")
        s.commit()
        legacy = [(sent_before.id, "new", at[3]), (sent_after.id, "new", at[0]),
                  (sent_after.id, reminder_kind(dt.date(2026, 4, 10)), at[0]),
                  (announced.id, "new", at[6]), (announced.id, revised_kind(2), at[4])]
        # the table as it was at 0002 (no revision column), sent_at stored the way kaisei stores every time
        s.execute(sa.text("INSERT INTO digestdelivery (person_id, update_id, kind, sent_at) VALUES (:p, :u, :k, :t)")
                  .bindparams(sa.bindparam("t", type_=UTCDateTime())),
                  [{"p": yamada.id, "u": u, "k": k, "t": t} for u, k, t in legacy])
        s.commit()

    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        shown = {(u, k): r for u, k, r in s.exec(
            select(DigestDelivery.update_id, DigestDelivery.kind, DigestDelivery.revision)).all()}
        assert shown == {(sent_before.id, "new"): 1, (sent_after.id, "new"): 2,
                         (sent_after.id, reminder_kind(dt.date(2026, 4, 10))): 2,
                         (announced.id, "new"): 1, (announced.id, revised_kind(2)): 2}
        (digest,) = build_digests(session=s, settings=mail_settings(25), now=NOW)
        assert [(i.update_id, i.revision, i.previous_title) for i in digest.revised] == [
            (announced.id, 3, "通達 3（改正）"), (sent_before.id, 2, "通達 1")]
        assert digest.sections == [] and digest.reminders == []
        s.rollback()
    engine.dispose()
