"""Reading an entry's date the way each source means it (the traps are documented in docs/sources.md)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import unicodedata
from typing import Optional

from tracker.dates import JST, UTC, parse_date, parse_datetime

log = logging.getLogger(__name__)


def default_zone(language: str) -> dt.tzinfo:
    """Zone of a timestamp that states none: JST for a Japanese source, UTC otherwise."""
    return JST if language == "ja" else UTC


def entry_datetime(raw: Optional[str], *, language: str = "ja", date_only: bool = False,
                   parsed: Optional[time.struct_time] = None) -> Optional[dt.datetime]:
    """An aware datetime from a feed's raw date string.

    The raw string is read with :func:`tracker.dates.parse_datetime` because feedparser's ``*_parsed`` reads
    FSA's ``… 17:00:00 JST`` as UTC. ``date_only`` keeps only the calendar day the source wrote (in the zone it
    wrote it in) and stores it as 00:00 JST — e-Gov's ``12:00:00 +0000`` stamps mean a day, not a time.
    ``parsed`` (feedparser's UTC struct) is the last resort for strings we cannot read.
    """
    value = parse_datetime(raw, default_tz=default_zone(language)) if raw else None
    if value is None and parsed is not None:
        try:
            value = dt.datetime(*parsed[:6], tzinfo=UTC)
        except (TypeError, ValueError):
            value = None
    if value is None:
        if raw:
            log.debug("unreadable date %r", raw)
        return None
    if date_only:
        return day_start(value.date())
    return value


def day_start(day: dt.date) -> dt.datetime:
    """00:00 JST of ``day``: how a date-only announcement is stored."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=JST)


_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*(月|/)\s*(\d{1,2})\s*(日?)(?!\d)")
# What makes a month/day match part of something else. A year written (or meant) next to it — digits or a date
# separator run into it (``0000/01/01``, ``12/25/2024``, ``2024-12/25``) or 年 just before it (``令和 年4月1日``) —
# is a year we could not read: the text gives no date rather than this year's. Before: digits or / . - after a
# digit, 年, or a bare / or .; after: / or . and a digit, or - and a year.
_YEAR_BEFORE = re.compile(r"(?:\d\s*[-/.]?|[/.]|年)\s*$")
_YEAR_AFTER = re.compile(r"^\s*(?:[/.]\s*\d|-\s*\d{3})")
# A slash between two small numbers that is not a date: a fraction after 第 or before a counter (第3/4四半期,
# 1/2ページ), or a version / issue / page number (Ver 1/2, No.3/4, p.1/2).
_NOT_DATE_BEFORE = re.compile(r"(?:第|(?<![A-Za-z])(?:ver(?:sion)?|v|rev|no|vol|part|page|pp?|ch|nr)\.?)\s*$",
                              re.I)
_NOT_DATE_AFTER = re.compile(r"^\s*(?:四半期|半期|期|号|回|巻|頁|ページ|版|部|章|条|項|件|枚|人|名|倍|%)")


def today_jst() -> dt.date:
    """Today in Japan (a seam: tests replace it)."""
    return dt.datetime.now(JST).date()


def list_datetime(text: Optional[str], *, language: str = "ja") -> Optional[dt.datetime]:
    """A list page's date cell (西暦, 和暦 with 元年, full-width digits, ISO ``datetime`` attributes).

    A plain date becomes 00:00 JST of that day; a cell that also gives a time keeps it. A cell with only a
    month and day (``11月20日``, common under year headings) is taken as the latest such day not after
    tomorrow — a list shows what was published, never what will be — unless a year is attached to it that could
    not be read (``0000/01/01``, ``12/25/2024``): then, as for a fraction or version (``第3/4四半期``, ``Ver 1/2``),
    there is no date, not a wrong one.
    """
    if not text or not text.strip():
        return None
    value = parse_datetime(text, default_tz=default_zone(language))
    if value is not None:
        return value
    day = parse_date(text)
    if day is None:
        day = _month_day(unicodedata.normalize("NFKC", text))
    return day_start(day) if day else None


def _month_day(text: str) -> Optional[dt.date]:
    """The yearless 月日 or m/d of ``text`` (NFKC'd), its year inferred; None when the text attaches a year to it
    that :func:`tracker.dates.parse_date` could not read, or when the only candidates are not dates."""
    for match in _MONTH_DAY.finditer(text):
        before, after = text[:match.start()], text[match.end():]
        if match.group(2) == "/" and (_NOT_DATE_BEFORE.search(before) or _NOT_DATE_AFTER.search(after)):
            continue
        if _YEAR_BEFORE.search(before) or (not match.group(4) and _YEAR_AFTER.search(after)):
            log.debug("month/day with an unreadable year in %r", text)
            return None
        return _infer_year(int(match.group(1)), int(match.group(3)))
    return None


def _infer_year(month: int, day: int) -> Optional[dt.date]:
    """The latest ``month``/``day`` not after tomorrow (JST): a list shows what was published, not what will be."""
    limit = today_jst() + dt.timedelta(days=1)
    for year in (limit.year, limit.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None
