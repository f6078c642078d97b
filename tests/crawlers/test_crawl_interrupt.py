"""An interrupted crawl (SIGINT, SIGTERM, SIGKILL) leaves no half-written update, and the next crawl completes.

Two sources answer at once; a third (on another host) hangs. Once the first two are stored, the crawl is stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from test_crawl_support import ROOT, Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source, Update

FAST = {"t-fast-a": 30, "t-fast-b": 20}


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def _finished_runs(engine) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.exec(select(Source.name, CrawlRun.status).join(CrawlRun)).all()
    return {name: status for name, status in rows}


def _check_integrity(engine) -> None:
    """Every stored update is whole, and a source is either fully stored or not at all."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).fetchall() == []
    with Session(engine) as session:
        updates = session.exec(select(Update)).all()
        for update in updates:
            assert update.title and len(update.content_hash) == 64 and update.revision == 1
        by_source = {}
        for update in updates:
            by_source[update.source_id] = by_source.get(update.source_id, 0) + 1
        names = dict(session.exec(select(Source.id, Source.name)).all())
        counts = {names[k]: v for k, v in by_source.items()}
    for name, count in counts.items():
        assert count == FAST.get(name, 0), counts


@pytest.mark.parametrize(("sig", "times"), [(signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGKILL, 1),
                                           (signal.SIGINT, 2), (signal.SIGTERM, 2)],
                         ids=["SIGINT", "SIGTERM", "SIGKILL", "SIGINT-twice", "SIGTERM-twice"])
def test_interrupted_crawl_leaves_no_half_written_update(db_url, tmp_path, sig, times):
    """Twice: a second signal during the grace stops at once, and still reports and records the interruption."""
    if db_url.startswith("postgresql") and sig != signal.SIGKILL:
        pytest.skip("the graceful stops are the same code on PostgreSQL; SIGKILL is the one that matters there")
    with serve() as fast, serve("127.0.0.2") as slow:
        urls = {name: fast.add(f"/{name}.xml", Page(rss([(f"{name} のお知らせ {i}", f"{fast.base}/{name}/{i}", "本文")
                                                        for i in range(n)])))
                for name, n in FAST.items()}
        urls["t-hang"] = slow.add("/hang.xml", Page(rss([("ようやく届いた", f"{slow.base}/h/1", "")]), delay=-1))
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", timeout=30)
        only = [arg for name in urls for arg in ("--only", name)]
        argv = crawl_argv(db_url, config, sources, "--no-tag", *only)

        ja = sig == signal.SIGINT and times == 2  # one case reads the lines in Japanese (a ja locale)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "ja_JP.UTF-8" if ja else "C.UTF-8"}
        env.pop("LC_ALL", None)
        env.pop("LC_MESSAGES", None)
        proc = subprocess.Popen([sys.executable, "-m", "tracker", *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        engine = create_db_engine(db_url)
        try:
            _wait_for(lambda: all(_finished_runs(engine).get(name) == "ok" for name in FAST)
                      and slow.requests_for("/hang.xml"))
            assert _finished_runs(engine)["t-hang"] == "running"
            proc.send_signal(sig)
            if times == 2:
                time.sleep(0.3)
                proc.send_signal(sig)
            out, err = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
            assert _finished_runs(engine)["t-hang"] == "running"
        else:
            assert proc.returncode == 130, err
            assert "Traceback" not in err
            if ja:
                assert "kaisei: crawl: t-hang: 中断: この情報源が終わる前に取得が止められました" in err, err
                assert "kaisei: crawl: 中断しました" in err, err
            else:
                assert "kaisei: crawl: t-hang: interrupted" in err and "kaisei: crawl: interrupted" in err
            assert _finished_runs(engine)["t-hang"] == "error"
        _check_integrity(engine)

        # The next crawl completes, and closes the run a killed crawl left open.
        slow.release.set()
        again = kaisei(*argv)
        assert again.returncode == 0, again.stderr
    with Session(engine) as session:
        runs = session.exec(select(CrawlRun).join(Source).where(Source.name == "t-hang").order_by(CrawlRun.id)).all()
        assert [r.status for r in runs] == ["error", "ok"]
        assert "interrupted" in runs[0].message
        titles = session.exec(select(Update.title).join(Source).where(Source.name == "t-hang")).all()
        assert titles == ["ようやく届いた"]
        assert session.exec(select(sa.func.count(Update.id))).one() == sum(FAST.values()) + 1
    engine.dispose()
