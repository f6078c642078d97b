"""Engines, sessions and migrations.

The database URL comes from ``--db``, else ``KAISEI_DATABASE_URL``, else SQLite in the user data dir.
Migrations (Alembic, ``tracker/migrations``) are applied automatically the first time an engine is opened.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.errors import DatabaseError
from tracker.i18n import ja_quote

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_database_url() -> str:
    """SQLite in the platform's user data dir (created when missing)."""
    import platformdirs

    data_dir = Path(platformdirs.user_data_dir("kaisei", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'kaisei.db'}"


def resolve_database_url(url: str | None = None) -> str:
    return url or os.environ.get("KAISEI_DATABASE_URL") or default_database_url()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # in-memory databases have no WAL; nothing to do
        pass
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str | None = None, *, migrate: bool = True, **kwargs) -> Engine:
    """Open (and by default migrate) the database at ``url``."""
    url = resolve_database_url(url)
    try:
        sa_url = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}",
                            ja=f"{ja_quote(url)}はデータベースの URL として読めません") from exc
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                from tracker.i18n import os_reason_ja

                raise DatabaseError(f"cannot create the database's folder {folder}: {exc.strerror or exc}",
                                    ja=f"データベースのフォルダ {folder} を作れません（{os_reason_ja(exc)}）") from exc
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    else:
        kwargs.setdefault("pool_pre_ping", True)
    try:
        engine = sa.create_engine(sa_url, **kwargs)
    except Exception as exc:  # missing driver, bad options
        where = sa_url.render_as_string(hide_password=True)
        raise DatabaseError(f"cannot open database {where}: {exc}",
                            ja=f"データベース {where} を開けません（{exc}）") from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(sa.create_engine("sqlite://"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a no-op when it is already there."""
    from alembic import command

    try:
        if revision == "head" and current_revision(engine) == head_revision():
            return
        cfg = _alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except sa.exc.OperationalError as exc:
        where, reason = engine.url.render_as_string(hide_password=True), str(exc.orig).strip().splitlines()[0]
        raise DatabaseError(f"cannot open database {where}: {reason}",
                            ja=f"データベース {where} を開けません（{reason}）") from exc
    log.debug("database at %s upgraded to %s", engine.url.render_as_string(hide_password=True), revision)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
