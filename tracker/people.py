"""People and the departments they belong to.

A person is known by a handle (the name used on the command line and in the TUI). People are never deleted —
their status history is the audit trail — only deactivated, which takes them out of queues, digests and team views.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from typing import Iterable, Optional, Union

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.departments import get_department
from tracker.errors import KaiseiError, NotFoundError
from tracker.i18n import LANGS, ja_quote
from tracker.models import Membership, Person

log = logging.getLogger(__name__)

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Deliberately loose: one @, no spaces, a domain part; intranet hosts without a dot (user@mailhost) are fine.
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")

PersonRef = Union[Person, str, int]


def validate_handle(handle: str) -> str:
    """The handle itself when it is lowercase letters, digits, ``.``, ``_`` or ``-`` (starting with a letter/digit)."""
    if not isinstance(handle, str) or not HANDLE_RE.match(handle):
        raise KaiseiError(f"bad handle {handle!r}: use lowercase letters, digits, '.', '_' or '-' "
                          "(up to 100, starting with a letter or digit)",
                          ja=f"ハンドル{ja_quote(handle)}は使えません（英小文字・数字・「.」「_」「-」の100文字以内で、"
                             "先頭は英小文字か数字にしてください）")
    return handle


def validate_email(email: str) -> str:
    """The address, stripped, when a digest can be sent to it; else a one-line ``KaiseiError``.

    Besides the loose shape check, the address must be one the mail header accepts (ASCII local part, dot-atom),
    so that a person added here never stops ``kaisei digest`` later.
    """
    from email.headerregistry import Address

    email = (email or "").strip()
    if not EMAIL_RE.match(email):
        raise KaiseiError(f"bad email address {email!r}", ja=f"メールアドレス{ja_quote(email)}が正しくありません")
    try:
        Address(addr_spec=email)
    except (ValueError, IndexError) as exc:
        ascii_local = email.split("@")[0].isascii()
        reason = "use ASCII before the @" if not ascii_local else "not a valid address"
        reason_ja = "@ の前は半角の英数字と記号にしてください" if not ascii_local else "メールの宛先として使えない形です"
        raise KaiseiError(f"bad email address {email!r}: {reason}",
                          ja=f"メールアドレス{ja_quote(email)}が正しくありません（{reason_ja}）") from exc
    return email


def _validate_lang(lang: Optional[str]) -> Optional[str]:
    if lang is not None and lang not in LANGS:
        raise KaiseiError(f"unknown language {lang!r}: use ja or en",
                          ja=f"言語{ja_quote(lang)}には対応していません（ja か en を指定してください）")
    return lang


def _validate_departments(session: Session, keys: Iterable[str]) -> list[str]:
    result: list[str] = []
    for key in keys:
        get_department(session=session, key=key)  # NotFoundError naming the known keys
        if key not in result:
            result.append(key)
    return result


def add_person(*, session: Session, handle: str, name: str, email: str, departments: list[str],
               lang: Optional[str] = None) -> Person:
    """Create a person in ``departments`` (at least one); a taken handle is an error."""
    validate_handle(handle)
    email = validate_email(email)
    _validate_lang(lang)
    name = (name or "").strip()
    if not name:
        raise KaiseiError("a person needs a name", ja="担当者の氏名を指定してください")
    keys = _validate_departments(session, departments)
    if not keys:
        raise KaiseiError("a person needs at least one department", ja="担当者の部署を一つ以上指定してください")
    if session.exec(select(Person.id).where(Person.handle == handle)).first() is not None:
        raise KaiseiError(f"person {handle!r} already exists", ja=f"担当者{ja_quote(handle)}は既に登録されています")
    person = Person(handle=handle, name=name, email=email, lang=lang)
    session.add(person)
    try:
        session.flush()
    except sa.exc.IntegrityError as exc:  # added by someone else in the meantime
        session.rollback()
        raise KaiseiError(f"person {handle!r} already exists",
                          ja=f"担当者{ja_quote(handle)}は既に登録されています") from exc
    session.add_all(Membership(person_id=person.id, department_key=key) for key in keys)
    session.flush()
    log.info("added person %s in %s", handle, ",".join(keys))
    return person


def get_person(*, session: Session, handle: str) -> Person:
    """The person with ``handle`` (active or not)."""
    person = session.exec(select(Person).where(Person.handle == handle)).first()
    if person is None:
        raise NotFoundError(f"unknown person {handle!r}", ja=f"担当者{ja_quote(handle)}は登録されていません")
    return person


def resolve_person(*, session: Session, person: PersonRef) -> Person:
    """A Person from a Person, a handle or an id (the status and calendar functions accept all three)."""
    if isinstance(person, Person):
        return person
    if isinstance(person, int):
        found = session.get(Person, person)
        if found is None:
            raise NotFoundError(f"unknown person id {person}", ja=f"ID {person} の担当者は登録されていません")
        return found
    return get_person(session=session, handle=person)


def list_people(*, session: Session, include_inactive: bool = False,
                department: Optional[str] = None) -> list[Person]:
    """People by handle; only active ones unless ``include_inactive``; only members of ``department`` if given."""
    query = select(Person).order_by(Person.handle)
    if not include_inactive:
        query = query.where(Person.active.is_(True))
    if department is not None:
        get_department(session=session, key=department)
        query = query.where(Person.id.in_(
            select(Membership.person_id).where(Membership.department_key == department)))
    return list(session.exec(query).all())


def person_departments(*, session: Session, person_id: int) -> list[str]:
    """The department keys of one person, in the configured order."""
    return departments_of(session=session, person_ids=[person_id])[person_id]


def departments_of(*, session: Session, person_ids: Iterable[int]) -> dict[int, list[str]]:
    """person id → department keys (configured order); every id given is a key."""
    from tracker.models import Department

    ids = list(person_ids)
    result: dict[int, list[str]] = defaultdict(list)
    for pid in ids:
        result[pid] = []
    if not ids:
        return dict(result)
    rows = session.exec(
        select(Membership.person_id, Membership.department_key)
        .join(Department, Department.key == Membership.department_key)
        .where(Membership.person_id.in_(ids))
        .order_by(Department.position, Department.key)
    ).all()
    for pid, key in rows:
        result[pid].append(key)
    return dict(result)


def edit_person(*, session: Session, handle: str, name: Optional[str] = None, email: Optional[str] = None,
                lang: Optional[str] = None, departments: Optional[list[str]] = None,
                add_departments: Iterable[str] = (), remove_departments: Iterable[str] = ()) -> Person:
    """Change a person's name, email, language or departments.

    ``departments`` replaces the set; ``add_departments``/``remove_departments`` adjust it. ``lang=""`` goes back
    to the configured default. A person keeps at least one department.
    """
    person = get_person(session=session, handle=handle)
    if name is not None:
        if not name.strip():
            raise KaiseiError("a person needs a name", ja="担当者の氏名を空にはできません")
        person.name = name.strip()
    if email is not None:
        person.email = validate_email(email)
    if lang is not None:
        person.lang = _validate_lang(lang or None)
    current = person_departments(session=session, person_id=person.id)
    wanted = _validate_departments(session, departments) if departments is not None else list(current)
    for key in _validate_departments(session, add_departments):
        if key not in wanted:
            wanted.append(key)
    for key in _validate_departments(session, remove_departments):
        if key in wanted:
            wanted.remove(key)
    if not wanted:
        raise KaiseiError(f"{handle!r} would have no department left: a person needs at least one",
                          ja=f"{ja_quote(handle)}の部署がなくなってしまいます（担当者には部署が一つ以上必要です）")
    for key in set(current) - set(wanted):
        session.delete(session.get(Membership, (person.id, key)))
    session.add_all(Membership(person_id=person.id, department_key=key) for key in wanted if key not in current)
    session.add(person)
    session.flush()
    return person


def _set_active(session: Session, handle: str, active: bool) -> Person:
    person = get_person(session=session, handle=handle)
    person.active = active
    session.add(person)
    session.flush()
    return person


def deactivate_person(*, session: Session, handle: str) -> Person:
    """Take a person out of queues, digests and team views; their history stays."""
    return _set_active(session, handle, False)


def reactivate_person(*, session: Session, handle: str) -> Person:
    """Put a deactivated person back into queues, digests and team views."""
    return _set_active(session, handle, True)


# The brief's short name.
reactivate = reactivate_person
