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
import multiprocessing
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from scratch_db import create_pg_database, drop_pg_databases  # noqa: E402  (bench/ is on sys.path)
from tracker.config import Settings  # noqa: E402
from tracker.db import create_db_engine  # noqa: E402
from tracker.departments import sync_departments  # noqa: E402
from tracker.models import Membership, Person, Source, Tag, Update  # noqa: E402


class CountingHandler:
    """Accepts every message and counts it (and its bytes): the server side costs next to nothing."""

    def __init__(self, messages, size) -> None:  # noqa: ANN001  (multiprocessing.Value counters)
        self.messages, self.size = messages, size

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        with self.messages.get_lock():
            self.messages.value += 1
            self.size.value += len(envelope.content)
        return "250 OK"


def _smtp_server(port_queue, stop, messages, size) -> None:  # noqa: ANN001
    class LocalController(Controller):
        def _trigger_server(self) -> None:  # port 0: probe the port the OS picked
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    controller = LocalController(CountingHandler(messages, size), hostname="127.0.0.1", port=0)
    controller.start()
    port_queue.put(controller.port)
    stop.wait()
    controller.stop()


class SmtpProcess:
    """aiosmtpd in a process of its own, so the server never competes with the sender for one interpreter lock."""

    def __enter__(self) -> "SmtpProcess":
        ctx = multiprocessing.get_context("spawn")
        self.messages, self.size = ctx.Value("q", 0), ctx.Value("q", 0)
        self.stop, ports = ctx.Event(), ctx.Queue()
        self.process = ctx.Process(target=_smtp_server, args=(ports, self.stop, self.messages, self.size),
                                   daemon=True)
        self.process.start()
        self.port = ports.get(timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.process.join(timeout=10)


def fresh_database(pg_base: str | None, folder: Path, tag: str) -> tuple[str, callable]:
    if not pg_base:
        return f"sqlite:///{folder / f'bench-{tag}.db'}", lambda: None
    name = f"kaisei_bench_{tag}_{uuid.uuid4().hex[:6]}"
    return create_pg_database(pg_base, name), lambda: drop_pg_databases(pg_base, [name])


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


def measure(people: int, updates: int, *, pg_base: str | None, folder: Path, port: int, server: SmtpProcess,
            tag: str) -> dict:
    from tracker.digest import deliver_digests

    url, drop = fresh_database(pg_base, folder, tag)
    before_messages, before_bytes = server.messages.value, server.size.value
    try:
        settings = Settings(smtp={"host": "127.0.0.1", "port": port, "security": "none"},
                            digest={"max_updates": updates})
        engine = create_db_engine(url)
        seed(engine, settings, people=people, updates=updates)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = deliver_digests(engine=engine, settings=settings)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        engine.dispose()
    finally:
        drop()
    messages = server.messages.value - before_messages
    assert len(report.sent) == people == messages, (len(report.sent), messages)
    assert report.new == people * updates
    return {"people": people, "total": total, "per_person": total / people, "cpu_per_person": cpu / people,
            "messages": messages,
            "mb": (server.size.value - before_bytes) / 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL: benchmark there instead of SQLite")
    args = parser.parse_args(argv)
    backend = "postgresql" if args.db else "sqlite"
    with tempfile.TemporaryDirectory(prefix="kaisei-bench-") as tmp, SmtpProcess() as server:
        run = dict(pg_base=args.db, folder=Path(tmp), port=server.port, server=server)
        # The baseline before and after the big run: other load on the machine shows as a gap between the two.
        before = measure(args.baseline, args.updates, tag="base1", **run)
        big = measure(args.people, args.updates, tag="big", **run)
        after = measure(args.baseline, args.updates, tag="base2", **run)
    print(f"digest benchmark ({backend}, {args.updates} new updates per person, aiosmtpd in its own process)")
    print(f"{'run':>10} {'people':>7} {'total s':>9} {'per person ms':>14} {'CPU ms/person':>14} {'messages':>9} "
          f"{'MB sent':>8}")
    for name, row in (("baseline", before), ("large", big), ("baseline", after)):
        print(f"{name:>10} {row['people']:>7} {row['total']:>9.2f} {row['per_person'] * 1000:>14.2f} "
              f"{row['cpu_per_person'] * 1000:>14.2f} {row['messages']:>9} {row['mb']:>8.1f}")
    baseline = (before["per_person"] + after["per_person"]) / 2
    ratio = big["per_person"] / baseline
    print(f"per-person ratio {args.people} vs {args.baseline} (mean of both baselines): {ratio:.2f} "
          f"(target <= 1.5) {'OK' if ratio <= 1.5 else 'MISSED'}")
    cpu_ratio = big["cpu_per_person"] / ((before["cpu_per_person"] + after["cpu_per_person"]) / 2)
    print(f"per-person CPU-time ratio (the sender's own work, less sensitive to other load): {cpu_ratio:.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
