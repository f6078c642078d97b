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


_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*(?:月|/)\s*(\d{1,2})\s*日?(?!\d)")


def today_jst() -> dt.date:
    """Today in Japan (a seam: tests replace it)."""
    return dt.datetime.now(JST).date()


def list_datetime(text: Optional[str], *, language: str = "ja") -> Optional[dt.datetime]:
    """A list page's date cell (西暦, 和暦 with 元年, full-width digits, ISO ``datetime`` attributes).

    A plain date becomes 00:00 JST of that day; a cell that also gives a time keeps it. A cell with only a
    month and day (``11月20日``, common under year headings) is taken as the latest such day not after
    tomorrow — a list shows what was published, never what will be.
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
    match = _MONTH_DAY.search(text)
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    limit = today_jst() + dt.timedelta(days=1)
    for year in (limit.year, limit.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None
