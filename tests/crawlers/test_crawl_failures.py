"""Failure isolation: every way a source can fail is recorded on its CrawlRun, the others are stored, and
`kaisei crawl` exits 1 with one line per failed source on stderr (no traceback)."""

from __future__ import annotations

import socket

import pytest
from sqlmodel import Session, select

from test_crawl_support import Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source, Update

# source name → (what its CrawlRun message must say)
EXPECTED = {
    "t-http500": "HTTP 500",
    "t-http404": "HTTP 404",
    "t-timeout": "timed out",
    "t-loop": "too many redirects",
    "t-garbage": "unreadable response",
    "t-large": "too large",
    "t-large-stream": "too large",
    "t-refused": "connection refused",
    "t-dns": "host not found",
    "t-robots": "robots.txt",
}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_each_failure_is_isolated_and_reported(db_url, tmp_path):
    big = rss([(f"大きな項目 {i}", f"http://example.invalid/big/{i}", "x" * 2000) for i in range(200)])
    assert len(big) > 300_000
    with serve() as srv:
        good = srv.add("/good.xml", Page(rss([("源泉所得税の改正", f"{srv.base}/a/1", "説明"),
                                              ("年末調整のお知らせ", f"{srv.base}/a/2", "説明"),
                                              ("電子帳簿保存法", f"{srv.base}/a/3", "説明")])))
        srv.add("/robots.txt", Page(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
        flaky = [Page(b"busy", "text/plain", status=503), Page(rss([("再試行で取れた", f"{srv.base}/r/1", "")]))]
        urls = {
            "t-good": good,
            "t-flaky": srv.add("/flaky.xml", flaky),
            "t-http500": srv.add("/500.xml", Page(b"oops", "text/plain", status=500)),
            "t-http404": srv.add("/404.xml", Page(b"gone", "text/plain", status=404)),
            "t-timeout": srv.add("/slow.xml", Page(rss([("遅い", f"{srv.base}/s", "")]), delay=4)),
            "t-loop": srv.add("/loop.xml", Page(status=302, headers={"Location": "/loop.xml"})),
            "t-garbage": srv.add("/garbage.xml", Page(b"\x00\x17\xff\xfe this is no feed \x01" * 40,
                                                      "application/octet-stream")),
            "t-large": srv.add("/large.xml", Page(big)),
            "t-large-stream": srv.add("/large-stream.xml", Page(big, stream=True)),
            "t-refused": f"http://127.0.0.1:{_closed_port()}/feed.xml",
            "t-dns": "http://kaisei-test.invalid/feed.xml",
            "t-robots": srv.add("/private/feed.xml", Page(rss([("秘密", f"{srv.base}/p", "")]))),
        }
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        # One retry: the flaky source recovers (after a backoff), the broken ones fail again.
        config = write_config(tmp_path / "kaisei.toml", timeout=1.5, max_bytes=100_000, retries=1)
        only = [arg for name in urls for arg in ("--only", name)]
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
        robots_hits = srv.requests_for("/private/feed.xml")
        flaky_hits = [h.status for h in srv.requests_for("/flaky.xml")]

    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert all(line.startswith("kaisei: crawl: ") for line in lines), lines
    named = {line.split(": ")[2] for line in lines}
    assert named == set(EXPECTED), lines
    assert len(lines) == len(EXPECTED)
    for line in lines:
        name = line.split(": ")[2]
        assert EXPECTED[name] in line, line
    # The summary table names every source with its status.
    for name in urls:
        assert name in result.stdout
    assert robots_hits == [], "a path disallowed by robots.txt was fetched"
    assert flaky_hits == [503, 200]

    engine = create_db_engine(db_url)
    with Session(engine) as session:
        runs = {s.name: r for s, r in session.exec(select(Source, CrawlRun).join(CrawlRun)).all()}
        assert runs["t-good"].status == "ok" and runs["t-good"].new == 3
        assert runs["t-flaky"].status == "ok" and runs["t-flaky"].new == 1
        for name, words in EXPECTED.items():
            run = runs[name]
            assert run.status == "error" and run.errors >= 1 and words in run.message, (name, run)
            source = session.exec(select(Source).where(Source.name == name)).one()
            assert source.last_status == "error" and words in source.last_error
        titles = {u.title for u in session.exec(select(Update)).all()}
    engine.dispose()
    assert titles == {"源泉所得税の改正", "年末調整のお知らせ", "電子帳簿保存法", "再試行で取れた"}
