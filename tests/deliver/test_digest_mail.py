"""The digest, sent for real to an aiosmtpd server: right messages to the right people, decodable Japanese headers,
escaped HTML, nothing twice, and SMTP outages that lose nothing and duplicate nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections import Counter

import pytest
from sqlmodel import Session, select

from deliver_smtp import SmtpRecorder, SmtpServer, assert_tags_balance, closed_port, deliveries, new_urls
from tracker.config import Settings
from tracker.digest import DigestNotSent, build_digests, deliver_digests, preview_digests, reminder_kind
from tracker.errors import MailError
from tracker.models import DigestDelivery, Person, Source, Tag, Update
from tracker.people import add_person, deactivate_person
from tracker.status import set_status

UTC = dt.timezone.utc
JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 09:00 JST


def mail_settings(port: int, **digest) -> Settings:
    return Settings(smtp={"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5,
                          "from": "改正ウォッチ <kaisei@example.co.jp>"},
                    digest=digest or {})


def add_update(session: Session, source: Source, n: int, labels: list[str], *, title: str | None = None,
               published: dt.datetime | None = None, url: str | None = None, **dates) -> Update:
    update = Update(source_id=source.id, url=url or f"https://www.nta.go.jp/news/{n}.htm",
                    title=title or f"源泉徴収に関するお知らせ その{n}",
                    published_at=published or NOW - dt.timedelta(hours=n), fetched_at=NOW, **dates)
    session.add(update)
    session.flush()
    for label in labels:
        session.add(Tag(update_id=update.id, kind="department", label=label, origin="rule"))
    session.flush()
    return update


@pytest.fixture
def team(session):
    """Three active people (one in English), one deactivated, one with nothing coming; a source; updates."""
    created = NOW - dt.timedelta(days=2)
    people = {
        "yamada": add_person(session=session, handle="yamada", name="山田 太郎", email="yamada@example.co.jp",
                             departments=["accounting", "hr"]),
        "smith": add_person(session=session, handle="smith", name="John Smith", email="smith@example.com",
                            departments=["legal"], lang="en"),
        "sato": add_person(session=session, handle="sato", name="佐藤 花子", email="sato@example.co.jp",
                           departments=["hr"]),
        "gone": add_person(session=session, handle="gone", name="退職 者", email="gone@example.co.jp",
                           departments=["accounting"]),
        "quiet": add_person(session=session, handle="quiet", name="情シス", email="quiet@example.co.jp",
                            departments=["it"]),
    }
    for person in people.values():
        person.created_at = created
        session.add(person)
    deactivate_person(session=session, handle="gone")
    source = Source(name="nta-news", title="国税庁 トピックス", kind="html", url="https://www.nta.go.jp/")
    session.add(source)
    session.flush()
    updates = {
        "acc": add_update(session, source, 1, ["accounting"]),
        "hr": add_update(session, source, 2, ["hr"]),
        "both": add_update(session, source, 3, ["accounting", "legal"]),
        "legal": add_update(session, source, 4, ["legal"]),
        "none": add_update(session, source, 5, []),
    }
    session.commit()
    return people, source, updates


def test_right_messages_to_the_right_people(session, engine, team):
    people, source, updates = team
    with SmtpServer() as server:
        report = deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW)
        got = server.recorder
    assert sorted(m["X-Envelope-To"] for m in got.messages) == [
        "sato@example.co.jp", "smith@example.com", "yamada@example.co.jp"]
    assert report.ok and len(report.sent) == 3
    yamada = got.to("yamada@example.co.jp")[0]
    assert sorted(new_urls(yamada)) == sorted(updates[k].url for k in ("acc", "hr", "both"))
    assert sorted(new_urls(got.to("smith@example.com")[0])) == sorted(updates[k].url for k in ("both", "legal"))
    assert new_urls(got.to("sato@example.co.jp")[0]) == [updates["hr"].url]
    # grouped by department, newest first: 経理 (acc 1h ago, then both 3h ago), then 人事
    text = yamada.get_body(("plain",)).get_content()
    assert text.index("■ 経理") < text.index(updates["acc"].url) < text.index(updates["both"].url) \
        < text.index("■ 人事") < text.index(updates["hr"].url)
    assert "国税庁 トピックス" in text and "2026-04-01" in text  # source, date in JST
    # English for the person who chose it
    smith = got.to("smith@example.com")[0]
    assert str(smith["Subject"]) == "[kaisei] 2 new (2026-04-01)"
    assert "New updates" in smith.get_body(("plain",)).get_content()
    # multipart/alternative: text and HTML; Message-ID and Date
    for msg in got.messages:
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.co.jp>")
        assert email.utils.parsedate_to_datetime(str(msg["Date"])) == NOW
    # recorded: one "new" row per (person, update) delivered
    rows = session.exec(select(DigestDelivery.person_id, DigestDelivery.update_id, DigestDelivery.kind)).all()
    assert Counter(r[2] for r in rows) == {"new": 6}


def test_headers_decode_to_the_right_japanese(engine, team):
    with SmtpServer() as server:
        deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW, only=["yamada"])
        (raw,) = server.recorder.messages
    wire = raw.as_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in wire else wire.split(b"\n\n", 1)[0]
    head.decode("ascii")  # every header went over the wire as ASCII (RFC 2047 encoded words)
    assert b"=?utf-8?" in head
    again = email.message_from_bytes(wire, policy=email.policy.default)
    assert str(again["Subject"]) == "[kaisei] 新着3件 (2026-04-01)"
    assert again["To"].addresses[0].display_name == "山田 太郎"
    assert again["To"].addresses[0].addr_spec == "yamada@example.co.jp"
    assert again["From"].addresses[0].display_name == "改正ウォッチ"
    assert again.get_body(("plain",)).get_content().startswith("山田 太郎 さん")


def test_hostile_title_is_escaped_in_html(session, engine, team):
    people, source, _ = team
    hostile = add_update(session, source, 9, ["it"], title='<script>alert("x")</script> "><img src=x onerror=alert(1)>',
                         url="https://evil.example/a?x=\"><script>alert(2)</script>")
    add_update(session, source, 10, ["it"], title="link trap", url="javascript:alert(document.cookie)")
    session.commit()
    with SmtpServer() as server:
        deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW, only=["quiet"])
        (msg,) = server.recorder.messages
    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://evil.example/a?x=&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in html
    assert "javascript:" not in html  # not a link at all
    # the text part shows the title as written
    assert hostile.title in msg.get_body(("plain",)).get_content()


def test_nothing_sent_twice_and_only_what_is_new(session, engine, team):
    people, source, updates = team
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW)
        assert len(server.recorder.messages) == 3
        report = deliver_digests(engine=engine, settings=settings, now=NOW + dt.timedelta(days=1))
        assert len(server.recorder.messages) == 3 and report.sent == []
        fresh = add_update(session, source, 11, ["hr"], published=NOW + dt.timedelta(hours=5))
        session.commit()
        deliver_digests(engine=engine, settings=settings, now=NOW + dt.timedelta(days=1))
        later = server.recorder.messages[3:]
    assert sorted(m["X-Envelope-To"] for m in later) == ["sato@example.co.jp", "yamada@example.co.jp"]
    assert all(new_urls(m) == [fresh.url] for m in later)
    assert max(deliveries(server.recorder).values()) == 1


def test_reminders_once_per_date_and_not_when_applied(session, engine, team):
    people, source, updates = team
    old = NOW - dt.timedelta(days=60)  # before anyone joined: never "new", but still reminded of
    soon = add_update(session, source, 20, ["hr"], published=old, effective_on=dt.date(2026, 4, 10))
    deadline = add_update(session, source, 21, ["hr"], published=old, deadline_on=dt.date(2026, 4, 15))
    add_update(session, source, 22, ["hr"], published=old, effective_on=dt.date(2026, 5, 30))  # beyond 14 days
    applied = add_update(session, source, 23, ["hr"], published=old, effective_on=dt.date(2026, 4, 3))
    session.commit()
    set_status(session=session, person="sato", update_id=applied.id, state="applied", note="規程改定済")
    session.commit()
    with SmtpServer() as server:
        settings = mail_settings(server.port)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["sato"])
        (first,) = server.recorder.messages
        text = first.get_body(("plain",)).get_content()
        assert str(first["Subject"]) == "[kaisei] 新着1件・期限間近2件 (2026-04-01)"
        due_part = text.split("== 期限が近いもの")[1]
        assert "施行日 2026-04-10 (あと9日)" in due_part and soon.url in due_part
        assert "締切 2026-04-15 (あと14日)" in due_part and deadline.url in due_part
        assert due_part.index(soon.url) < due_part.index(deadline.url)  # soonest first
        assert applied.url not in text
        # the next day: nothing new, nothing not yet reminded → no mail
        deliver_digests(engine=engine, settings=settings, now=NOW + dt.timedelta(days=1), only=["sato"])
        assert len(server.recorder.messages) == 1
        # a postponed 施行日 is a new date: reminded again
        soon.effective_on = dt.date(2026, 4, 12)
        session.add(soon)
        session.commit()
        deliver_digests(engine=engine, settings=settings, now=NOW + dt.timedelta(days=1), only=["sato"])
        assert len(server.recorder.messages) == 2
        assert "施行日 2026-04-12" in server.recorder.messages[1].get_body(("plain",)).get_content()
    kinds = set(session.exec(select(DigestDelivery.kind).where(DigestDelivery.update_id == soon.id)).all())
    assert kinds == {reminder_kind(dt.date(2026, 4, 10)), reminder_kind(dt.date(2026, 4, 12))}


def test_first_digest_reaches_back_first_days(session, engine, team):
    people, source, _ = team
    joined = people["quiet"].created_at  # NOW - 2 days
    recent = add_update(session, source, 30, ["it"], published=joined - dt.timedelta(days=6))
    add_update(session, source, 31, ["it"], published=joined - dt.timedelta(days=8))
    session.commit()
    (digest,) = list(build_digests(session=session, settings=mail_settings(25), now=NOW, only=["quiet"]))
    assert [i.url for s in digest.sections for i in s.items] == [recent.url]
    session.rollback()
    (digest,) = list(build_digests(session=session, settings=mail_settings(25, first_days=30), now=NOW,
                                   only=["quiet"]))
    assert digest.new_count == 2


def test_more_than_max_updates_wait_for_the_next_digest(session, engine, team):
    with SmtpServer() as server:
        settings = mail_settings(server.port, max_updates=2)
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        first = server.recorder.messages[0].get_body(("plain",)).get_content()
        assert "ほか1件は次回" in first
        deliver_digests(engine=engine, settings=settings, now=NOW, only=["yamada"])
        assert len(server.recorder.messages) == 2
        assert max(deliveries(server.recorder).values()) == 1
        assert len(deliveries(server.recorder)) == 3


def test_unknown_or_deactivated_person(engine, team):
    from tracker.errors import KaiseiError, NotFoundError

    with pytest.raises(NotFoundError, match="unknown person 'nobody'"):
        preview_digests(engine=engine, settings=mail_settings(25), now=NOW, only=["nobody"])
    with pytest.raises(KaiseiError, match="deactivated"):
        preview_digests(engine=engine, settings=mail_settings(25), now=NOW, only=["gone"])


# -- outages: nothing lost, nothing twice ---------------------------------------------------------------------

def _delivered(session) -> set[tuple[int, int]]:
    session.expire_all()
    return set(session.exec(select(DigestDelivery.person_id, DigestDelivery.update_id)
                            .where(DigestDelivery.kind == "new")).all())


def _expected(session) -> set[tuple[int, int]]:
    ids = {p.handle: p.id for p in session.exec(select(Person)).all()}
    urls = {u.url: u.id for u in session.exec(select(Update)).all()}
    return {(ids[h], urls[u]) for h, u in [
        ("yamada", "https://www.nta.go.jp/news/1.htm"), ("yamada", "https://www.nta.go.jp/news/2.htm"),
        ("yamada", "https://www.nta.go.jp/news/3.htm"), ("smith", "https://www.nta.go.jp/news/3.htm"),
        ("smith", "https://www.nta.go.jp/news/4.htm"), ("sato", "https://www.nta.go.jp/news/2.htm")]}


def test_server_down_records_nothing_then_sends_all(session, engine, team):
    with pytest.raises(MailError, match=r"SMTP 127\.0\.0\.1:\d+: cannot connect: Connection refused"):
        deliver_digests(engine=engine, settings=mail_settings(closed_port()), now=NOW)
    assert _delivered(session) == set()
    with SmtpServer() as server:
        deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW)
        assert len(server.recorder.messages) == 3
    assert _delivered(session) == _expected(session)


@pytest.mark.parametrize("reply", ["550 5.1.1 mailbox unavailable", "452 4.2.2 mailbox full"])
def test_refused_recipient_is_owed_the_others_are_sent(session, engine, team, reply):
    recorder = SmtpRecorder(refuse={"smith@example.com": reply})
    with SmtpServer(recorder) as server:
        settings = mail_settings(server.port)
        with pytest.raises(DigestNotSent) as caught:
            deliver_digests(engine=engine, settings=settings, now=NOW)
        line = str(caught.value)
        assert "\n" not in line and reply in line and "smith@example.com" in line
        assert "sent 2 digest(s)" in line and "owed to the next run" in line
        assert sorted(m["X-Envelope-To"] for m in recorder.messages) == ["sato@example.co.jp",
                                                                          "yamada@example.co.jp"]
        smith = session.exec(select(Person).where(Person.handle == "smith")).one()
        assert {p for p, _ in _delivered(session)} == {p for p, _ in _expected(session)} - {smith.id}
        recorder.refuse.clear()
        deliver_digests(engine=engine, settings=settings, now=NOW)
    assert [m["X-Envelope-To"] for m in recorder.messages[2:]] == ["smith@example.com"]
    assert max(deliveries(recorder).values()) == 1
    assert _delivered(session) == _expected(session)


@pytest.mark.parametrize("reply", ["451 4.3.0 local error, try later", "554 5.7.1 rejected by policy"])
def test_data_refused_after_first_message(session, engine, team, reply):
    recorder = SmtpRecorder(fail_after=1, fail_reply=reply)
    with SmtpServer(recorder) as server:
        settings = mail_settings(server.port)
        with pytest.raises(DigestNotSent, match="sent 1 digest"):
            deliver_digests(engine=engine, settings=settings, now=NOW)
        assert len(recorder.messages) == 1
        assert len(_delivered(session)) == len(new_urls(recorder.messages[0]))
        recorder.fail_after = None
        deliver_digests(engine=engine, settings=settings, now=NOW)
    assert len(recorder.messages) == 3
    assert max(deliveries(recorder).values()) == 1
    assert _delivered(session) == _expected(session)


def test_connection_dropped_mid_run(session, engine, team):
    recorder = SmtpRecorder(drop_after=1)
    with SmtpServer(recorder) as server:
        settings = mail_settings(server.port)
        with pytest.raises(DigestNotSent, match=r"sent 1 digest.*connection lost while sending to") as caught:
            deliver_digests(engine=engine, settings=settings, now=NOW)
        assert "\n" not in str(caught.value)
        assert len(recorder.messages) == 1
        first = recorder.messages[0]["X-Envelope-To"]
        assert {p for p, _ in _delivered(session)} == {
            session.exec(select(Person.id).where(Person.email == first)).one()}
        recorder.drop_after = None
        deliver_digests(engine=engine, settings=settings, now=NOW)
    assert sorted(m["X-Envelope-To"] for m in recorder.messages) == [
        "sato@example.co.jp", "smith@example.com", "yamada@example.co.jp"]
    assert max(deliveries(recorder).values()) == 1
    assert _delivered(session) == _expected(session)


def test_stop_request_ends_the_run_between_messages(session, engine, team):
    calls = []

    def stop_after_one() -> bool:
        calls.append(1)
        return len(calls) > 1

    with SmtpServer() as server:
        report = deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW,
                                 should_stop=stop_after_one)
        assert report.stopped and len(server.recorder.messages) == 1
        deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW)
        assert len(server.recorder.messages) == 3
    assert _delivered(session) == _expected(session)


def test_html_is_table_layout_with_inline_css_only(session, team):
    (digest,) = list(build_digests(session=session, settings=mail_settings(25), now=NOW, only=["yamada"]))
    html = digest.message.get_body(("html",)).get_content()
    assert "<style" not in html and "<link" not in html and "class=" not in html  # Gmail/Outlook keep inline only
    assert "flex" not in html and "grid" not in html and "position:" not in html  # Outlook's Word engine ignores
    assert 'role="presentation"' in html and 'width="640"' in html
    assert "font-family:'Hiragino Kaku Gothic ProN'" in html  # our own CSS is not entity-escaped

    assert_tags_balance(html)


def test_language_falls_back_to_the_configured_one(session, team):
    english = mail_settings(25).model_copy(update={"lang": "en"})
    digests = {d.handle: d for d in build_digests(session=session, settings=english, now=NOW)}
    assert digests["yamada"].lang == "en" and str(digests["yamada"].message["Subject"]).startswith("[kaisei] 3 new")
    session.rollback()
    digests = {d.handle: d for d in build_digests(session=session, settings=mail_settings(25), now=NOW)}
    assert digests["yamada"].lang == "ja" and digests["smith"].lang == "en"  # no lang anywhere: Japanese


def test_a_recording_failure_stops_the_run_with_one_line(session, engine, team):
    import sqlalchemy as sa

    from tracker.errors import DatabaseError

    if engine.dialect.name != "sqlite":
        pytest.skip("a trigger that fails inserts is simplest on SQLite; the path is the same on PostgreSQL")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TRIGGER refuse BEFORE INSERT ON digestdelivery "
                             "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    with SmtpServer() as server:
        with pytest.raises(DatabaseError) as caught:
            deliver_digests(engine=engine, settings=mail_settings(server.port), now=NOW)
        assert len(server.recorder.messages) == 1  # no further mail once one could not be recorded
    line = str(caught.value)
    assert "\n" not in line and "accepted by the SMTP server but could not be recorded (disk full)" in line
