"""Deadlines and the iCalendar export: the right dates, valid RFC 5545 that a calendar library reads back."""

import datetime as dt

import icalendar
import pytest

from tracker.calendar import dated_updates, deadlines, fold, ics_escape, to_ics
from tracker.people import add_person
from tracker.status import set_status

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def corpus(session, make_update):
    add_person(session=session, handle="taro", name="山田", email="taro@example.jp", departments=["accounting"])
    u = {
        "soon": make_update("インボイス制度の見直し", effective_on=dt.date(2026, 4, 1), deadline_on=dt.date(2026, 3, 15)),
        "far": make_update("遠い施行", effective_on=dt.date(2026, 12, 1)),
        "passed": make_update("施行済み・未適用", effective_on=dt.date(2026, 2, 1)),
        "passed_applied": make_update("施行済み・適用済", effective_on=dt.date(2026, 2, 2)),
        "long_ago": make_update("昔の改正", effective_on=dt.date(2020, 4, 1)),
        "hr": make_update("人事だけ", departments=("hr",), effective_on=dt.date(2026, 3, 10)),
        "today": make_update("今日が締切", deadline_on=TODAY),
        "undated": make_update("日付なし"),
    }
    set_status(session=session, person="taro", update_id=u["passed_applied"].id, state="applied")
    set_status(session=session, person="taro", update_id=u["soon"].id, state="applied")
    session.commit()
    return u


def test_deadlines(session, corpus):
    items = deadlines(session=session, person="taro", today=TODAY)
    got = [(i.date.isoformat(), i.kind, i.title, i.state) for i in items]
    assert got == [
        ("2020-04-01", "effective", "昔の改正", "unread"),
        ("2026-02-01", "effective", "施行済み・未適用", "unread"),
        ("2026-03-01", "deadline", "今日が締切", "unread"),
        ("2026-03-15", "deadline", "インボイス制度の見直し", "applied"),  # coming: listed whatever the state
        ("2026-04-01", "effective", "インボイス制度の見直し", "applied"),
    ]
    assert [i.overdue(TODAY) for i in items] == [True, True, False, False, False]
    assert items[0].departments == ["accounting"] and items[0].source == "nta"
    recent = deadlines(session=session, person="taro", today=TODAY, past_days=60)
    assert [i.title for i in recent][0] == "施行済み・未適用"
    longer = deadlines(session=session, person="taro", today=TODAY, days=300)
    assert longer[-1].title == "遠い施行"


def test_dated_updates(session, corpus):
    everything = dated_updates(session=session)
    assert len(everything) == 8  # every date of every update, "soon" twice
    window = dated_updates(session=session, since=TODAY, until=TODAY + dt.timedelta(days=14))
    assert [(i.date.day, i.kind) for i in window] == [(1, "deadline"), (10, "effective"), (15, "deadline")]
    assert [i.title for i in dated_updates(session=session, department="hr")] == ["人事だけ"]


def test_escape_and_fold():
    assert ics_escape("a,b;c\\d\ne\r\nf\x1b[31m") == "a\\,b\\;c\\\\d\\ne\\nf[31m"
    line = "SUMMARY:" + "施行日" * 40
    folded = fold(line)
    assert folded.endswith("\r\n")
    parts = folded[:-2].split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line  # no character cut in half
    assert fold("SHORT:x") == "SHORT:x\r\n"


def test_ics_parses_back(session, corpus, make_update):
    nasty = make_update('締切, 注意; 重要 \\ [bold]x[/bold] "引用"\n改行', deadline_on=dt.date(2026, 3, 20))
    items = deadlines(session=session, person="taro", today=TODAY)
    text = to_ics(items, lang="ja", name="kaisei: taro")
    raw = text.encode("utf-8")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(text)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == len(items) == 6
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == 6
    soon = corpus["soon"].id
    eff = by_uid[f"update-{soon}-effective@kaisei"]
    assert eff.decoded("DTSTART") == dt.date(2026, 4, 1)
    assert eff.decoded("DTEND") == dt.date(2026, 4, 2)
    assert str(eff["SUMMARY"]) == "施行: インボイス制度の見直し"
    assert str(by_uid[f"update-{soon}-deadline@kaisei"]["SUMMARY"]) == "締切: インボイス制度の見直し"
    assert "DTSTAMP" in eff and str(eff["URL"]).startswith("https://www.nta.go.jp/")
    assert str(by_uid[f"update-{nasty.id}-deadline@kaisei"]["SUMMARY"]) == (
        '締切: 締切, 注意; 重要 \\ [bold]x[/bold] "引用"\n改行')
    assert str(cal["X-WR-CALNAME"]) == "kaisei: taro"
    # the same data gives the same text: re-importing updates events instead of duplicating them
    assert to_ics(deadlines(session=session, person="taro", today=TODAY), lang="ja", name="kaisei: taro") == text
    assert "SUMMARY:Effective: " in to_ics(items, lang="en")


from hypothesis import given, settings, strategies as st  # noqa: E402

from tracker.calendar import DeadlineItem  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(title=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_title_survives_the_round_trip(title):
    """Whatever a regulator's title holds (CJK, commas, backslashes, control characters), the .ics stays valid:
    every line ≤ 75 octets, and a calendar reads back the title minus the control characters."""
    item = DeadlineItem(date=dt.date(2026, 4, 1), kind="effective", update_id=7, title=title,
                        url="https://example.jp/a?b=1,2", source="nta",
                        changed_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    text = to_ics([item], lang="en")
    assert all(len(line) <= 75 for line in text.encode("utf-8").split(b"\r\n"))
    event = next(iter(icalendar.Calendar.from_ical(text).walk("VEVENT")))
    cleaned = title.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(ch for ch in cleaned if ch == "\n" or (ord(ch) >= 0x20 and ord(ch) != 0x7F))
    assert str(event["SUMMARY"]) == f"Effective: {cleaned}"
    assert str(event["UID"]) == "update-7-effective@kaisei"
