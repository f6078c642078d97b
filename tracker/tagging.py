"""Store integration of the tagger: tag updates, write their Tag rows, re-tag with the current model.

Model and rule tags of an update are replaced on every tagging; manual tags (a person's word) are never touched,
and ``tracker.tags.effective_labels`` lets them win. Dates a source gave structurally (or a person set) are kept; the
dates the tagger filled in are recorded in ``Update.tagger_dates`` and recomputed on every tagging.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.dates import JST
from tracker.models import Department, Tag, Update, utcnow

log = logging.getLogger(__name__)

BATCH = 200


# How much of the summary the classifier reads: titles and lead sentences carry the departments, while long bodies
# are mostly boilerplate that would dilute a bag-of-words score. Dates are looked for in the whole text.
SUMMARY_CHARS = 400
BODY_CHARS_FOR_DATES = 20_000


def update_text(update: Update) -> str:
    """The text the classifier reads: the title and the start of the summary (or of the body when no summary)."""
    lead = (update.summary or update.body or "")[:SUMMARY_CHARS]
    return "\n".join(part for part in (update.title, lead) if part)


def update_full_text(update: Update) -> str:
    """The text dates are extracted from: title, summary and body."""
    return "\n".join(part for part in (update.title, update.summary, (update.body or "")[:BODY_CHARS_FOR_DATES]) if part)


def _published_date(update: Update) -> Optional[dt.date]:
    if update.published_at is None:
        return None
    return update.published_at.astimezone(JST).date()


def configured_departments(*, session: Session) -> list[str]:
    """Department keys in the database (kept in step with kaisei.toml), else the five defaults."""
    from tracker.tagger.labels import DEPARTMENTS

    keys = list(session.exec(select(Department.key).order_by(Department.position, Department.key)).all())
    return keys or list(DEPARTMENTS)


def _apply_dates(update: Update, *, effective_on: Optional[dt.date], deadline_on: Optional[dt.date]) -> None:
    """Fill or recompute the dates the tagger owns; leave the others alone.

    A date is the tagger's when it still equals what the tagger wrote (``update.tagger_dates``): a source's date (set
    by the crawl, which also resets it when the page changes) or a person's differs from that record, or has none.
    Such a date is recomputed from the current text and extractor, and cleared when no date carries its cue any more.
    An empty date is filled; any other date is kept.
    """
    previous = dict(update.tagger_dates or {})
    owned: dict[str, str] = {}
    for name, found in (("effective_on", effective_on), ("deadline_on", deadline_on)):
        current = getattr(update, name)
        mine = current is not None and previous.get(name) == current.isoformat()
        if current is None or mine:
            setattr(update, name, found)
            if found is not None:
                owned[name] = found.isoformat()
    # A new dict, so the ORM sees the JSON column change.
    update.tagger_dates = owned or None


def tag_updates(*, session: Session, updates: list[Update]) -> None:
    """Tag each update and write its model/rule Tag rows (manual ones untouched); fill missing dates and recompute
    the ones the tagger filled before."""
    if not updates:
        return
    from tracker.tagger import get_tagger
    from tracker.tagger.dates import extract_dates

    tagger = get_tagger(configured_departments(session=session))
    for start in range(0, len(updates), BATCH):
        chunk = updates[start:start + BATCH]
        for update in chunk:
            if update.id is None:
                session.add(update)
        session.flush()
        results = tagger.tag_many([update_text(u) for u in chunk], published=[_published_date(u) for u in chunk])
        for update, result in zip(chunk, results):
            result.effective_on, result.deadline_on = extract_dates(update_full_text(update),
                                                                    published=_published_date(update))
        ids = [u.id for u in chunk]
        session.execute(sa.delete(Tag).where(Tag.update_id.in_(ids), Tag.origin.in_(("model", "rule"))))
        now = utcnow()
        for update, result in zip(chunk, results):
            for kind, labels in (("department", result.departments), ("topic", result.topics)):
                for label in labels:
                    session.add(Tag(update_id=update.id, kind=kind, label=label,
                                    score=round(result.scores.get(label, 1.0), 4),
                                    origin=result.origins.get(label, "model"), reason=result.reasons.get(label)))
            _apply_dates(update, effective_on=result.effective_on, deadline_on=result.deadline_on)
            update.tagged_at = now
            update.tagger_version = tagger.version
            session.add(update)
        session.flush()
    log.info("tagged %d updates with tagger %s", len(updates), tagger.version)


def retag(*, session: Session, since: Optional[dt.date] = None) -> int:
    """Re-tag every update (published or fetched on/after ``since`` when given); returns how many."""
    query = select(Update).order_by(Update.id)
    if since is not None:
        start = dt.datetime.combine(since, dt.time(0, 0), tzinfo=JST)
        query = query.where(sa.or_(Update.published_at >= start,
                                   sa.and_(Update.published_at.is_(None), Update.fetched_at >= start)))
    count = 0
    last_id = 0
    while True:
        chunk = list(session.exec(query.where(Update.id > last_id).limit(BATCH)).all())
        if not chunk:
            break
        tag_updates(session=session, updates=chunk)
        count += len(chunk)
        last_id = chunk[-1].id
    return count
