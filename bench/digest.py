"""Digest benchmark: build and send digests for 1,000 people × 200 new updates to a local SMTP server (aiosmtpd),
beside the same for 100 people (the baseline, measured in the same run). Target: per-person time ratio ≤ 1.5.

    .venv/bin/python bench/digest.py [--people 1000] [--baseline 100] [--updates 200] [--db postgresql+psycopg://…]

Each size gets a fresh database (SQLite in a temp dir, or a fresh database on the PostgreSQL server named), with
every person in one department and every update tagged to it, so each digest lists all the updates. The time is
``deliver_digests`` end to end: queries, Jinja rendering, SMTP hand-over and the DigestDelivery rows committed
after each accepted message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from tracker.config import Settings  # noqa: E402
from tracker.db import create_db_engine  # noqa: E402
from tracker.departments import sync_departments  # noqa: E402
from tracker.models import Membership, Person, Source, Tag, Update  # noqa: E402


class CountingHandler:
    """Accepts every message and counts it (and its bytes): the server side costs next to nothing."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.content)
        return "250 OK"


class LocalController(Controller):
    def _trigger_server(self) -> None:  # port 0: probe the port the OS picked
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def fresh_database(pg_base: str | None, folder: Path, tag: str) -> tuple[str, callable]:
    if not pg_base:
        return f"sqlite:///{folder / f'bench-{tag}.db'}", lambda: None
    url = sa.engine.make_url(pg_base)
    name = f"kaisei_bench_{tag}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def seed(engine, settings: Settings, *, people: int, updates: int) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        from sqlmodel import Session

        with Session(bind=conn) as session:
            sync_departments(session=session, settings=settings)
            source = Source(name="nta-news", title="国税庁 トピックス", kind="html", url="https://www.nta.go.jp/")
            session.add(source)
            session.flush()
            rows = [Update(source_id=source.id, url=f"https://www.nta.go.jp/information/release/{n:05d}.htm",
                           title=f"令和8年分 年末調整に関するお知らせ（その{n}）—源泉徴収票の様式改正",
                           published_at=now - dt.timedelta(minutes=n), fetched_at=now,
                           effective_on=(now + dt.timedelta(days=30 + n % 200)).date() if n % 4 == 0 else None)
                    for n in range(updates)]
            session.add_all(rows)
            session.flush()
            session.add_all(Tag(update_id=u.id, kind="department", label="accounting", origin="rule") for u in rows)
            persons = [Person(handle=f"user{n:05d}", name=f"経理 太郎{n}", email=f"user{n:05d}@example.co.jp",
                              lang="en" if n % 5 == 0 else None, created_at=now - dt.timedelta(days=1))
                       for n in range(people)]
            session.add_all(persons)
            session.flush()
            session.add_all(Membership(person_id=p.id, department_key="accounting") for p in persons)
            session.commit()


def measure(people: int, updates: int, *, pg_base: str | None, folder: Path) -> dict:
    from tracker.digest import deliver_digests

    handler = CountingHandler()
    controller = LocalController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    url, drop = fresh_database(pg_base, folder, f"{people}")
    try:
        settings = Settings(smtp={"host": "127.0.0.1", "port": controller.port, "security": "none"},
                            digest={"max_updates": updates})
        engine = create_db_engine(url)
        seed(engine, settings, people=people, updates=updates)
        started = time.perf_counter()
        report = deliver_digests(engine=engine, settings=settings)
        total = time.perf_counter() - started
        engine.dispose()
    finally:
        controller.stop()
        drop()
    assert len(report.sent) == people == handler.messages, (len(report.sent), handler.messages)
    assert report.new == people * updates
    return {"people": people, "total": total, "per_person": total / people, "messages": handler.messages,
            "mb": handler.bytes / 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL: benchmark there instead of SQLite")
    args = parser.parse_args(argv)
    backend = "postgresql" if args.db else "sqlite"
    with tempfile.TemporaryDirectory(prefix="kaisei-bench-") as tmp:
        base = measure(args.baseline, args.updates, pg_base=args.db, folder=Path(tmp))
        big = measure(args.people, args.updates, pg_base=args.db, folder=Path(tmp))
    print(f"digest benchmark ({backend}, {args.updates} new updates per person, local aiosmtpd)")
    print(f"{'people':>8} {'total s':>9} {'per person ms':>14} {'messages':>9} {'MB sent':>8}")
    for row in (base, big):
        print(f"{row['people']:>8} {row['total']:>9.2f} {row['per_person'] * 1000:>14.2f} {row['messages']:>9} "
              f"{row['mb']:>8.1f}")
    ratio = big["per_person"] / base["per_person"]
    print(f"per-person ratio {args.people} vs {args.baseline}: {ratio:.2f} (target <= 1.5) "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
