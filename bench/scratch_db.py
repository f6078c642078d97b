"""Scratch PostgreSQL databases for the benchmarks: created fresh on a server, dropped afterwards."""

from __future__ import annotations

import sqlalchemy as sa


def create_pg_database(base: str, name: str) -> str:
    """Create database ``name`` (replacing a left-over one) on the server of ``base``; return its URL."""
    url = sa.engine.make_url(base)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_pg_databases(base: str, names: list[str]) -> None:
    """Drop the scratch databases ``names`` on the server of ``base`` (connections to them are ended)."""
    admin = sa.create_engine(sa.engine.make_url(base), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
