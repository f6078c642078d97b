"""What one person's digest says, and the email that says it. Never touches SMTP (see ``tracker.mailer``).

What is in a digest (documented in README, "Digest and service"):

- **New**: updates tagged (tags in effect, manual tags winning) to one of the person's departments that have not
  been delivered to them yet (no ``DigestDelivery`` of kind ``new``), and that were published — or, without a
  publication date, fetched — at most ``digest.first_days`` days before the person was added. That floor keeps a
  newcomer's first digest (and a source's archive crawled for the first time) to recent news instead of years of
  history; after the first digest, "not yet delivered" alone decides. Grouped by the first of the person's
  departments the update is tagged with (configured order), newest first, at most ``digest.max_updates``; the rest
  stay owed and come in the next digest.
- **Revised**: updates of the person's departments they were already sent (a ``DigestDelivery`` of kind ``new``)
  whose page changed since a digest last told them about it: ``Update.revision`` is past the highest revision their
  ``new`` and ``revised:N`` deliveries showed (``DigestDelivery.revision``, the revision of the row the mail was
  built from). Revisions, not times: a crawl that commits a revision while a digest is on its way (its
  ``changed_at`` then predates the delivery's ``sent_at``) leaves that revision owed, and a mail is never recorded as
  showing a revision it did not show. Recorded as kind ``revised:N`` (N = the revision shown), so each revision is
  announced once — several revisions between two digests are one announcement — and someone who first got the
  update at its latest revision is not told again. Each shows the person's state (applied matters most: their
  evidence may predate the change) and what changed: the title of the revision they were last shown when the
  title changed (from ``UpdateRevision``), else that the content was revised.
  ``UpdateRevision`` keeps no dates, so the current 施行日/締切 are shown, never claimed to have moved.
  Most recently revised first, at most ``digest.max_updates``; the rest stay owed and come in the next digest.
- **Due soon**: updates of the person's departments whose 施行日 (effective_on) or 締切 (deadline_on) falls within
  ``digest.reminder_days`` days from today (in ``timezone``) and which the person has not applied. Each date of an
  update is reminded once (``DigestDelivery`` kind ``reminder:YYYY-MM-DD``, so a postponed date is reminded again);
  an update listed as new or revised in the same digest is not repeated below, its due dates count as reminded.

Nothing new, nothing revised and nothing due → no digest at all.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import logging
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.config import Settings
from tracker.errors import ConfigError, MailError
from tracker.i18n import ja_quote
from tracker.models import (DigestDelivery, Department, Membership, Person, Source, Status, Update, UpdateRevision,
                            utcnow)
from tracker.digest.strings import strings_for
from tracker.tags import effective_labels, has_label_clause

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
KIND_NEW = "new"
REMINDER_PREFIX = "reminder:"
REVISED_PREFIX = "revised:"
# What every section reads of an update, in this order (``DigestBuilder._item``); the revision is the one shown.
_ITEM_COLUMNS = (Update.id, Update.title, Update.url, Update.published_at, Update.fetched_at, Update.effective_on,
                 Update.deadline_on, Source.title, Source.name, Update.revision)


def reminder_kind(day: dt.date) -> str:
    """The DigestDelivery kind recording that ``day`` (a 施行日 or 締切) was reminded of."""
    return f"{REMINDER_PREFIX}{day.isoformat()}"


def revised_kind(revision: int) -> str:
    """The DigestDelivery kind recording that revision ``revision`` of an update was announced."""
    return f"{REVISED_PREFIX}{revision}"


def _one_line(text: Optional[str]) -> str:
    return " ".join((text or "").split())


@dataclass
class DigestItem:
    """One update as a digest lists it (already in the reader's time zone and language)."""

    update_id: int
    title: str
    url: str  # http(s) only; "" when the source gave something else (javascript:, data:, …)
    source: str
    published: Optional[dt.date]
    effective_on: Optional[dt.date]
    deadline_on: Optional[dt.date]
    also: list[str] = field(default_factory=list)  # names of the update's other departments
    due: list[tuple[str, dt.date, int]] = field(default_factory=list)  # (effective_on|deadline_on, date, days)
    state: Optional[str] = None  # the reader's state; None = unread
    revision: int = 1
    previous_title: Optional[str] = None  # revised section: the title the reader was sent, when it changed


@dataclass
class DepartmentSection:
    key: str
    name: str
    items: list[DigestItem]


@dataclass
class Digest:
    """One person's digest: its content, what to record once the server accepts it, and the message."""

    person_id: int
    handle: str
    name: str
    email: str
    lang: str
    sections: list[DepartmentSection]
    reminders: list[DigestItem]
    more: int  # owed new updates left for the next digest
    keys: list[tuple[int, str, int]]  # (update_id, kind, revision shown) to record as delivered
    message: Optional[EmailMessage] = None
    revised: list[DigestItem] = field(default_factory=list)
    revised_more: int = 0  # owed revisions left for the next digest

    @property
    def new_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    @property
    def revised_count(self) -> int:
        return len(self.revised)

    @property
    def reminder_count(self) -> int:
        return len(self.reminders)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]) if self.message is not None else ""


def person_lang(person: Person, settings: Settings) -> str:
    """The person's own language, else kaisei.toml's ``lang``, else Japanese."""
    return person.lang or settings.lang or "ja"


def safe_url(url: str) -> str:
    """``url`` when it is http(s); "" otherwise, so a hostile source cannot put ``javascript:`` in a link."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


def _zone(settings: Settings) -> dt.tzinfo:
    try:
        return ZoneInfo(settings.timezone)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"timezone: unknown time zone {settings.timezone!r}",
                          ja=f"timezone: タイムゾーン{ja_quote(settings.timezone)}はありません") from exc


class DigestBuilder:
    """Collects and renders digests for one run (department names, templates and the sender are read once)."""

    def __init__(self, *, session: Session, settings: Settings, now: Optional[dt.datetime] = None) -> None:
        self.session = session
        self.settings = settings
        self.now = now or utcnow()
        self.zone = _zone(settings)
        self.today = self.now.astimezone(self.zone).date()
        self.sender = sender_address(settings)
        self.order = {d.key: i for i, d in enumerate(settings.departments)}
        rows = session.exec(select(Department)).all()
        self.dept_names = {d.key: (d.name_ja, d.name_en) for d in rows}
        self._clauses: dict[tuple[str, ...], object] = {}

    def in_departments(self, departments: list[str]):
        """``has_label_clause`` for a set of departments, built once per set (building it costs more than running it)."""
        key = tuple(departments)
        if key not in self._clauses:
            self._clauses[key] = has_label_clause(departments)
        return self._clauses[key]

    def dept_name(self, key: str, lang: str) -> str:
        ja, en = self.dept_names.get(key, (key, key))
        return (ja if lang == "ja" else en) or key

    # -- content -------------------------------------------------------------------------------------------

    def collect(self, person: Person) -> Optional[Digest]:
        """The person's digest content, or None when there is nothing to say."""
        session, settings = self.session, self.settings
        departments = sorted(
            session.exec(select(Membership.department_key).where(Membership.person_id == person.id)).all(),
            key=lambda k: (self.order.get(k, len(self.order)), k))
        if not departments:
            return None
        lang = person_lang(person, settings)
        floor = person.created_at - dt.timedelta(days=settings.digest.first_days)
        delivered_new = sa.exists(select(DigestDelivery.id).where(
            DigestDelivery.person_id == person.id, DigestDelivery.update_id == Update.id,
            DigestDelivery.kind == KIND_NEW))
        when = sa.func.coalesce(Update.published_at, Update.fetched_at)
        new_rows = session.exec(
            select(*_ITEM_COLUMNS)
            .join(Source, Source.id == Update.source_id)
            .where(self.in_departments(departments), ~delivered_new)
            .where(sa.or_(Update.published_at >= floor,
                          sa.and_(Update.published_at.is_(None), Update.fetched_at >= floor)))
            .order_by(when.desc(), Update.id.desc())
        ).all()
        more = max(0, len(new_rows) - settings.digest.max_updates)
        new_rows = new_rows[:settings.digest.max_updates]
        revised_rows, told = self._revised_rows(person.id, departments)
        revised_more = max(0, len(revised_rows) - settings.digest.max_updates)
        revised_rows = revised_rows[:settings.digest.max_updates]

        horizon = self.today + dt.timedelta(days=settings.digest.reminder_days)
        applied = sa.exists(select(Status.update_id).where(
            Status.person_id == person.id, Status.update_id == Update.id, Status.state == "applied"))
        due_rows = session.exec(
            select(*_ITEM_COLUMNS)
            .join(Source, Source.id == Update.source_id)
            .where(sa.or_(Update.effective_on.between(self.today, horizon),
                          Update.deadline_on.between(self.today, horizon)))
            .where(self.in_departments(departments), ~applied)
        ).all()
        reminded: set[tuple[int, str]] = set()
        if due_rows:
            ids = [r[0] for r in due_rows]
            for start in range(0, len(ids), 500):
                reminded.update(session.exec(select(DigestDelivery.update_id, DigestDelivery.kind).where(
                    DigestDelivery.person_id == person.id, DigestDelivery.update_id.in_(ids[start:start + 500]),
                    DigestDelivery.kind.startswith(REMINDER_PREFIX))).all())

        # Each key carries the revision of the very row its section was built from: a crawl may commit between
        # these queries, and what is recorded must be what the mail shows.
        keys: list[tuple[int, str, int]] = []
        new_ids = {r[0] for r in new_rows}
        revised_ids = {r[0] for r in revised_rows}
        reminders: list[DigestItem] = []
        for row in due_rows:
            item = self._item(row)
            owed = [reminder_kind(d) for _, d, _ in item.due if (item.update_id, reminder_kind(d)) not in reminded]
            keys.extend((row[0], kind, item.revision) for kind in owed)
            # a new or revised update shows its dates in its own section already
            if owed and row[0] not in new_ids and row[0] not in revised_ids:
                reminders.append(item)
        if not new_rows and not reminders and not revised_rows:
            return None

        labels = effective_labels(session=session, update_ids=list(new_ids)) if new_ids else {}
        sections: dict[str, list[DigestItem]] = {k: [] for k in departments}
        for row in new_rows:
            item = self._item(row)
            mine = [k for k in departments if k in labels.get(row[0], ())]
            home = mine[0] if mine else departments[0]
            item.also = [self.dept_name(k, lang) for k in sorted(labels.get(row[0], ()),
                                                                   key=lambda k: (self.order.get(k, 99), k))
                         if k != home]
            sections[home].append(item)
            keys.append((row[0], KIND_NEW, item.revision))
        revised = self._revised_items(revised_rows, told)
        keys.extend((item.update_id, revised_kind(item.revision), item.revision) for item in revised)
        states = _states(session, person.id, [i.update_id for s in sections.values() for i in s]
                         + [i.update_id for i in reminders] + [i.update_id for i in revised])
        for item in [i for s in sections.values() for i in s] + reminders + revised:
            item.state = states.get(item.update_id)
        reminders.sort(key=lambda i: (min(d for _, d, _ in i.due), i.update_id))
        return Digest(
            # One line: a stray newline in a name must not break (or inject into) the To: header.
            person_id=person.id, handle=person.handle, name=" ".join((person.name or person.handle).split()),
            email=person.email.strip(),
            lang=lang,
            sections=[DepartmentSection(k, self.dept_name(k, lang), items) for k, items in sections.items() if items],
            reminders=reminders, more=more, keys=keys, revised=revised, revised_more=revised_more)

    def _revised_rows(self, person_id: int, departments: list[str]) -> tuple[list, dict[int, int]]:
        """Updates of ``departments`` at a revision past the one a digest last showed the person, most recently
        revised first, and that revision (update id → the highest revision their ``new``/``revised:N`` deliveries
        showed)."""
        told_kinds = sa.or_(DigestDelivery.kind == KIND_NEW, DigestDelivery.kind.startswith(REVISED_PREFIX))
        told = (
            select(DigestDelivery.update_id.label("update_id"),
                   sa.func.max(DigestDelivery.revision).label("told_revision"))
            .where(DigestDelivery.person_id == person_id, told_kinds)
            .group_by(DigestDelivery.update_id)
            # only what they were sent as new: a revision is news about something they know
            .having(sa.func.sum(sa.case((DigestDelivery.kind == KIND_NEW, 1), else_=0)) > 0)
            .subquery())
        rows = self.session.exec(
            select(*_ITEM_COLUMNS, told.c.told_revision)
            .join(Source, Source.id == Update.source_id)
            .join(told, told.c.update_id == Update.id)
            .where(Update.revision > told.c.told_revision)
            .where(self.in_departments(departments))
            .order_by(sa.func.coalesce(Update.changed_at, Update.fetched_at).desc(), Update.id.desc())
        ).all()
        return [tuple(r[:10]) for r in rows], {r[0]: r[10] for r in rows}

    def _revised_items(self, rows: list, told: dict[int, int]) -> list[DigestItem]:
        """Digest items for revised rows, each with the title the reader was last shown when it is not the current
        one."""
        ids = [r[0] for r in rows]
        versions: dict[int, dict[int, str]] = {}
        for start in range(0, len(ids), 500):
            for update_id, revision, title in self.session.exec(
                    select(UpdateRevision.update_id, UpdateRevision.revision, UpdateRevision.title)
                    .where(UpdateRevision.update_id.in_(ids[start:start + 500]))).all():
                versions.setdefault(update_id, {})[revision] = title
        items = []
        for row in rows:
            item = self._item(row)
            # The version they were shown is kept under its own revision number (the store keeps each superseded
            # version); without it, the version just before this revision.
            kept = versions.get(item.update_id, {})
            seen = kept.get(told[item.update_id])
            if seen is None:
                earlier = [r for r in kept if r < item.revision]
                seen = kept[max(earlier)] if earlier else None
            if seen is not None and _one_line(seen) and _one_line(seen) != _one_line(row[1]):
                item.previous_title = _one_line(seen)
            items.append(item)
        return items

    def _item(self, row) -> DigestItem:
        (update_id, title, url, published_at, fetched_at, effective_on, deadline_on, source_title, source_name,
         revision) = row[:10]
        shown = published_at or fetched_at
        due = []
        for which, day in (("effective_on", effective_on), ("deadline_on", deadline_on)):
            if day is not None and self.today <= day <= self.today + dt.timedelta(days=self.settings.digest.reminder_days):
                due.append((which, day, (day - self.today).days))
        return DigestItem(
            update_id=update_id, title=_one_line(title) or url, url=safe_url(url or ""),
            source=source_title or source_name, published=shown.astimezone(self.zone).date() if shown else None,
            effective_on=effective_on, deadline_on=deadline_on, due=due, revision=revision)

    # -- message -------------------------------------------------------------------------------------------

    def render(self, digest: Digest) -> EmailMessage:
        """The digest as a multipart/alternative message (plain text + HTML), headers encoded for SMTP."""
        words = strings_for(digest.lang)
        parts = []
        if digest.new_count:
            parts.append(words["subject_new"].format(count=digest.new_count))
        if digest.revised_count:
            parts.append(words["subject_revised"].format(count=digest.revised_count))
        if digest.reminder_count:
            parts.append(words["subject_reminders"].format(count=digest.reminder_count))
        subject = f"{self.settings.digest.subject_prefix} {words['subject_sep'].join(parts)} ({self.today.isoformat()})"
        context = {
            "digest": digest, "t": words, "lang": digest.lang, "subject": subject.strip(),
            "today": self.today, "footer": words["footer"].format(date=self.today.isoformat()),
            "intro": words["intro_revised"] if digest.revised else words["intro"],
        }
        text = _template("digest.txt.j2").render(context)
        html = _template("digest.html.j2").render(context)

        msg = EmailMessage(policy=email.policy.SMTP)
        msg["Subject"] = subject.strip()
        msg["From"] = self.sender
        try:
            msg["To"] = Address(display_name=digest.name, addr_spec=digest.email)
        except (ValueError, IndexError) as exc:
            raise MailError(f"person {digest.handle!r}: bad email address {digest.email!r}",
                            ja=f"担当者{ja_quote(digest.handle)}: メールアドレス{ja_quote(digest.email)}が正しくありません") \
                from exc
        msg["Date"] = email.utils.format_datetime(self.now.astimezone(self.zone))
        # No idstring: a long Message-ID gets folded onto a second line, which some clients misread.
        msg["Message-ID"] = email.utils.make_msgid(domain=self.sender.domain or "localhost")
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a digest
        msg["X-Auto-Response-Suppress"] = "All"  # the same for Exchange/Outlook
        msg.set_content(text, subtype="plain", charset="utf-8", cte="base64")
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
        msg["Content-Language"] = digest.lang  # after add_alternative, which moves Content-* into the first part
        digest.message = msg
        return msg


def _states(session: Session, person_id: int, update_ids: list[int]) -> dict[int, str]:
    result: dict[int, str] = {}
    for start in range(0, len(update_ids), 500):
        rows = session.exec(select(Status.update_id, Status.state).where(
            Status.person_id == person_id, Status.update_id.in_(update_ids[start:start + 500]))).all()
        result.update({u: s for u, s in rows if s != "unread"})
    return result


def sender_address(settings: Settings) -> Address:
    """``smtp.from`` as an Address (display name may be Japanese); a ConfigError naming the key otherwise."""
    name, addr = email.utils.parseaddr(settings.smtp.from_)
    try:
        if "@" not in addr:
            raise ValueError("no @")
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError) as exc:
        raise ConfigError(f"smtp.from: not an email address: {settings.smtp.from_!r}",
                          ja=f"smtp.from: {ja_quote(settings.smtp.from_)}はメールアドレスではありません") from exc


@lru_cache(maxsize=None)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        # HTML is escaped everywhere (titles and URLs come from the web); the text part is left as written.
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _template(name: str):
    return _environment().get_template(name)


def active_people(*, session: Session, only: Optional[Iterable[str]] = None) -> list[Person]:
    """Active people by handle; ``only`` (handles) narrows them, an unknown or inactive handle is an error."""
    from tracker.errors import KaiseiError, NotFoundError

    query = select(Person).where(Person.active.is_(True)).order_by(Person.handle)
    if only:
        wanted = list(dict.fromkeys(only))
        found = {p.handle: p for p in session.exec(select(Person).where(Person.handle.in_(wanted))).all()}
        for handle in wanted:
            if handle not in found:
                raise NotFoundError(f"unknown person {handle!r}", ja=f"担当者{ja_quote(handle)}は登録されていません")
            if not found[handle].active:
                raise KaiseiError(f"person {handle!r} is deactivated: no digest",
                                  ja=f"担当者{ja_quote(handle)}は無効になっているため、ダイジェストは送りません")
        return [found[h] for h in wanted]
    return list(session.exec(query).all())


def build_digests(*, session: Session, settings: Settings, now: Optional[dt.datetime] = None,
                  only: Optional[Iterable[str]] = None, errors: Optional[list[str]] = None) -> Iterator[Digest]:
    """Each active person's digest, rendered (``digest.message``), one at a time; people with nothing are skipped.

    A generator on purpose: a thousand digests are built, sent and recorded one by one, never all held at once.
    A digest that cannot be made (a bad address) raises ``MailError``, or is appended to ``errors`` and skipped.
    """
    builder = DigestBuilder(session=session, settings=settings, now=now)
    for person in active_people(session=session, only=only):
        if not person.email:
            log.warning("digest: %s has no email address; skipped", person.handle)
            continue
        digest = builder.collect(person)
        if digest is None:
            log.debug("digest: nothing for %s", person.handle)
            continue
        try:
            builder.render(digest)
        except MailError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            continue
        yield digest


def record_delivery(*, session: Session, digest: Digest, sent_at: Optional[dt.datetime] = None) -> int:
    """Record every update of ``digest`` as delivered (call only once the SMTP server accepted it); commits."""
    sent_at = sent_at or utcnow()
    message_id = str(digest.message["Message-ID"]) if digest.message is not None else None
    shown: dict[tuple[int, str], int] = {}
    for update_id, kind, revision in digest.keys:  # a date that is both 施行日 and 締切 is one reminder
        shown.setdefault((update_id, kind), revision)
    rows = [{"person_id": digest.person_id, "update_id": update_id, "kind": kind, "revision": revision,
             "sent_at": sent_at, "message_id": message_id} for (update_id, kind), revision in shown.items()]
    if rows:  # one executemany: ORM objects for 200 rows per person cost more than building the mail
        session.execute(sa.insert(DigestDelivery.__table__), rows)
    session.commit()
    return len(digest.keys)
