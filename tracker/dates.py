"""Reading one date or timestamp as Japanese and English regulators write it.

``parse_date`` reads a single date expression: 西暦 (2026年4月1日, 2026/04/01, 2026-04-01, 2026.4.1), 和暦
(令和8年4月1日, 令和元年5月1日, R8.4.1, 平成31年), full-width digits (２０２６年４月１日), kanji numerals
(令和八年四月一日, 二〇二六年), and English (6 April 2026, April 6, 2026). ``parse_datetime`` reads a timestamp and
treats a zone-less one as JST. Finding *which* date in a sentence is a 施行日 or 締切 is the tagger's job
(``tracker.tagger.dates``); this module only reads what it is given.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Optional

JST = dt.timezone(dt.timedelta(hours=9), "JST")
UTC = dt.timezone.utc

# First day of each era (the year 1 of the era is the Gregorian year given).
ERAS = {
    "令和": 2019,
    "平成": 1989,
    "昭和": 1926,
    "大正": 1912,
    "明治": 1868,
}
ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}

MONTHS_EN = {
    name: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}


def kanji_to_int(text: str) -> Optional[int]:
    """二〇二六 → 2026, 十二 → 12, 三十一 → 31, 元 → 1; None when ``text`` is not a kanji number."""
    if text == "元":
        return 1
    if not text or any(ch not in _KANJI_DIGITS and ch not in _KANJI_UNITS for ch in text):
        return None
    if not any(ch in _KANJI_UNITS for ch in text):  # positional: 二〇二六
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
    return total + current


# Dashes NFKC leaves alone (U+2010–2015, U+2212 minus, U+FF0D is NFKC'd already): all read as "-".
_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})

_KANJI_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千]+")


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and kanji numerals before 年/月/日 to digits."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)

    def repl(match: re.Match[str]) -> str:
        value = kanji_to_int(match.group(0))
        return str(value) if value is not None else match.group(0)

    # Only numbers that are part of a date: followed by 年, 月, 日 (or preceded by an era name).
    return re.sub(r"[〇零一二三四五六七八九十百千]+(?=\s*[年月日])", repl, text)


def _safe_date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def era_year(era: str, year_text: str) -> Optional[int]:
    """令和 + 8 → 2026; 令和 + 元 → 2019."""
    base = ERAS.get(era) or ERAS.get(ERA_LETTERS.get(era.upper(), ""), None)
    if base is None:
        return None
    year = 1 if year_text == "元" else int(year_text)
    return base + year - 1


_ERA_NAMES = "|".join(ERAS)
WAREKI = re.compile(
    rf"(?P<era>{_ERA_NAMES})\s*(?P<year>元|\d{{1,2}})\s*年\s*(?:(?P<month>\d{{1,2}})\s*月\s*(?:(?P<day>\d{{1,2}})\s*日)?)?"
)
WAREKI_SHORT = re.compile(r"(?<![A-Za-z])(?P<era>[RHST])\s?(?P<year>\d{1,2})[./](?P<month>\d{1,2})[./](?P<day>\d{1,2})(?!\d)")
SEIREKI_KANJI = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
SEIREKI_NUMERIC = re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
EN_DAY_MONTH = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})\b")
EN_MONTH_DAY = re.compile(r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b")


def find_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """Every full date (year, month and day) in ``text``: (start, end, date) in the normalized text, in order."""
    norm = normalize(text)
    found: list[tuple[int, int, dt.date]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: Optional[dt.date]) -> None:
        if value is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, end, value))

    for m in WAREKI.finditer(norm):
        if m.group("month") and m.group("day"):
            year = era_year(m.group("era"), m.group("year"))
            if year is not None:
                add(m.start(), m.end(), _safe_date(year, int(m.group("month")), int(m.group("day"))))
    for m in WAREKI_SHORT.finditer(norm):
        year = era_year(m.group("era"), m.group("year"))
        if year is not None:
            add(m.start(), m.end(), _safe_date(year, int(m.group("month")), int(m.group("day"))))
    for pattern in (SEIREKI_KANJI, SEIREKI_NUMERIC):
        for m in pattern.finditer(norm):
            add(m.start(), m.end(), _safe_date(int(m.group("year")), int(m.group("month")), int(m.group("day"))))
    for pattern in (EN_DAY_MONTH, EN_MONTH_DAY):
        for m in pattern.finditer(norm):
            month = MONTHS_EN.get(m.group("month").lower())
            if month:
                add(m.start(), m.end(), _safe_date(int(m.group("year")), month, int(m.group("day"))))
    found.sort()
    return found


def parse_date(text: str | None) -> Optional[dt.date]:
    """The first full date in ``text``, or None. Never raises on any string."""
    if not text:
        return None
    dates = find_dates(text)
    return dates[0][2] if dates else None


_TIME = re.compile(r"(?P<h>\d{1,2})\s*[:時]\s*(?P<m>\d{1,2})?")


_TRAILING_ZONE = re.compile(r"\d\s*(UTC|GMT|UT|Z|JST|[+-]\d{2}:?\d{2})\s*$", re.I)


def _zone(token: str) -> dt.tzinfo:
    token = token.upper()
    if token in ("UTC", "GMT", "UT", "Z"):
        return UTC
    if token == "JST":
        return JST
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_datetime(text: str | None, *, default_tz: dt.tzinfo = JST) -> Optional[dt.datetime]:
    """A timestamp (ISO 8601, RFC 822, or a Japanese date with an optional time) as an aware datetime.

    Without a zone it is taken as ``default_tz`` (JST: a Japanese source's local time). The tokens ``JST`` and
    ``+0900`` are honoured; e-Gov's malformed ``2025-04-30T15:00:Z`` (no seconds) is read as 15:00 UTC.
    """
    if not text:
        return None
    raw = unicodedata.normalize("NFKC", text).strip()
    # e-Gov: 2025-04-30T15:00:Z — minutes followed by a bare colon before the zone.
    raw = re.sub(r"(T\d{2}:\d{2}):(Z|[+-]\d{2}:?\d{2})$", r"\1:00\2", raw)
    iso = raw.replace("Z", "+00:00") if raw.endswith("Z") else raw
    try:
        value = dt.datetime.fromisoformat(iso)
    except ValueError:
        value = None
    if value is None:
        from email.utils import parsedate_to_datetime

        rfc = re.sub(r"\s+JST$", " +0900", raw)
        try:
            value = parsedate_to_datetime(rfc)
        except (TypeError, ValueError, IndexError):
            value = None
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=default_tz)
        elif value is not None and re.search(r"\s-0000$", rfc):  # RFC 2822: -0000 means "zone unknown"
            value = value.replace(tzinfo=default_tz)
    if value is None:
        day = find_dates(raw)
        if not day:
            return None
        start, end, date = day[0]
        norm = normalize(raw)
        hour = minute = 0
        tm = _TIME.search(norm, end)
        if tm and tm.start() - end <= 3:
            hour, minute = int(tm.group("h")), int(tm.group("m") or 0)
            if hour > 23 or minute > 59:
                hour = minute = 0
        value = dt.datetime(date.year, date.month, date.day, hour, minute)
        # A zone written after the time ("2026-11-20 10:00 UTC", "… +0000") still counts; only its absence is JST.
        zone = _TRAILING_ZONE.search(norm)
        if zone and tm and tm.start() - end <= 3:
            value = value.replace(tzinfo=_zone(zone.group(1)))
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    return value


def to_jst(value: dt.datetime) -> dt.datetime:
    return value.astimezone(JST)
