"""Deadlines: the 施行日 (effective_on) and 締切 (deadline_on) of updates, as a list and as iCalendar.

``deadlines`` is what a person must keep an eye on: dates in the coming days, and dates already passed on updates
the person has not yet applied. ``to_ics`` writes one all-day VEVENT per date (RFC 5545) with a UID that stays the
same from one export to the next (``update-<id>-effective@kaisei``), so re-importing updates events instead of
duplicating them in Outlook or Google Calendar.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.dates import JST, UTC
from tracker.models import Source, Status, Update, utcnow
from tracker.people import PersonRef, person_departments, resolve_person
from tracker.tags import effective_labels, has_label_clause

log = logging.getLogger(__name__)

KINDS = ("effective", "deadline")
_KIND_LABELS = {"effective": {"ja": "施行", "en": "Effective"}, "deadline": {"ja": "締切", "en": "Deadline"}}


@dataclass
class DeadlineItem:
    """One date of one update: its 施行日 (kind "effective") or its 締切 (kind "deadline")."""

    date: dt.date
    kind: str  # effective | deadline
    update_id: int
    title: str
    url: str
    source: str
    source_title: str = ""
    state: str = "unread"  # the person's state; "unread" when listed for nobody in particular
    departments: list[str] = field(default_factory=list)
    changed_at: Optional[dt.datetime] = None  # when kaisei last saw the update change (the event's DTSTAMP)

    def overdue(self, today: dt.date) -> bool:
        return self.date < today and self.state != "applied"

    def as_dict(self) -> dict:
        return {"date": self.date, "kind": self.kind, "update_id": self.update_id, "title": self.title,
                "url": self.url, "source": self.source, "state": self.state, "departments": self.departments}


def _today(today: Optional[dt.date]) -> dt.date:
    return today or dt.datetime.now(JST).date()


def _items(session: Session, rows, keep) -> list[DeadlineItem]:
    labels = effective_labels(session=session, update_ids=[r.id for r in rows])
    items = []
    for r in rows:
        for kind, day in (("effective", r.effective_on), ("deadline", r.deadline_on)):
            if day is not None and keep(day, r.state or "unread"):
                items.append(DeadlineItem(date=day, kind=kind, update_id=r.id, title=r.title, url=r.url,
                                          source=r.source, source_title=r.source_title,
                                          state=r.state or "unread", departments=labels[r.id],
                                          changed_at=r.changed_at or r.fetched_at))
    items.sort(key=lambda i: (i.date, KINDS.index(i.kind), i.update_id))
    return items


_COLUMNS = (Update.id, Update.title, Update.url, Source.name.label("source"), Source.title.label("source_title"),
            Update.effective_on, Update.deadline_on, Update.changed_at, Update.fetched_at)


def deadlines(*, session: Session, person: PersonRef, days: int = 90, today: Optional[dt.date] = None,
              past_days: Optional[int] = None, department: Optional[str] = None) -> list[DeadlineItem]:
    """The person's dates to watch, by date: 施行日/締切 of their departments' updates within the next ``days``
    days, and those already passed on updates the person has not applied (looking back ``past_days`` days, or
    without limit). ``department`` keeps one of the person's departments (none when it is not theirs)."""
    person = resolve_person(session=session, person=person)
    today = _today(today)
    until = today + dt.timedelta(days=days)
    since = today - dt.timedelta(days=past_days) if past_days is not None else None
    deps = person_departments(session=session, person_id=person.id)
    if department is not None:
        from tracker.departments import get_department

        get_department(session=session, key=department)  # an unknown key is one clear line
        deps = [department] if department in deps else []
    if not deps:
        return []

    lowest = since if since is not None else dt.date.min
    rows: dict[int, object] = {}
    # One query per date column, each a range on that column's index: an OR across the two columns would make
    # the database read every update.
    for col in (Update.effective_on, Update.deadline_on):
        query = (select(*_COLUMNS, Status.state).join(Source, Source.id == Update.source_id)
                 .outerjoin(Status, sa.and_(Status.update_id == Update.id, Status.person_id == person.id))
                 .where(col >= lowest, col <= until,
                        sa.or_(col >= today, Status.state.is_(None), Status.state != "applied"),
                        has_label_clause(deps)))
        for row in session.exec(query).all():
            rows.setdefault(row.id, row)

    def keep(day: dt.date, state: str) -> bool:
        if today <= day <= until:
            return True
        return day < today and (since is None or day >= since) and state != "applied"

    return _items(session, list(rows.values()), keep)


def dated_updates(*, session: Session, since: Optional[dt.date] = None, until: Optional[dt.date] = None,
                  department: Optional[str] = None) -> list[DeadlineItem]:
    """Every 施行日/締切 of every update (optionally between ``since`` and ``until``, of one department), by date."""
    def window(col):
        cond = col.is_not(None)
        if since is not None:
            cond = sa.and_(cond, col >= since)
        if until is not None:
            cond = sa.and_(cond, col <= until)
        return cond

    query = (select(*_COLUMNS, sa.null().label("state")).join(Source, Source.id == Update.source_id)
             .where(sa.or_(window(Update.effective_on), window(Update.deadline_on))).order_by(Update.id))
    if department is not None:
        from tracker.departments import get_department

        get_department(session=session, key=department)
        query = query.where(has_label_clause([department]))
    rows = session.exec(query).all()
    return _items(session, rows, lambda day, _state: (since is None or day >= since)
                  and (until is None or day <= until))


# --- iCalendar (RFC 5545), written by hand: the format is small and a dependency would be larger than this. ---

def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11); control characters other than newline are dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch == "\n" or (ord(ch) >= 0x20 and ord(ch) != 0x7F))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character; CRLF-terminated."""
    out: list[str] = []
    current, size, limit = [], 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with one space
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_uid(item: DeadlineItem) -> str:
    return f"update-{item.update_id}-{item.kind}@kaisei"


def to_ics(items: Iterable[DeadlineItem], *, lang: str = "ja", name: str = "kaisei",
           now: Optional[dt.datetime] = None) -> str:
    """An iCalendar document with one all-day event per item (DTEND is the next day, as RFC 5545 wants).

    DTSTAMP is the time kaisei last saw the update change, so exporting twice gives the same text.
    """
    now = now or utcnow()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kaisei//kaisei deadlines//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{ics_escape(name)}", "X-WR-TIMEZONE:Asia/Tokyo"]
    for item in items:
        label = _KIND_LABELS[item.kind]["ja" if lang == "ja" else "en"]
        description = "\n".join(x for x in (item.source_title or item.source, item.url) if x)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event_uid(item)}",
            f"DTSTAMP:{_stamp(item.changed_at or now)}",
            f"DTSTART;VALUE=DATE:{item.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(item.date + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{ics_escape(f'{label}: {item.title}')}",
            f"DESCRIPTION:{ics_escape(description)}",
            "TRANSP:TRANSPARENT",
        ]
        if item.url:
            lines.append(f"URL;VALUE=URI:{item.url.replace(chr(13), '').replace(chr(10), '')}")
        if item.departments:
            lines.append(f"CATEGORIES:{','.join(ics_escape(d) for d in item.departments)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
