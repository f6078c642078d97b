"""Locks that keep two kaisei processes from running the same job (a crawl, the digest) at the same time.

On PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection held for the job, so
instances on different hosts sharing one database exclude each other. Elsewhere (SQLite): a file lock (filelock)
next to the database file, or in ``schedule.lock_dir``. Locks never wait: a job that cannot take its lock is skipped.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"kaisei:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_path(engine: Engine, name: str, lock_dir: Optional[str] = None) -> Path:
    """The lock file of job ``name``: in ``lock_dir``, else beside the SQLite file, else the temp dir."""
    database = engine.url.database or ""
    in_memory = not database or database == ":memory:" or database.startswith("file:")
    stem = "memory" if in_memory else Path(database).name
    if lock_dir:
        folder = Path(lock_dir).expanduser()
    elif not in_memory:
        folder = Path(database).expanduser().resolve().parent
    else:
        folder = Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}.{_UNSAFE.sub('_', name)}.lock"


@contextmanager
def job_lock(engine: Engine, name: str, *, lock_dir: Optional[str] = None) -> Iterator[bool]:
    """Try to take the lock of job ``name`` without waiting; yields True when this process holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name) as got:
            yield got
        return
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(engine, name, lock_dir)), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


@contextmanager
def _advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    key = advisory_key(name)
    conn = engine.connect()
    try:
        got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()  # the lock is the session's, not the transaction's: end the transaction, keep the lock
        try:
            yield got
        finally:
            if got:
                try:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
                except sa.exc.DBAPIError:  # the connection died: the server released the lock with it
                    conn.invalidate()
    finally:
        conn.close()
