"""One request at a time per host, also with no delay between two requests (Scrapy's own downloader started
every queued request of a host at once when DOWNLOAD_DELAY was 0)."""

from __future__ import annotations

from sqlmodel import Session, select

from test_crawl_support import Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import Update


def test_one_request_at_a_time_per_host_without_delay(db_url, tmp_path):
    with serve() as srv:
        srv.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", "text/plain", delay=0.1))
        urls = {f"p-{i}": srv.add(f"/feed{i}.xml", Page(rss([(f"お知らせ {i}", f"{srv.base}/n/{i}", "")]), delay=0.1))
                for i in range(5)}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", download_delay=0, concurrent_per_host=1)
        only = [arg for name in urls for arg in ("--only", name)]
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
        assert result.returncode == 0, result.stderr
        assert len(srv.seen) == 6
        assert srv.max_in_flight == 1
    with Session(create_db_engine(db_url)) as session:
        assert len(session.exec(select(Update)).all()) == 5
