"""Which date in an announcement is its 施行日 (effective_on) and which its 締切 (deadline_on).

``tracker.dates`` reads a date expression; this module decides what a date *is* from the words around it. A date
counts only with a cue: 施行/適用/始まります/以後に開始する事業年度 (effective), 締切/期限/受付締切日時, the end
of an 意見募集期間, 必着, "take effect on", "due by" (deadline). Dates that are something else — 公布日, a meeting's
日時, 更新日, the day a document was published — are skipped, and nothing is guessed: a relative expression such
as 「公布の日から起算して六月を経過した日」 gives None.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Optional

import calendar

from tracker.dates import ERAS, MONTHS_EN, era_year, find_dates, normalize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DateMention:
    """A date found in the normalized text; ``yearless`` when its year was resolved from context."""

    start: int
    end: int
    value: dt.date
    yearless: bool = False


_YEARLESS_JA = re.compile(r"(?<![\d年./\-])(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
# 「7月末日」「令和8年3月末」: the last day of the month.
_MONTH_END = re.compile(
    rf"(?:(?P<era>{'|'.join(ERAS)})\s*(?P<eyear>元|\d{{1,2}})\s*年|(?P<year>\d{{4}})\s*年)?\s*(?<!\d)(?P<month>\d{{1,2}})\s*月\s*末日?"
)
_YEARLESS_EN = re.compile(
    r"\b(?:(?P<day1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month1>[A-Za-z]{3,9})|(?P<month2>[A-Za-z]{3,9})\s+(?P<day2>\d{1,2})"
    r"(?:st|nd|rd|th)?)\b(?!,?\s+\d{4})"
)
_RANGE_SEP = re.compile(r"^\s*(?:\([^)]{1,3}\)\s*){0,2}(?:\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?))?\s*(?:[~〜\-–—]|から|より|to|until)\s*")

# Effective: a cue just after the date (「4月1日から施行」) or just before it (「施行日：2026年1月1日」).
_EFFECTIVE_CUE = (r"(?:施行(?!規則|令|細則|通達|状況)|適用(?!指針|除外)|始まり|始まる|運用開始|義務化|義務と?なり|効力|"
                  r"開始する(?:事業)?年度|改定され|引き上げ|変わり|変更に?なり|変更されます)")
# The cue right after the date (「令和8年4月1日施行」「4月1日に施行」), or after から/より/以後 and a few words
# (「10月1日から最低賃金が改定されます」). Without a connector a cue further on belongs to a noun (「〜の義務化を公表」).
_EFFECTIVE_AFTER = re.compile(
    r"^\s*(?:\([^)]{1,3}\)\s*){0,2}(?:\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?))?\s*"
    rf"(?:(?:以後|以降)?(?:に|から|より|を)?\s*{_EFFECTIVE_CUE}|(?:以後|以降|から|より)[^。\n]{{0,14}}?{_EFFECTIVE_CUE})"
)
# A bare 開始日 is the start of anything (意見・情報受付開始日, 募集開始日): it is a 施行日 only after a subject
# that starts to apply (施行/適用/制度/義務化 …), written just before it.
_EFFECTIVE_BEFORE = re.compile(
    r"(?:施行日|施行期日|施行予定日|適用日|適用開始日|適用開始|効力発生日|"
    r"(?:制度|新制度|運用|義務化|義務付け|義務づけ|施行|適用)(?:の)?開始日)\s*(?:は|:|：)?\s*"
    r"(?:令和|平成)?$"
)
# Things that start on a date without anything becoming binding: a window for applications, entries, comments,
# courses or events. A start cue (開始, 始まり) whose subject is one of these is no 施行日.
_NOT_EFFECTIVE_START = re.compile(r"受付|募集|公募|申込|申し込み|応募|受講|開催|公開|販売|配信|予約|登録受付|エントリー")
# 「4月1日から制度が開始されます」: 開始 counts only with a subject that becomes binding.
_EFFECTIVE_START_AFTER = re.compile(
    r"^\s*(?:\([^)]{1,3}\)\s*){0,2}(?:以後|以降|から|より)(?P<mid>[^。\n]{0,14}?)開始(?:され|となり|になり|します|する)"
)
_EFFECTIVE_START_SUBJECT = re.compile(r"施行|適用|制度|義務化|義務付け|義務づけ|運用")
_EFFECTIVE_EN_NOT_START = re.compile(
    r"\b(?:applications?|registrations?|consultations?|bookings?|enrol?ments?|webinars?|events?|conferences?|"
    r"recruitment|competitions?|sales?)\b[^.]{0,40}$",
    re.IGNORECASE,
)
_EFFECTIVE_EN_BEFORE = re.compile(
    r"(?:takes?\s+effect|took\s+effect|comes?\s+into\s+force|came\s+into\s+force|coming\s+into\s+force|in\s+force|"
    r"effective|appl(?:y|ies)|commences?|starts?|start\s+date|come\s+into\s+effect)\s+(?:on|from|as\s+of)?\s*$",
    re.IGNORECASE,
)
# "New rules on … from 6 April 2026": a change that starts on the date.
_EFFECTIVE_EN_FROM = re.compile(
    r"\b(?:new\s+rules?|rules?|changes?|requirements?|rates?|duties|regime|legislation)\b[^.]{0,80}\bfrom\s*$",
    re.IGNORECASE,
)
# Deadline.
_DEADLINE_BEFORE = re.compile(
    r"(?:締切|締め切り|〆切|締切日時|受付締切日時|締切日|期限|提出期限|申請期限|受付期限|回答期限|納期限)"
    r"\s*(?:は|:|：|日)?\s*$"
)
_DEADLINE_AFTER = re.compile(
    r"^\s*(?:\([^)]{1,3}\)\s*){0,2}(?:\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?))?\s*(?:必着|締切|締め切り|〆切|までに|期限)"
)
_UNTIL_AFTER = re.compile(r"^\s*(?:\([^)]{1,3}\)\s*){0,2}(?:\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?))?\s*まで(?P<rest>[^。\n]{0,20})")
_UNTIL_PURPOSE = re.compile(r"意見|提出|申請|受付|募集|応募|申込|届出|納付|申告|延長|回答|登録|手続")
_PERIOD_BEFORE = re.compile(r"(?:意見募集期間|募集期間|受付期間|提出期間|申請期間|意見公募期間|申込期間)\s*(?:は|:|：)?\s*$")
_DEADLINE_EN_BEFORE = re.compile(
    r"(?:due\s+(?:on|by)?|deadline\s*(?:is|of|for[^.]{0,30}?)?\s*:?|closes?\s+(?:on)?|closing\s+date\s*(?:is|:)?|"
    r"no\s+later\s+than|submit(?:ted)?\s+by|respond\s+by|by\s+midnight\s+on|open\s+until|runs?\s+until|by)\s*$",
    re.IGNORECASE,
)
# A date next to these is not a 施行日 or a deadline: 公布日, meetings, updates, publication.
_IGNORE_BEFORE = re.compile(r"(?:公布日?|公布の日|開催日時?|公開日|(?:受付|募集|公募|申込|受講|開催|応募)開始日?(?:時)?|(?<!締切)(?<!締め切り)日時|更新日?|掲載日|発表日|公表日|作成日|閣議決定日?)\s*(?:は|:|：)?\s*$")
_IGNORE_AFTER = re.compile(r"^\s*(?:\([^)]{1,3}\)\s*){0,2}(?:\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?))?\s*(?:に|付け?で?)?\s*(?:公布|開催(?!日)|更新(?!日)|掲載(?!日)|閣議|公表(?!日)|発表(?!日)|成立)")
# 「令和8年7月8日付けで〜が公布されました」: a 付け date is the day of an act; it is a 施行日 only when the act is 施行/適用.
_TSUKE = re.compile(r"^\s*(?:\([^)]{1,3}\)\s*){0,2}付けで?")
_TSUKE_ACT = re.compile(r"施行(?!規則|令|細則)|適用(?!指針|除外)|公布|発出|通知|改正|掲載|公表|制定|決定")

_WINDOW = 30


def _sentence_left(text: str, start: int, window: int = _WINDOW) -> str:
    left = text[max(0, start - window):start]
    cut = max(left.rfind("。"), left.rfind("\n"), left.rfind(". "))
    return left[cut + 1:] if cut >= 0 else left


def _sentence_right(text: str, end: int, window: int = _WINDOW) -> str:
    right = text[end:end + window]
    cut = min((i for i in (right.find("。"), right.find("\n")) if i >= 0), default=-1)
    return right[:cut] if cut >= 0 else right


def _resolve_year(month: int, day: int, *, anchor: Optional[dt.date], published: Optional[dt.date]) -> Optional[dt.date]:
    """A year-less date: the year of an earlier full date in the sentence, else near ``published``, else None."""
    try:
        if anchor is not None:
            value = dt.date(anchor.year, month, day)
            return value if value >= anchor else dt.date(anchor.year + 1, month, day)
        if published is not None:
            value = dt.date(published.year, month, day)
            # Announcements speak of dates to come: a date well before publication is next year's.
            return value if value >= published - dt.timedelta(days=60) else dt.date(published.year + 1, month, day)
    except ValueError:
        return None
    return None


def find_mentions(text: str, *, published: Optional[dt.date] = None) -> tuple[str, list[DateMention]]:
    """The normalized text and every date in it, year-less ones resolved where they can be."""
    norm = normalize(text)
    full = [DateMention(s, e, d) for s, e, d in find_dates(text)]
    taken = [(m.start, m.end) for m in full]
    mentions = list(full)

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    def anchor_before(pos: int) -> Optional[dt.date]:
        earlier = [m for m in full if m.end <= pos and "。" not in norm[m.end:pos] and pos - m.end <= 40]
        return earlier[-1].value if earlier else None

    for m in _YEARLESS_JA.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        value = _resolve_year(int(m.group("month")), int(m.group("day")),
                              anchor=anchor_before(m.start()), published=published)
        if value is not None:
            mentions.append(DateMention(m.start(), m.end(), value, yearless=True))
            taken.append((m.start(), m.end()))
    for m in _MONTH_END.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        month = int(m.group("month"))
        if not 1 <= month <= 12:
            continue
        year = (era_year(m.group("era"), m.group("eyear")) if m.group("era") else
                int(m.group("year")) if m.group("year") else None)
        if year is not None:
            value: Optional[dt.date] = dt.date(year, month, calendar.monthrange(year, month)[1])
        else:
            last = calendar.monthrange((published or dt.date(2000, 1, 1)).year, month)[1]
            value = _resolve_year(month, last, anchor=anchor_before(m.start()), published=published)
        if value is not None:
            mentions.append(DateMention(m.start(), m.end(), value, yearless=year is None))
            taken.append((m.start(), m.end()))
    for m in _YEARLESS_EN.finditer(norm):
        month_name = (m.group("month1") or m.group("month2") or "").lower()
        day_text = m.group("day1") or m.group("day2")
        month = MONTHS_EN.get(month_name)
        if month is None or not free(m.start(), m.end()):
            continue
        value = _resolve_year(month, int(day_text), anchor=anchor_before(m.start()), published=published)
        if value is not None:
            mentions.append(DateMention(m.start(), m.end(), value, yearless=True))
            taken.append((m.start(), m.end()))
    mentions.sort(key=lambda m: m.start)
    return norm, mentions


def _classify(norm: str, mention: DateMention, nxt: Optional[DateMention], prev_kind: Optional[str],
              prev_range_start: bool) -> tuple[Optional[str], bool]:
    """('effective' | 'deadline' | None, whether this date starts a range whose end carries the meaning)."""
    left = _sentence_left(norm, mention.start)
    right = _sentence_right(norm, mention.end)
    # The start of a range (「1月10日～2月9日」): the end date is the one that can be a deadline.
    if nxt is not None:
        between = norm[mention.end:nxt.start]
        if _RANGE_SEP.match(between) and len(between.strip()) <= 12 and not re.search(r"[。\n]", between):
            rest = _RANGE_SEP.sub("", between, count=1).strip()
            if rest in ("", "(", ")") or re.fullmatch(r"(?:\([^)]{1,3}\))?", rest):
                kind = "period" if _PERIOD_BEFORE.search(left) or _DEADLINE_BEFORE.search(left) else None
                return kind, True
    if prev_range_start:
        if prev_kind == "period":
            return "deadline", False
        if _UNTIL_AFTER.match(right):
            purpose = _UNTIL_AFTER.match(right).group("rest")  # type: ignore[union-attr]
            whole = left + purpose
            return ("deadline" if _UNTIL_PURPOSE.search(whole) else None), False
    if _IGNORE_BEFORE.search(left) or _IGNORE_AFTER.match(right):
        return None, False
    if _TSUKE.match(right):
        # The act is the clause's last verb-like word: 「〜の施行が公布されました」 is a 公布.
        acts = _TSUKE_ACT.findall(_sentence_right(norm, mention.end, 60))
        return ("effective" if acts and acts[-1] in ("施行", "適用") else None), False
    if _EFFECTIVE_BEFORE.search(left) or _EFFECTIVE_EN_FROM.search(_sentence_left(norm, mention.start, 120)):
        return "effective", False
    en_effective = _EFFECTIVE_EN_BEFORE.search(left)
    if en_effective and not (re.match(r"(?i)start|commence", en_effective.group(0))
                             and _EFFECTIVE_EN_NOT_START.search(left[:en_effective.start()])):
        return "effective", False
    if _DEADLINE_BEFORE.search(left) or _DEADLINE_EN_BEFORE.search(left) or _PERIOD_BEFORE.search(left):
        return "deadline", False
    if _DEADLINE_AFTER.match(right):
        return "deadline", False
    until = _UNTIL_AFTER.match(right)
    if until and _UNTIL_PURPOSE.search(left[-15:] + until.group("rest")):
        return "deadline", False
    effective_after = _EFFECTIVE_AFTER.match(right)
    if effective_after and not _NOT_EFFECTIVE_START.search(effective_after.group(0)):
        return "effective", False
    start_after = _EFFECTIVE_START_AFTER.match(right)
    if (start_after and _EFFECTIVE_START_SUBJECT.search(start_after.group("mid"))
            and not _NOT_EFFECTIVE_START.search(start_after.group("mid"))):
        return "effective", False
    return None, False


def extract_dates(text: str, *, published: Optional[dt.date] = None) -> tuple[Optional[dt.date], Optional[dt.date]]:
    """(effective_on, deadline_on) of an announcement's text; either is None when no date carries its cue.

    Year-less dates (「4月1日から施行」) take the year of a full date earlier in the sentence, else the year that
    puts them nearest after ``published``; without either they are not taken. Never raises on any string.
    """
    if not text:
        return None, None
    try:
        norm, mentions = find_mentions(text, published=published)
    except (ValueError, OverflowError, RecursionError) as exc:  # defensive: odd numerals in untrusted text
        log.debug("date extraction gave up on a text: %s", exc)
        return None, None
    effective: Optional[dt.date] = None
    deadline: Optional[dt.date] = None
    prev_kind: Optional[str] = None
    prev_range_start = False
    for i, mention in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        kind, range_start = _classify(norm, mention, nxt, prev_kind, prev_range_start)
        prev_kind, prev_range_start = kind, range_start
        if range_start:
            continue
        if kind == "effective" and effective is None:
            effective = mention.value
        elif kind == "deadline" and deadline is None:
            deadline = mention.value
    return effective, deadline
