"""tracker.dates: the timestamp traps of the regulators' feeds and list pages."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.dates import JST, UTC, parse_date, parse_datetime


def _at(y, mo, d, h=0, mi=0, tz=JST):
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu, 01 May 2025 17:00:00 JST", _at(2025, 5, 1, 17)),  # FSA: literal JST is +09:00
        ("2025-04-30T15:00:Z", _at(2025, 4, 30, 15, tz=UTC)),  # e-Gov パブコメ: minutes then a bare colon
        ("2025-05-01T16:00:00+09:00", _at(2025, 5, 1, 16)),  # MHLW dc:date
        ("2025-05-01T16:00:00+0900", _at(2025, 5, 1, 16)),
        ("Mon, 12 May 2025 12:00:00 +0000", _at(2025, 5, 12, 12, tz=UTC)),  # e-Gov news (date-only: see parsers)
        ("Fri, 20 Nov 2026 10:00:00 GMT", _at(2026, 11, 20, 10, tz=UTC)),
        ("Fri, 20 Nov 2026 10:00:00 -0000", _at(2026, 11, 20, 10)),  # RFC 2822: zone unknown → JST
        ("2026-11-20", _at(2026, 11, 20)),  # zone-less is JST
        ("2026/07/10 23:59", _at(2026, 7, 10, 23, 59)),  # パブコメ 受付締切日時
        ("令和8年11月20日", _at(2026, 11, 20)),
        ("令和元年5月1日", _at(2019, 5, 1)),
        ("令和元年５月１日", _at(2019, 5, 1)),
        ("令和８年１１月２０日（金）", _at(2026, 11, 20)),
        ("２０２６年１１月２０日", _at(2026, 11, 20)),
        ("平成31年4月30日", _at(2019, 4, 30)),
        ("R8.11.20", _at(2026, 11, 20)),
        ("2026年11月20日 14時30分", _at(2026, 11, 20, 14, 30)),
        ("2026-11-20 10:00 UTC", _at(2026, 11, 20, 10, tz=UTC)),  # a zone after the time counts
        ("2026/11/20 10:00 +0000", _at(2026, 11, 20, 10, tz=UTC)),
        ("2026-11-20T10:00:00 JST", _at(2026, 11, 20, 10)),
        ("20 November 2026", _at(2026, 11, 20)),
    ],
)
def test_parse_datetime(text, expected):
    value = parse_datetime(text)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


def test_default_zone_can_be_utc_for_english_sources():
    assert parse_datetime("2026-11-20 10:00", default_tz=UTC) == _at(2026, 11, 20, 10, tz=UTC)


@pytest.mark.parametrize(
    "text",
    ["", None, "日付なし", "2026-02-30", "Fri, 31 Nov 2026 17:00:00 +0900", "令和", "0000/01/01", "99999/01/01",
     "12/25/2024", "第3/4四半期"],
)
def test_unreadable_is_none_not_an_error(text):
    assert parse_datetime(text) is None


def test_parse_date_first_date_in_text():
    assert parse_date("受付締切日時：２０２６/０７/１０ ２３:５９") == dt.date(2026, 7, 10)
    assert parse_date("令和九年四月一日から施行") == dt.date(2027, 4, 1)


def test_dash_variants_read_as_hyphens():
    from tracker.dates import parse_date

    assert parse_date("２０２６−１１−０１") == dt.date(2026, 11, 1)  # U+2212 minus, full-width digits
    assert parse_date("2026‐11‐01") == dt.date(2026, 11, 1)  # U+2010 hyphen
