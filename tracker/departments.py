"""Departments: kept in the database in step with kaisei.toml."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.config import Settings
from tracker.errors import NotFoundError
from tracker.i18n import ja_quote
from tracker.models import Department


def sync_departments(*, session: Session, settings: Settings) -> list[Department]:
    """Insert or rename the configured departments; departments no longer configured are kept (history)."""
    existing = {d.key: d for d in session.exec(select(Department)).all()}
    result = []
    for position, dep in enumerate(settings.departments):
        row = existing.get(dep.key) or Department(key=dep.key)
        row.name_ja, row.name_en, row.position = dep.name_ja, dep.name_en, position
        session.add(row)
        result.append(row)
    session.flush()
    return result


def list_departments(*, session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(Department.position, Department.key)).all())


def get_department(*, session: Session, key: str) -> Department:
    dep = session.get(Department, key)
    if dep is None:
        known = ", ".join(d.key for d in list_departments(session=session))
        raise NotFoundError(f"unknown department {key!r} (known: {known})",
                            ja=f"部署{ja_quote(key)}はありません（設定されている部署: {known}）")
    return dep


def department_name(dep: Department, lang: str) -> str:
    return dep.name_ja if lang == "ja" else dep.name_en
