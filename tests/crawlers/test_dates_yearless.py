"""list_datetime's month/day without a year: read only when nothing attaches a year to it, never a wrong year.

A list cell such as 「4月1日」 or 「4/1」 under a year heading gets the latest such day not after tomorrow. A cell
whose year is there but unreadable (``0000/01/01``), written after the day (``12/25/2024``), or that is not a date
at all (``第3/4四半期``, ``Ver 1/2``) gives None: the crawl then uses the fetch time, not an invented day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crawlers.parsers import dates
from crawlers.parsers.dates import list_datetime

JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2027, 1, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(dates, "today_jst", lambda: TODAY)


def _day(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=JST)


@pytest.mark.parametrize(
    "text",
    [
        "12/25/2024",  # US order with the year after: not this year's 25 December
        "1/2/2025",  # 2 January or 1 February: either way not 2027's
        "12.25.2024",
        "12/25-2024",
        "0000/01/01",  # a year, but no year there is
        "99999/01/01",
        "2025/13/01",
        "2026/2/30",
        "令和 年4月1日",  # the year left blank in a template
        "元年4月1日",  # 元年 of no era
        "２０２６年２月３０日",
        "第3/4四半期",  # a fraction, not 4 March
        "第 3/4 四半期",
        "1/2ページ",
        "Ver 1/2",  # version numbers
        "Ver.1/2",
        "v1/2",
        "No.3/4",
        "2/30",
        "13/45",
        "お知らせ",
        "",
        "   ",
        None,
    ],
)
def test_no_date_rather_than_a_wrong_one(text):
    assert list_datetime(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4月1日", _day(2026, 4, 1)),
        ("4/1", _day(2026, 4, 1)),
        ("４／１", _day(2026, 4, 1)),
        ("１月９日", _day(2027, 1, 9)),
        ("1月11日", _day(2027, 1, 11)),  # tomorrow is still this year
        ("1月12日", _day(2026, 1, 12)),  # the day after tomorrow is last year's
        ("12/25", _day(2026, 12, 25)),
        ("12月25日(金)", _day(2026, 12, 25)),
        ("12/25 更新", _day(2026, 12, 25)),
        ("掲載日：１１月２０日", _day(2026, 11, 20)),
        ("(4/1)", _day(2026, 4, 1)),
        ("4月1日～4月3日", _day(2026, 4, 1)),  # a range: its first day
        ("update 12/25", _day(2026, 12, 25)),
    ],
)
def test_a_lone_month_and_day_takes_the_latest_past_year(text, expected):
    assert list_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/4/1", _day(2026, 4, 1)),
        ("2026年4月1日", _day(2026, 4, 1)),
        ("2026-04-01", _day(2026, 4, 1)),
        ("２０２６年４月１日", _day(2026, 4, 1)),
        ("令和8年4月1日", _day(2026, 4, 1)),
        ("令和元年5月1日", _day(2019, 5, 1)),
        ("R1.5.1", _day(2019, 5, 1)),
        ("平成31年4月30日", _day(2019, 4, 30)),
        ("2026-04-01 10:00 JST", _day(2026, 4, 1, 10)),
        ("2026-04-01T10:00:00+09:00", _day(2026, 4, 1, 10)),
        ("2024/12/25", _day(2024, 12, 25)),  # a year is a year, however long ago
    ],
)
def test_dates_with_a_year_read_as_before(text, expected):
    value = list_datetime(text)
    assert value == expected
    assert value.utcoffset() == dt.timedelta(hours=9)


def test_a_fraction_before_a_real_date_is_skipped():
    assert list_datetime("第3/4四半期 12/20") == _day(2026, 12, 20)
