"""How the tracking queries scale: the same calls on 1,000 and on 100,000 updates, and the ratio.

    .venv/bin/python bench/track_queue.py [--db URL] [--big 100000] [--small 1000]

A queue page, a filtered page, a search, the state counts, the team summary and a person's deadlines. Figures are
printed, never asserted: the target is that a page costs about the same whatever the corpus size (ratio near 1);
the counts and summaries grow with the corpus by nature.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from scratch_db import create_pg_database, drop_pg_databases  # noqa: E402  (bench/ is on sys.path)
from tracker.config import Settings  # noqa: E402
from tracker.db import create_db_engine  # noqa: E402
from tracker.departments import sync_departments  # noqa: E402
from tracker.models import Membership, Person, Source, Status, Tag, Update  # noqa: E402

DEPS = ["accounting", "hr", "legal", "general_affairs", "it"]
UTC = dt.timezone.utc


def seed(url: str, n: int) -> sa.Engine:
    engine = create_db_engine(url)
    rng = random.Random(n)
    with Session(engine) as session:
        sync_departments(session=session, settings=Settings())
        session.commit()
    with engine.begin() as conn:
        sources = [{"name": f"src{i}", "title": f"ソース{i}", "kind": "feed", "url": f"https://s{i}.example.jp/",
                    "language": "ja", "settings": {}} for i in range(12)]
        conn.execute(sa.insert(Source), sources)
        start = dt.datetime(2016, 1, 1, tzinfo=UTC)
        today = dt.date.today()
        for chunk in range(0, n, 5000):
            rows = []
            for i in range(chunk, min(n, chunk + 5000)):
                rows.append({"id": i + 1, "source_id": 1 + i % 12, "url": f"https://s.example.jp/{i}",
                             "title": f"令和{i % 8 + 1}年度 税制改正 第{i}号 のお知らせ", "summary": "", "body": "",
                             "published_at": start + dt.timedelta(minutes=50 * i),
                             "fetched_at": start + dt.timedelta(minutes=50 * i),
                             "content_hash": "", "revision": 1, "language": "ja",
                             "effective_on": today + dt.timedelta(days=rng.randint(-400, 400)) if i % 7 == 0 else None,
                             "deadline_on": today + dt.timedelta(days=rng.randint(-60, 120)) if i % 11 == 0 else None})
            conn.execute(sa.insert(Update), rows)
            tags = []
            for r in rows:
                for label in rng.sample(DEPS, rng.choice((1, 1, 2))):
                    tags.append({"update_id": r["id"], "kind": "department", "label": label, "score": 0.9,
                                 "origin": "model", "negated": False, "created_at": r["fetched_at"]})
            conn.execute(sa.insert(Tag), tags)
        people = [{"id": p + 1, "handle": f"p{p:02d}", "name": f"担当者{p}", "email": f"p{p}@example.jp",
                   "active": True, "created_at": start} for p in range(50)]
        conn.execute(sa.insert(Person), people)
        conn.execute(sa.insert(Membership), [{"person_id": p + 1, "department_key": DEPS[p % 5]} for p in range(50)])
        statuses = [{"person_id": 1 + rng.randrange(50), "update_id": 1 + rng.randrange(n),
                     "state": rng.choice(("read", "studied", "applied")), "at": start} for _ in range(n // 5)]
        unique = {(s["person_id"], s["update_id"]): s for s in statuses}
        conn.execute(sa.insert(Status), list(unique.values()))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return engine


def timed(fn, repeat: int = 5) -> float:
    fn()  # warm the caches once
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(engine) -> dict[str, float]:
    from tracker.calendar import deadlines
    from tracker.status import queue, queue_counts, team_summary

    with Session(engine) as s:
        calls = {
            "queue page 1": lambda: queue(session=s, person="p00"),
            "queue page 20": lambda: queue(session=s, person="p00", offset=950),
            "queue state=unread": lambda: queue(session=s, person="p00", state="unread"),
            "queue state=applied": lambda: queue(session=s, person="p00", state="applied"),
            "queue source filter": lambda: queue(session=s, person="p00", source="src3"),
            "queue search": lambda: queue(session=s, person="p00", search="第12"),
            "queue_counts": lambda: queue_counts(session=s, person="p00"),
            "team_summary": lambda: team_summary(session=s),
            "deadlines (90 days)": lambda: deadlines(session=s, person="p00", past_days=30),
        }
        return {name: timed(fn, repeat=3 if name == "team_summary" else 5) for name, fn in calls.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL server URL (two scratch databases are created on it); "
                        "default SQLite files in a temporary folder")
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.small, args.big):
            url = create_pg_database(args.db, f"kaisei_bench_track_{n}") if args.db else f"sqlite:///{tmp}/b{n}.db"
            t0 = time.perf_counter()
            engine = seed(url, n)
            print(f"seeded {n:,} updates on {engine.dialect.name} in {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr)
            results[n] = measure(engine)
            engine.dispose()
            if args.db:
                drop_pg_databases(args.db, [f"kaisei_bench_track_{n}"])
    print(f"{'call':<22}{args.small:>10,}{args.big:>12,}   ratio")
    for name in results[args.small]:
        small, big = results[args.small][name], results[args.big][name]
        print(f"{name:<22}{small * 1000:>8.1f}ms{big * 1000:>10.1f}ms  {big / small:>6.2f}")


if __name__ == "__main__":
    main()
