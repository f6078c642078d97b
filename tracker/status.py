"""Status: where each person stands on each update (unread → read → studied → applied), and its history.

``Status`` holds the current state per (person, update); no row means unread. Every change appends a
``StatusEvent`` — the audit trail — in the same transaction, so the two never disagree.

Concurrency: two terminals (or two people) may change statuses at the same moment. A change reads the current
state and writes the new one, so it must not interleave with another change of the same row. On SQLite the write
transaction is opened with ``BEGIN IMMEDIATE`` (the busy timeout in ``tracker.db`` makes the second writer wait
instead of failing); on PostgreSQL the Status row is locked with ``SELECT … FOR UPDATE`` (a missing row is created
with ``INSERT … ON CONFLICT DO NOTHING`` first, so there is always a row to lock). Either way both changes land and
the history shows both.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.errors import KaiseiError, NotFoundError
from tracker.i18n import ja_quote
from tracker.models import STATES, Person, Source, Status, StatusEvent, Update, utcnow
from tracker.people import PersonRef, person_departments, resolve_person
from tracker.tags import effective_labels, has_label_clause, labelled_update_ids

log = logging.getLogger(__name__)

__all__ = ["STATES", "QueueRow", "set_status", "step_back", "get_states", "history", "queue", "queue_counts",
           "TeamRow", "team_summary", "get_update"]


def get_update(*, session: Session, update_id: int) -> Update:
    update = session.get(Update, update_id)
    if update is None:
        raise NotFoundError(f"unknown update {update_id}", ja=f"更新 {update_id} は見つかりません")
    return update


def no_jit(session: Session) -> None:
    """Turn PostgreSQL's JIT off for this transaction: the whole-corpus counts here are estimated expensive
    enough to trigger it, and compiling them costs more (hundreds of ms) than running them."""
    if session.connection().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL jit = off"))


def _check_state(state: str) -> str:
    if state not in STATES:
        raise KaiseiError(f"unknown state {state!r}: use one of {', '.join(STATES)}",
                          ja=f"状態{ja_quote(state)}はありません（{', '.join(STATES)} のいずれかを指定してください）")
    return state


def begin_write(session: Session) -> None:
    """Make the session's transaction a write transaction now, so a read-then-write cannot interleave.

    SQLite: ``BEGIN IMMEDIATE`` takes the write lock up front (waiting up to the busy timeout). When the session
    has already written, the lock is already held. Other databases lock rows themselves (see ``_lock_status``).
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.driver_connection
    if not dbapi.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _lock_status(session: Session, person_id: int, update_id: int) -> Optional[Status]:
    """The Status row of (person, update), locked for this transaction; None when the person has not read it."""
    begin_write(session)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Lock the row; if there is none, create a placeholder so there is a row to lock — concurrent creators
        # wait here for the first one to commit, then lock the same row.
        from sqlalchemy.dialects.postgresql import insert

        locked = (select(Status).where(Status.person_id == person_id, Status.update_id == update_id)
                  .with_for_update().execution_options(populate_existing=True))
        placeholder = (insert(Status).values(person_id=person_id, update_id=update_id, state="unread", at=utcnow())
                       .on_conflict_do_nothing(index_elements=["person_id", "update_id"])
                       .returning(Status.person_id))
        # Loop: between our insert (which found another transaction's row) and our select, a third transaction
        # may have set the update back to unread and deleted that row; then we try again.
        while True:
            row = session.exec(locked).first()
            if row is not None:
                return None if row.state == "unread" else row
            if session.execute(placeholder).first() is not None:
                return None  # our own placeholder: locked, as we inserted it
    return session.exec(select(Status).where(Status.person_id == person_id, Status.update_id == update_id)
                        .execution_options(populate_existing=True)).first()


def set_status(*, session: Session, person: PersonRef, update_id: int, state: str, note: Optional[str] = None,
               at: Optional[dt.datetime] = None) -> Optional[StatusEvent]:
    """Move ``person`` to ``state`` on an update and append the change to the history.

    Any state may follow any other (skipping forward, going back). Setting the current state again with a new
    note records the note (an event from the state to itself); setting it again without one changes nothing and
    returns None. ``unread`` removes the Status row. The caller commits.
    """
    _check_state(state)
    person = resolve_person(session=session, person=person)
    if not person.active:
        # Their history stays as it was: a deactivated person's trail must not grow behind the reviewer's back.
        raise KaiseiError(f"person {person.handle!r} is deactivated (kaisei people reactivate {person.handle})",
                          ja=f"担当者{ja_quote(person.handle)}は無効になっています"
                             f"（kaisei people reactivate {person.handle} で有効に戻せます）")
    get_update(session=session, update_id=update_id)
    note = note.strip() if note and note.strip() else None
    if at is not None and at.tzinfo is None:
        raise KaiseiError("a status time needs a time zone", ja="状態の日時にはタイムゾーンが必要です")
    row = _lock_status(session, person.id, update_id)
    # The clock is read once the row is ours, so a change that waited for another one is also later in time:
    # the history, ordered by time, is the order the changes really happened in.
    at = at or utcnow()
    current = row.state if row is not None else "unread"
    if current == state and (note is None or (row is not None and note == row.note)):
        _drop_placeholder(session, person.id, update_id)
        return None
    if state == "unread":
        if row is not None:
            session.delete(row)
        _drop_placeholder(session, person.id, update_id)
    else:
        if row is None:
            row = session.get(Status, (person.id, update_id)) or Status(person_id=person.id, update_id=update_id,
                                                                       state=state)
        row.state = state
        row.at = at
        # The note belongs to the state it was given with; a new state without a note starts blank.
        row.note = note if (note is not None or current != state) else row.note
        session.add(row)
    event = StatusEvent(person_id=person.id, update_id=update_id, from_state=current, to_state=state, note=note,
                        at=at)
    session.add(event)
    session.flush()
    log.info("%s: update %s %s -> %s", person.handle, update_id, current, state)
    return event


def _drop_placeholder(session: Session, person_id: int, update_id: int) -> None:
    """Remove the PostgreSQL lock placeholder (state 'unread'), which must never outlive the transaction's change."""
    if session.connection().dialect.name == "postgresql":
        session.execute(sa.delete(Status).where(Status.person_id == person_id, Status.update_id == update_id,
                                                Status.state == "unread"))
        # ...and forget it, so a later ``session.get`` in this session does not return the deleted row.
        stale = session.identity_map.get(sa.orm.util.identity_key(Status, (person_id, update_id)))
        if stale is not None and stale.state == "unread":
            session.expunge(stale)


def step_back(*, session: Session, person: PersonRef, update_id: int,
              note: Optional[str] = None) -> Optional[StatusEvent]:
    """One step back: applied → studied → read → unread. None when already unread."""
    person = resolve_person(session=session, person=person)
    get_update(session=session, update_id=update_id)
    # Lock first, so two presses of "one step back" at once go back two steps, not one.
    row = _lock_status(session, person.id, update_id)
    current = row.state if row is not None else "unread"
    if current == "unread":
        _drop_placeholder(session, person.id, update_id)
        return None
    return set_status(session=session, person=person, update_id=update_id,
                      state=STATES[STATES.index(current) - 1], note=note)


def get_states(*, session: Session, person_id: int, update_ids: Iterable[int]) -> dict[int, Status]:
    """update id → the person's Status row, for the ids that have one (the others are unread)."""
    ids = list(update_ids)
    result: dict[int, Status] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in session.exec(select(Status).where(Status.person_id == person_id, Status.update_id.in_(chunk),
                                                     Status.state != "unread")).all():
            result[row.update_id] = row
    return result


def history(*, session: Session, update_id: Optional[int] = None,
            person_id: Optional[int] = None) -> list[StatusEvent]:
    """Status events, oldest first, of one update and/or one person (all when neither is given)."""
    query = select(StatusEvent).order_by(StatusEvent.at, StatusEvent.id)
    if update_id is not None:
        get_update(session=session, update_id=update_id)
        query = query.where(StatusEvent.update_id == update_id)
    if person_id is not None:
        query = query.where(StatusEvent.person_id == person_id)
    return list(session.exec(query).all())


@dataclass
class QueueRow:
    """One line of a person's inbox."""

    update_id: int
    title: str
    url: str
    source: str  # the source's name
    source_title: str
    published_at: Optional[dt.datetime]
    effective_on: Optional[dt.date]
    deadline_on: Optional[dt.date]
    state: str
    note: Optional[str]
    at: Optional[dt.datetime]  # when the current state was set
    departments: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "update_id": self.update_id, "title": self.title, "url": self.url, "source": self.source,
            "published_at": self.published_at, "effective_on": self.effective_on, "deadline_on": self.deadline_on,
            "departments": self.departments, "state": self.state, "note": self.note, "at": self.at,
        }


def _queue_departments(session: Session, person: Person, department: Optional[str]) -> list[str]:
    """The person's departments, or just ``department`` when given (none when it is not one of theirs)."""
    deps = person_departments(session=session, person_id=person.id)
    if department is not None:
        from tracker.departments import get_department

        get_department(session=session, key=department)
        deps = [department] if department in deps else []
    return deps


def queue_filter(*, session: Session, person: Person, state: Optional[str] = None,
                 department: Optional[str] = None, source: Optional[str] = None, search: Optional[str] = None,
                 for_count: bool = False) -> list:
    """The WHERE conditions on ``Update`` of a person's queue (shared by ``queue`` and ``queue_counts``).

    Every condition is a test of the update row itself (EXISTS / IN, no joins), so a page can walk the
    ``published_at`` index newest first and stop as soon as it is full. A count reads the departments' tags
    through the label index instead (``for_count``), which is cheaper when every row is wanted.
    """
    deps = _queue_departments(session, person, department)
    if not deps:
        conditions = [sa.false()]
    elif for_count:
        conditions = [Update.id.in_(labelled_update_ids(deps))]
    else:
        conditions = [has_label_clause(deps)]
    if state is not None:
        _check_state(state)
        mine = select(Status.update_id).where(Status.person_id == person.id, Status.update_id == Update.id)
        # NOT EXISTS / EXISTS rather than an outer join and "IS NULL": PostgreSQL estimates an anti-join well,
        # and a badly estimated join makes it sort the whole queue instead of walking the index.
        conditions.append(~sa.exists(mine) if state == "unread" else sa.exists(mine.where(Status.state == state)))
    if source is not None:
        source_id = session.exec(select(Source.id).where(Source.name == source)).first()
        if source_id is None:  # a typo would otherwise look like an empty queue
            raise NotFoundError(f"unknown source {source!r}", ja=f"情報源{ja_quote(source)}はありません")
        conditions.append(Update.source_id == source_id)
    if search and search.strip():
        conditions.append(Update.title.contains(search.strip(), autoescape=True))
    return conditions


def queue(*, session: Session, person: PersonRef, state: Optional[str] = None, department: Optional[str] = None,
          source: Optional[str] = None, search: Optional[str] = None, offset: int = 0,
          limit: int = 50) -> list[QueueRow]:
    """A page of the person's inbox: their departments' updates, newest first, each with the person's state.

    Paginated in SQL; the ordering walks the ``published_at`` index, so a page costs about the same on 1,000 or
    100,000 updates. Updates without a publication time come last. ``search`` is a substring of the title
    (Japanese included; ``%`` and ``_`` are literal).
    """
    person = resolve_person(session=session, person=person)
    # read/studied/applied: a person has few Status rows, so the query starts from them (an inner join the
    # database can drive from the status primary key); unread: walk the updates and skip those with a row.
    has_row = state is not None and state != "unread"
    conditions = queue_filter(session=session, person=person, state=None if has_row else state,
                              department=department, source=source, search=search)
    if has_row:
        _check_state(state)
    columns = (Update.id, Update.title, Update.url, Update.source_id, Update.published_at, Update.effective_on,
               Update.deadline_on)

    def base():
        query = select(*columns).where(*conditions)
        if has_row:
            query = query.join(Status, sa.and_(Status.update_id == Update.id, Status.person_id == person.id,
                                               Status.state == state))
        return query

    # Dated updates first, newest first, then undated ones; two queries so each can use the index order
    # (``DESC NULLS LAST`` cannot use a plain ascending index on PostgreSQL).
    dated = base().where(Update.published_at.is_not(None)).order_by(Update.published_at.desc(), Update.id.desc())
    rows = list(session.exec(dated.offset(offset).limit(limit)).all())
    if len(rows) < limit:
        if rows or offset == 0:
            undated_offset = 0
        else:
            n_dated = session.exec(select(sa.func.count()).select_from(
                base().where(Update.published_at.is_not(None)).subquery())).one()
            undated_offset = max(0, offset - n_dated)
        undated = base().where(Update.published_at.is_(None)).order_by(Update.id.desc())
        rows += session.exec(undated.offset(undated_offset).limit(limit - len(rows))).all()
    ids = [r[0] for r in rows]
    labels = effective_labels(session=session, update_ids=ids)
    states = get_states(session=session, person_id=person.id, update_ids=ids)
    sources = {src.id: src for src in session.exec(select(Source).where(
        Source.id.in_({r[3] for r in rows}))).all()} if rows else {}
    result = []
    for r in rows:
        status, src = states.get(r[0]), sources[r[3]]
        result.append(QueueRow(update_id=r[0], title=r[1], url=r[2], source=src.name, source_title=src.title,
                               published_at=r[4], effective_on=r[5], deadline_on=r[6],
                               state=status.state if status else "unread", note=status.note if status else None,
                               at=status.at if status else None, departments=labels[r[0]]))
    return result


def queue_counts(*, session: Session, person: PersonRef, department: Optional[str] = None,
                 source: Optional[str] = None, search: Optional[str] = None) -> dict[str, int]:
    """state → how many of the person's queue are in it (every state is a key), with the same filters as ``queue``.

    Two queries: how many updates the queue holds, and the person's own Status rows among them by state
    (few, read through the ``status`` primary key); unread is the difference.
    """
    person = resolve_person(session=session, person=person)
    no_jit(session)
    filters = dict(session=session, person=person, department=department, source=source, search=search)
    if source is None and not (search and search.strip()):
        # Only the tags are needed: count the distinct updates among the departments' tags (label index),
        # without touching the update table — about half the time of joining it on 100k updates.
        deps = _queue_departments(session, person, department)
        tagged = labelled_update_ids(deps).subquery()
        total = session.exec(select(sa.func.count(sa.distinct(tagged.c.update_id)))).one() if deps else 0
    else:
        total = session.exec(select(sa.func.count()).select_from(Update)
                             .where(*queue_filter(**filters, for_count=True))).one()
    by_state = session.exec(
        select(Status.state, sa.func.count()).join(Update, Update.id == Status.update_id)
        .where(Status.person_id == person.id, Status.state != "unread", *queue_filter(**filters))
        .group_by(Status.state)).all()
    counts = {s: 0 for s in STATES}
    for state, n in by_state:
        counts[state] = n
    counts["unread"] = total - sum(counts.values())
    return counts


@dataclass
class TeamRow:
    """One person in one department: where they stand on that department's updates."""

    department: str
    handle: str
    name: str
    total: int
    unread: int
    read: int
    studied: int
    applied: int
    overdue: int  # 施行日 or 締切 passed and not applied

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def team_summary(*, session: Session, department: Optional[str] = None,
                 today: Optional[dt.date] = None) -> list[TeamRow]:
    """Per department and active member: counts of unread/read/studied/applied and overdue updates.

    Sorted by department (configured order) then handle. The departments' totals are one grouped query over the
    department tags; each department's members' own Status rows are one more; the cost does not grow with the
    number of people.
    """
    from tracker.dates import JST
    from tracker.departments import get_department, list_departments
    from tracker.models import Membership

    today = today or dt.datetime.now(JST).date()
    deps = [get_department(session=session, key=department)] if department else list_departments(session=session)
    members_of: dict[str, list[Person]] = {dep.key: [] for dep in deps}
    for key, person in session.exec(
            select(Membership.department_key, Person).join(Person, Membership.person_id == Person.id)
            .where(Membership.department_key.in_(list(members_of)), Person.active.is_(True))
            .order_by(Person.handle)).all():
        members_of[key].append(person)
    staffed = [dep.key for dep in deps if members_of[dep.key]]
    if not staffed:
        return []
    passed = sa.or_(Update.effective_on < today, Update.deadline_on < today)
    no_jit(session)
    # (update, label) pairs in effect, each once (a label may come from the model and a rule both).
    tagged = labelled_update_ids(staffed, with_label=True).distinct().subquery()
    totals = {label: (n, n_passed) for label, n, n_passed in session.exec(
        select(tagged.c.label, sa.func.count(), sa.func.count().filter(passed))
        .join(Update, Update.id == tagged.c.update_id).group_by(tagged.c.label)).all()}
    result: list[TeamRow] = []
    for key in staffed:
        members = members_of[key]
        total, total_passed = totals.get(key, (0, 0))
        per_state: dict[tuple[int, str], int] = {}
        applied_passed: dict[int, int] = {}
        # The members' own rows are few, so each is checked against its update's tags directly (EXISTS).
        for pid, state, n, n_passed in session.exec(
                select(Status.person_id, Status.state, sa.func.count(), sa.func.count().filter(passed))
                .join(Update, Update.id == Status.update_id)
                .where(Status.person_id.in_([p.id for p in members]), Status.state != "unread",
                       has_label_clause([key]))
                .group_by(Status.person_id, Status.state)).all():
            per_state[(pid, state)] = n
            if state == "applied":
                applied_passed[pid] = n_passed
        for p in members:
            counts = {s: per_state.get((p.id, s), 0) for s in STATES[1:]}
            result.append(TeamRow(department=key, handle=p.handle, name=p.name, total=total,
                                  unread=total - sum(counts.values()), read=counts["read"],
                                  studied=counts["studied"], applied=counts["applied"],
                                  overdue=total_passed - applied_passed.get(p.id, 0)))
    return result
