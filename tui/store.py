"""The TUI's one door to the database: every read and write goes through a tracker function from here.

No query is built in ``tui/``; each method opens a short commit-on-success session (``session_scope``), calls
the domain API and returns plain objects that stay valid after the session closes. The methods are blocking:
the app calls them from thread workers.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Optional

from tracker.dates import JST
from tracker.db import session_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows: None means any."""

    state: Optional[str] = None
    department: Optional[str] = None
    source: Optional[str] = None
    search: Optional[str] = None

    def is_empty(self) -> bool:
        return not (self.state or self.department or self.source or self.search)


@dataclass
class Detail:
    """Everything the Detail screen shows about one update, for one person."""

    update_id: int
    title: str
    url: str
    summary: str
    source_name: str
    source_title: str
    published_at: Optional[dt.datetime]
    effective_on: Optional[dt.date]
    deadline_on: Optional[dt.date]
    revision: int
    state: str
    note: Optional[str]
    tags: list[dict[str, Any]] = field(default_factory=list)  # see _tag_views
    departments: list[str] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)  # the person's StatusEvents, oldest first


class Store:
    """Blocking calls on the tracker API for one app; ``today`` is fixed in tests and snapshots."""

    def __init__(self, engine, *, settings, today: Optional[dt.date] = None) -> None:
        self.engine = engine
        self.settings = settings
        self._today = today

    def today(self) -> dt.date:
        return self._today or dt.datetime.now(JST).date()

    def session(self):
        return session_scope(self.engine)

    # people and departments
    def active_people(self) -> list:
        from tracker.people import list_people

        with self.session() as session:
            return list_people(session=session)

    def person(self, handle: str):
        from tracker.people import get_person

        with self.session() as session:
            return get_person(session=session, handle=handle)

    def person_departments(self, person_id: int) -> list[str]:
        from tracker.people import person_departments

        with self.session() as session:
            return person_departments(session=session, person_id=person_id)

    def departments(self) -> list:
        from tracker.departments import list_departments

        with self.session() as session:
            return list_departments(session=session)

    def source_choices(self) -> list[tuple[str, str]]:
        from tracker.tui_queries import source_choices

        with self.session() as session:
            return source_choices(session=session)

    # inbox
    def inbox(self, person_id: int, flt: InboxFilter, *, offset: int, limit: int) -> list:
        from tracker.status import queue

        with self.session() as session:
            return queue(session=session, person=person_id, state=flt.state, department=flt.department,
                         source=flt.source, search=flt.search, offset=offset, limit=limit)

    def counts(self, person_id: int, flt: InboxFilter) -> dict[str, int]:
        from tracker.status import queue_counts

        with self.session() as session:
            return queue_counts(session=session, person=person_id, department=flt.department, source=flt.source,
                                search=flt.search)

    # status
    def set_state(self, person_id: int, update_id: int, state: str, note: Optional[str] = None) -> str:
        """Set the state; returns the state the person is now in."""
        from tracker.status import set_status

        with self.session() as session:
            set_status(session=session, person=person_id, update_id=update_id, state=state, note=note)
        return state

    def step_back(self, person_id: int, update_id: int) -> Optional[str]:
        """One step back; returns the new state, or None when it was already unread."""
        from tracker.status import step_back

        with self.session() as session:
            event = step_back(session=session, person=person_id, update_id=update_id)
            return event.to_state if event is not None else None

    def state_of(self, person_id: int, update_id: int) -> tuple[str, Optional[str]]:
        from tracker.status import get_states

        with self.session() as session:
            row = get_states(session=session, person_id=person_id, update_ids=[update_id]).get(update_id)
            return (row.state, row.note) if row is not None else ("unread", None)

    # detail and tags
    def detail(self, person_id: int, update_id: int) -> Detail:
        from tracker.status import get_states, history
        from tracker.tags import effective_labels, tag_in_effect, tags_with_reasons
        from tracker.tui_queries import update_with_source

        with self.session() as session:
            found = update_with_source(session=session, update_id=update_id)
            update = found.update
            status = get_states(session=session, person_id=person_id, update_ids=[update_id]).get(update_id)
            return Detail(
                update_id=update_id, title=update.title, url=update.url, summary=update.summary or update.body[:2000],
                source_name=found.source_name, source_title=found.source_title, published_at=update.published_at,
                effective_on=update.effective_on, deadline_on=update.deadline_on, revision=update.revision,
                state=status.state if status else "unread", note=status.note if status else None,
                tags=_tag_views(tags_with_reasons(session=session, update_id=update_id), tag_in_effect),
                departments=effective_labels(session=session, update_ids=[update_id])[update_id],
                history=history(session=session, update_id=update_id, person_id=person_id))

    def department_labels(self, update_id: int) -> list[str]:
        from tracker.tags import effective_labels

        with self.session() as session:
            return effective_labels(session=session, update_ids=[update_id])[update_id]

    def set_departments(self, handle: str, update_id: int, labels: list[str]) -> list[str]:
        """Make ``labels`` exactly the update's departments (manual tags); returns the labels now in effect."""
        from tracker.tags import effective_labels, set_manual_tags

        with self.session() as session:
            current = set(effective_labels(session=session, update_ids=[update_id])[update_id])
            wanted = set(labels)
            return set_manual_tags(session=session, update_id=update_id, add=sorted(wanted - current),
                                   remove=sorted(current - wanted), who=handle)

    # the other screens
    def deadlines(self, person_id: int) -> list:
        from tracker.calendar import deadlines

        with self.session() as session:
            return deadlines(session=session, person=person_id, days=90, today=self.today())

    def team(self) -> list:
        from tracker.status import team_summary

        with self.session() as session:
            return team_summary(session=session, today=self.today())

    def sources(self) -> list:
        from tracker.tui_queries import source_overview

        with self.session() as session:
            return source_overview(session=session)


def _tag_views(tags: list, in_effect) -> list[dict[str, Any]]:
    """Each tag as a dict (kind, label, origin, negated, score, reason, in_effect) that outlives the session."""
    tags = list(tags)
    return [{"kind": tag.kind, "label": tag.label, "origin": tag.origin, "negated": tag.negated, "score": tag.score,
             "reason": tag.reason, "in_effect": in_effect(tag, tags)} for tag in tags]
