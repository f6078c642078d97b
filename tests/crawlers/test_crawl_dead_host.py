"""A host that cannot be connected to (connection refused, no such host, no connection before the timeout) fails
the other sources on it at once, without sending them; anything else from a host — an HTTP error, a slow page, a
connection closed unanswered — leaves its other sources alone.

How often a host was sent a request is counted by a small Scrapy extension in a child crawl (``run_crawl`` with
Scrapy settings of the test's own): no timing is asserted. The child crawls download with Scrapy's HTTP/1.1 handler
and with its aiohttp one: they tell a connect that timed out from a slow page in different ways.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest
from sqlmodel import Session, select

from test_crawl_support import ROOT, Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source

DEAD_NAME = "kaisei-dead-host.invalid"

# The child crawl: argv is db URL, kaisei.toml, sources file, download handler; prints each source's outcome and
# the counts as JSON.
CHILD = """
import json, sys
from scrapy import signals
from crawlers.registry import load_sources
from crawlers.runner import run_crawl
from tracker.config import load_settings
from tracker.db import create_db_engine

class SentCounter:
    '''Counts the requests each host:port was sent (the downloader let go of them after a download).'''
    def __init__(self, crawler):
        self.stats = crawler.stats
        crawler.signals.connect(self.left, signal=signals.request_left_downloader)
    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)
    def left(self, request, **kwargs):
        from scrapy.utils.httpobj import urlparse_cached
        self.stats.inc_value("test/sent/" + urlparse_cached(request).netloc)

if sys.argv[4] == "__main__.LazyAiohttpDownloadHandler":
    from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler

    class LazyAiohttpDownloadHandler(AiohttpDownloadHandler):
        lazy = True  # its session is made once the event loop runs

db_url, config, sources, handler = sys.argv[1:5]
settings = load_settings(config)
specs = [s for s in load_sources(settings=settings, sources_file=sources) if s.name.startswith("t-")]
overrides = {"EXTENSIONS": {"__main__.SentCounter": 0}, "KAISEI_RETRY_BACKOFF_BASE": 0.05,
             "DOWNLOAD_HANDLERS": {"http": handler, "https": handler}}
overrides.update(json.loads(sys.argv[5]) if len(sys.argv) > 5 else {})
report = run_crawl(engine=create_db_engine(db_url), specs=specs, settings=settings, tag=False,
                   scrapy_overrides=overrides)
stats = {k: v for k, v in report.stats.items() if k.startswith(("test/", "kaisei/dead_host/", "retry/"))}
print(json.dumps({"outcomes": {o.source: [o.status, o.message] for o in report.outcomes}, "stats": stats}))
"""


HANDLERS = {"twisted": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
            "aiohttp": "__main__.LazyAiohttpDownloadHandler"}


@pytest.fixture(params=sorted(HANDLERS))
def handler(request: pytest.FixtureRequest) -> str:
    """The download handler of a child crawl."""
    if request.param == "aiohttp":
        pytest.importorskip("aiohttp")
    return HANDLERS[request.param]


def child_crawl(db_url: str, config: Path, sources: Path, handler: str, **scrapy: object) -> dict:
    """Run the child crawl (``scrapy``: more Scrapy settings) and return its JSON."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    env.pop("KAISEI_CONFIG", None)
    env.pop("KAISEI_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", CHILD, db_url, str(config), str(sources), handler,
                             json.dumps(scrapy)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def unanswering_listener() -> Iterator[int]:
    """A port whose listen backlog is full: a new connection is never accepted, so connecting times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            pass
        else:
            pytest.skip("this system accepts connections past a full listen backlog")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@contextlib.contextmanager
def closing_listener() -> Iterator[int]:
    """A port that accepts each connection and closes it at once: connected to, never answered."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _ = listener.accept()
                conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()


def good_feed(srv, path: str = "/good.xml") -> str:
    return srv.add(path, Page(rss([("源泉所得税の改正", f"{srv.base}/a/1", "説明")])))


def stderr_reasons(result: subprocess.CompletedProcess) -> dict[str, str]:
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("kaisei: crawl: ") for line in lines), lines
    reasons = {line.split(": ")[2]: line.split(": ", 3)[3] for line in lines}
    assert len(reasons) == len(lines), lines  # one line per source
    return reasons


def test_dead_hosts_fail_every_source_on_them(db_url, tmp_path):
    port = closed_port()
    with serve() as srv:
        urls = {f"t-refused-{i}": f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(5)}
        urls |= {f"t-dns-{i}": f"http://{DEAD_NAME}/feed{i}.xml" for i in range(2)}
        urls["t-good"] = good_feed(srv)
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=1)
        only = [arg for name in urls for arg in ("--only", name)]
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    reasons = stderr_reasons(result)
    assert set(reasons) == set(urls) - {"t-good"}
    for name, reason in reasons.items():
        expected = f"connection refused: 127.0.0.1:{port}" if "refused" in name else f"host not found: {DEAD_NAME}"
        assert reason == expected, (name, reason)
    assert "t-good" in result.stdout

    engine = create_db_engine(db_url)
    with Session(engine) as session:
        runs = {s.name: r for s, r in session.exec(select(Source, CrawlRun).join(CrawlRun)).all()}
    engine.dispose()
    assert runs["t-good"].status == "ok" and runs["t-good"].new == 1
    for name in reasons:
        assert runs[name].status == "error" and runs[name].message == reasons[name], (name, runs[name])


@pytest.mark.parametrize("obey_robots", [True, False], ids=["robots", "no-robots"])
def test_a_refused_host_is_sent_only_the_first_request_and_its_retries(db_url, tmp_path, obey_robots, handler):
    port = closed_port()
    dead = f"127.0.0.1:{port}"
    with serve() as srv:
        urls = {f"t-refused-{i}": f"http://{dead}/feed{i}.xml" for i in range(6)}
        urls["t-good"] = good_feed(srv)
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=2, obey_robots=obey_robots)
        crawl = child_crawl(db_url, config, sources, handler)

    outcomes, stats = crawl["outcomes"], crawl["stats"]
    # The host's first request (robots.txt, or a source's feed without robots) was tried 1 + 2 times; the other
    # requests never went out, and nothing else was retried.
    assert stats[f"test/sent/{dead}"] == 3, stats
    assert stats["retry/count"] == 2, stats
    assert stats["kaisei/dead_host/hosts"] == 1
    assert stats["kaisei/dead_host/unsent"] == (6 if obey_robots else 5)
    assert outcomes["t-good"][0] == "ok"
    for name in urls:
        if name != "t-good":
            assert outcomes[name] == ["error", f"connection refused: {dead}"], (name, outcomes[name])


def test_a_host_never_connected_to_before_the_timeout_fails_its_other_sources(db_url, tmp_path, handler):
    with serve() as srv, unanswering_listener() as port:
        urls = {f"t-silent-{i}": f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(3)}
        urls["t-good"] = good_feed(srv)
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=0, timeout=1.0, obey_robots=False)
        crawl = child_crawl(db_url, config, sources, handler)

    outcomes, stats = crawl["outcomes"], crawl["stats"]
    assert stats[f"test/sent/127.0.0.1:{port}"] == 1, stats
    assert stats["kaisei/dead_host/unsent"] == 2
    assert outcomes["t-good"][0] == "ok"
    for name in urls:
        if name != "t-good":
            assert outcomes[name][0] == "error" and outcomes[name][1].startswith("timed out after 1 s: "), outcomes


@pytest.mark.parametrize("first", [
    pytest.param(Page(b"oops", "text/plain", status=500), id="http-500"),
    pytest.param(Page(rss([("遅い", "http://example.invalid/s", "")]), delay=2), id="slow-page"),
])
def test_a_host_that_answered_badly_keeps_its_other_sources(db_url, tmp_path, handler, first):
    """The host's very first request gets the bad answer (the others wait for it); the others are then sent and
    stored."""
    with serve() as srv:
        srv.add("/shared.xml", [first, Page(rss([("年末調整のお知らせ", f"{srv.base}/a/2", "説明")]))])
        urls = {f"t-shared-{i}": f"{srv.base}/shared.xml?source={i}" for i in range(3)}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=0, timeout=1.0, obey_robots=False)
        crawl = child_crawl(db_url, config, sources, handler)
        served = [seen.status for seen in srv.requests_for("/shared.xml")]

    outcomes, stats = crawl["outcomes"], crawl["stats"]
    assert len(served) == 3 and stats[f"test/sent/{srv.base.split('//')[1]}"] == 3, (served, stats)
    assert "kaisei/dead_host/hosts" not in stats
    failed = {name: message for name, (status, message) in outcomes.items() if status == "error"}
    assert len(failed) == 1 and sorted(status for status, _ in outcomes.values()) == ["error", "ok", "ok"], outcomes
    (message,) = failed.values()
    assert message.startswith("HTTP 500" if first.status == 500 else "timed out after 1 s"), message


def test_a_host_that_closes_connections_is_not_dead(db_url, tmp_path, handler):
    """Connected to, then closed without an answer: each source is tried on its own, none is given up unsent."""
    with closing_listener() as port:
        urls = {f"t-closing-{i}": f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(3)}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=0, obey_robots=False)
        crawl = child_crawl(db_url, config, sources, handler)

    outcomes, stats = crawl["outcomes"], crawl["stats"]
    assert stats[f"test/sent/127.0.0.1:{port}"] == 3, stats
    assert "kaisei/dead_host/unsent" not in stats
    assert sorted(status for status, _ in outcomes.values()) == ["error"] * 3


def test_requests_waiting_for_a_host_never_hold_every_request_slot(db_url, tmp_path, handler):
    """With room for two requests at once, five sources on a refused host do not starve its first request's retry
    (it comes back through the scheduler): the crawl ends, every source recorded."""
    port = closed_port()
    with serve() as srv:
        urls = {f"t-refused-{i}": f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(5)}
        urls["t-good"] = good_feed(srv)
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=1, obey_robots=False, concurrent_requests=2)
        crawl = child_crawl(db_url, config, sources, handler)

    outcomes = crawl["outcomes"]
    assert set(outcomes) == set(urls)
    assert outcomes["t-good"][0] == "ok"
    for name in urls:
        if name != "t-good":
            assert outcomes[name] == ["error", f"connection refused: 127.0.0.1:{port}"], (name, outcomes[name])


def test_a_crawl_closing_while_requests_wait_for_their_host_ends(db_url, tmp_path, handler):
    """The crawl is closed (here by Scrapy's CLOSESPIDER_TIMEOUT) while a refused host's first request waits in the
    scheduler for its retry and its other sources wait for it: they give up, and the crawl ends with every source
    recorded instead of waiting for ever (the subprocess's own timeout would fail the test)."""
    port = closed_port()
    with serve("127.0.0.2") as srv:  # another host than the refused one: a slot of its own
        urls = {f"t-refused-{i}": f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(2)}
        for i in range(6):
            urls[f"t-slow-{i}"] = srv.add(f"/slow{i}.xml", Page(rss([("遅いお知らせ", f"{srv.base}/s/{i}", "説明")]),
                                                                delay=1.0))
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=2, obey_robots=False, concurrent_requests=2)
        crawl = child_crawl(db_url, config, sources, handler, CLOSESPIDER_TIMEOUT=1.5,
                            KAISEI_RETRY_BACKOFF_BASE=0.2)

    outcomes = crawl["outcomes"]
    assert set(outcomes) == set(urls)
    assert outcomes["t-refused-1"][0] == "error"


@contextlib.contextmanager
def answer_once_then_refuse(body: bytes) -> Iterator[int]:
    """A port that answers its first request with ``body`` and then stops listening: later connects are refused."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        listener.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(5)


def test_a_host_that_stops_listening_fails_the_requests_already_queued_for_it(db_url, tmp_path, handler):
    """The first source is answered; the others, queued behind it for the download delay, meet a refused connection
    once, then leave the queue unsent."""
    with answer_once_then_refuse(rss([("最初だけ", "http://example.invalid/once", "")])) as port:
        urls = {f"t-once-{i}": f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(5)}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", retries=0, obey_robots=False, download_delay=0.5)
        crawl = child_crawl(db_url, config, sources, handler)

    outcomes, stats = crawl["outcomes"], crawl["stats"]
    assert stats[f"test/sent/127.0.0.1:{port}"] == 2, stats
    assert stats["kaisei/dead_host/unsent"] == 3, stats
    assert sorted(status for status, _ in outcomes.values()) == ["error"] * 4 + ["ok"], outcomes
    for status, message in outcomes.values():
        assert status == "ok" or message == f"connection refused: 127.0.0.1:{port}", outcomes
