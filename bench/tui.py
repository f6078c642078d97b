"""How the TUI's inbox scales: start to first rendered inbox, and applying a filter, on 1,000 and 100,000 updates.

    .venv/bin/python bench/tui.py [--db POSTGRES_URL] [--big 100000] [--small 1000] [--repeat 7]

Both databases have 50 people; the app runs headless (Textual's ``run_test``) at 120×40. Printed, never
asserted: the target is a ratio ≤ 1.5 between the big and the small corpus, since the inbox loads only what is
visible (plus a margin) and the queries walk indexes. "rows": until the refresh that paints the first page has
run; "counts": until the header's per-state counts are in (asked for once the rows are painted). The search
(a substring of the title, "第12", which matches only old updates) has to scan the titles: no index serves a
LIKE '%…%'. The other screens' times are until their first rows are in the table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from scratch_db import create_pg_database, drop_pg_databases  # noqa: E402  (bench/ is on sys.path)
from tracker.config import Settings  # noqa: E402
from tracker.db import create_db_engine, session_scope  # noqa: E402
from tracker.departments import sync_departments  # noqa: E402
from tracker.models import Membership, Person, Source, Status, Tag, Update  # noqa: E402

DEPARTMENTS = ["accounting", "hr", "legal", "general_affairs", "it"]
UTC = dt.timezone.utc
SIZE = (120, 40)


def seed(url: str, n: int, settings: Settings) -> sa.Engine:
    """``n`` updates over 12 sources with one or two department tags each, 50 people, statuses for a fifth."""
    engine = create_db_engine(url)
    rng = random.Random(n)
    with session_scope(engine) as session:
        sync_departments(session=session, settings=settings)
    start = dt.datetime(2016, 1, 1, tzinfo=UTC)
    today = dt.date(2026, 11, 20)
    with engine.begin() as conn:
        conn.execute(sa.insert(Source), [{"name": f"src{i}", "title": f"官公庁{i} 新着情報", "kind": "feed",
                                          "url": f"https://s{i}.example.jp/rss", "language": "ja", "settings": {}}
                                         for i in range(12)])
        for first in range(0, n, 5000):
            updates, tags = [], []
            for i in range(first, min(n, first + 5000)):
                at = start + dt.timedelta(minutes=50 * i)
                updates.append({
                    "id": i + 1, "source_id": 1 + i % 12, "url": f"https://s.example.jp/{i}",
                    "title": f"令和{i % 8 + 1}年度 税制改正 第{i}号 のお知らせ（源泉徴収・年末調整）",
                    "summary": "", "body": "", "published_at": at, "fetched_at": at, "content_hash": "",
                    "revision": 1, "language": "ja",
                    "effective_on": today + dt.timedelta(days=rng.randint(-400, 400)) if i % 7 == 0 else None,
                    "deadline_on": today + dt.timedelta(days=rng.randint(-60, 120)) if i % 11 == 0 else None})
                for label in rng.sample(DEPARTMENTS, rng.choice((1, 1, 2))):
                    tags.append({"update_id": i + 1, "kind": "department", "label": label, "score": 0.9,
                                 "origin": "model", "negated": False, "created_at": at})
            conn.execute(sa.insert(Update), updates)
            conn.execute(sa.insert(Tag), tags)
        conn.execute(sa.insert(Person), [{"id": p + 1, "handle": f"p{p:02d}", "name": f"担当者 {p:02d}",
                                          "email": f"p{p}@example.jp", "active": True, "created_at": start}
                                         for p in range(50)])
        conn.execute(sa.insert(Membership), [{"person_id": p + 1, "department_key": DEPARTMENTS[p % 5]}
                                             for p in range(50)])
        statuses = {(1 + rng.randrange(50), 1 + rng.randrange(n)): rng.choice(("read", "studied", "applied"))
                    for _ in range(n // 5)}
        conn.execute(sa.insert(Status), [{"person_id": p, "update_id": u, "state": s, "at": start}
                                         for (p, u), s in statuses.items()])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return engine


async def _until(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the inbox did not render in time")
        await asyncio.sleep(0.001)
    await pilot.pause(0)  # the frame with those rows is drawn


async def one_run(engine, settings: Settings) -> dict[str, float]:
    from textual.widgets import DataTable

    from tui.app import make_app
    from tui.screens.inbox import InboxScreen
    from tui.store import InboxFilter

    t0 = time.perf_counter()
    app = make_app(settings, "p00", engine=engine, lang="ja", today=dt.date(2026, 11, 20))
    async with app.run_test(size=SIZE) as pilot:
        def inbox():
            return app.screen if isinstance(app.screen, InboxScreen) else None

        await _until(pilot, lambda: inbox() is not None and inbox().painted_at[0] == inbox().generation)
        first_rows = inbox().painted_at[1] - t0
        await _until(pilot, lambda: inbox().counts is not None)
        first_counts = time.perf_counter() - t0
        screen = inbox()
        await pilot.pause()  # settled: what follows measures the filter alone

        async def apply(flt: InboxFilter) -> tuple[float, float]:
            t1 = time.perf_counter()
            screen.apply_filter(flt)
            generation = screen.generation
            await _until(pilot, lambda: screen.painted_at[0] == generation)
            rows = screen.painted_at[1] - t1
            await _until(pilot, lambda: screen.counts_generation == generation)
            return rows, time.perf_counter() - t1

        filter_rows, filter_counts = await apply(InboxFilter(state="unread", source="src3"))
        search_rows, search_counts = await apply(InboxFilter(search="第12"))
        await apply(InboxFilter())
        # Scrolling on: the next page when the cursor nears the end (none when the first page held every row:
        # a small corpus).
        next_page = math.nan
        if not screen.exhausted:
            t2 = time.perf_counter()
            loaded = len(screen.rows)
            screen.query_one("#inbox-table").move_cursor(row=len(screen.rows) - 1)
            await _until(pilot, lambda: len(screen.rows) > loaded and not screen.loading)
            next_page = time.perf_counter() - t2
        # The other screens, each reached with tab: time until its rows are on screen.
        others = {}
        for name in ("deadlines", "team", "sources"):
            t3 = time.perf_counter()
            await pilot.press("tab")
            await _until(pilot, lambda: app.current_mode == name and app.screen.query_one(DataTable).row_count > 0)
            others[f"{name} screen"] = time.perf_counter() - t3
    return {"first inbox (rows)": first_rows, "first inbox (counts)": first_counts,
            "filter state+source (rows)": filter_rows, "filter state+source (counts)": filter_counts,
            "search 第12 (rows)": search_rows, "search 第12 (counts)": search_counts,
            "next page on scroll": next_page, **others}


def measure(engines: dict[int, sa.Engine], settings: Settings, repeat: int) -> dict[int, dict[str, float]]:
    """Median of ``repeat`` runs per corpus; the corpora take turns, so both see the same machine load."""
    runs: dict[int, list[dict[str, float]]] = {n: [] for n in engines}
    for n, engine in engines.items():
        asyncio.run(one_run(engine, settings))  # warm: imports, CSS parsing, database caches
    for _ in range(repeat):
        for n, engine in engines.items():
            runs[n].append(asyncio.run(one_run(engine, settings)))
    return {n: {name: statistics.median(run[name] for run in runs[n]) for name in runs[n][0]} for n in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL server URL (scratch databases are created on it); "
                        "default SQLite files in a temporary folder")
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        engines = {}
        for n in (args.small, args.big):
            url = create_pg_database(args.db, f"kaisei_bench_tui_{n}") if args.db else f"sqlite:///{tmp}/tui{n}.db"
            t0 = time.perf_counter()
            engines[n] = seed(url, n, settings)
            print(f"seeded {n:,} updates and 50 people on {engines[n].dialect.name} in "
                  f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
        try:
            results = measure(engines, settings, args.repeat)
        finally:
            for engine in engines.values():
                engine.dispose()
            if args.db:
                drop_pg_databases(args.db, [f"kaisei_bench_tui_{n}" for n in engines])
    print(f"{'inbox, time from start':<30}{args.small:>10,}{args.big:>12,}   ratio")
    for name in results[args.small]:
        small, big = results[args.small][name], results[args.big][name]
        if math.isnan(small) or math.isnan(big):  # a corpus whose inbox fits on one page has no next page
            print(f"{name:<30}" + "".join(f"{'-' if math.isnan(v) else f'{v * 1000:.0f}ms':>{w}}"
                                          for v, w in ((small, 10), (big, 12))) + f"  {'-':>6}")
            continue
        print(f"{name:<30}{small * 1000:>8.0f}ms{big * 1000:>10.0f}ms  {big / small:>6.2f}")


if __name__ == "__main__":
    main()
