"""Shared fixtures: a migrated database on SQLite and, when KAISEI_TEST_DATABASE_URL is set, on PostgreSQL.

Each pytest process gets a database of its own on the PostgreSQL server (created from the URL given, dropped at
the end), so two runs at once do not meet; tables are emptied between tests.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from tracker.config import Settings
from tracker.db import create_db_engine
from tracker.departments import sync_departments

PG_ENV = "KAISEI_TEST_DATABASE_URL"
FIXTURES = Path(__file__).parent / "fixtures"

# Tests never read a developer's own config or database.
os.environ.pop("KAISEI_CONFIG", None)
os.environ.pop("KAISEI_DATABASE_URL", None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs KAISEI_TEST_DATABASE_URL")


@contextlib.contextmanager
def scratch_pg_database(base: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``base`` (named ``prefix`` + a random part), its URL
    yielded; its connections ended and the database dropped afterwards."""
    url = sa.engine.make_url(base)
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def scratch_pg():
    """:func:`scratch_pg_database`, for a test that needs a PostgreSQL database of its own (an unmigrated one)."""
    return scratch_pg_database


@pytest.fixture(scope="session")
def pg_url() -> str | None:
    """A fresh PostgreSQL database for this pytest process, or None when no server was named."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    with scratch_pg_database(base, f"kaisei_test_{os.getpid()}_") as url:
        yield url


_PG_ENGINE = {}


def _empty_tables(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(sa.text(f'DELETE FROM "{t}"'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_url: str | None) -> str:
    """A migrated, empty database URL: SQLite in tmp_path, then the same test on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kaisei.db'}"
        engine = create_db_engine(url)
        engine.dispose()
        return url
    if pg_url is None:
        pytest.skip(f"{PG_ENV} is not set")
    engine = _PG_ENGINE.get(pg_url)
    if engine is None:
        engine = _PG_ENGINE[pg_url] = create_db_engine(pg_url)
    _empty_tables(engine)
    return pg_url


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def engine(db_url: str, settings: Settings):
    """An engine on the test database, with the default departments in it."""
    eng = create_db_engine(db_url)
    with Session(eng) as session:
        sync_departments(session=session, settings=settings)
        session.commit()
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001
    for eng in _PG_ENGINE.values():
        eng.dispose()
