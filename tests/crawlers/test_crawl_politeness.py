"""Politeness: one request at a time per host, also with no delay between two requests (Scrapy's own downloader
started every queued request of a host at once when DOWNLOAD_DELAY was 0); robots.txt asked at most once a day."""

from __future__ import annotations

import datetime as dt
import subprocess

from sqlmodel import Session, select

from test_crawl_support import Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import Source, Update
from tracker.store import ROBOTS_KEY, ROBOTS_TTL


def crawl_feeds_on_one_host(srv, db_url, tmp_path, count: int, delay: float = 0.0) -> None:
    """Serve ``count`` feeds and a robots.txt on ``srv`` (each answer after ``delay`` s), crawl them with no
    download delay and one request at a time per host; the crawl must succeed."""
    srv.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", "text/plain", delay=delay))
    urls = {f"p-{i}": srv.add(f"/feed{i}.xml", Page(rss([(f"お知らせ {i}", f"{srv.base}/n/{i}", "")]), delay=delay))
            for i in range(count)}
    sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
    config = write_config(tmp_path / "kaisei.toml", download_delay=0, concurrent_per_host=1)
    only = [arg for name in urls for arg in ("--only", name)]
    result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
    assert result.returncode == 0, result.stderr


def test_one_request_at_a_time_per_host_without_delay(db_url, tmp_path):
    with serve() as srv:
        crawl_feeds_on_one_host(srv, db_url, tmp_path, 5, delay=0.1)
        assert len(srv.seen) == 6
        assert srv.max_in_flight == 1
    with Session(create_db_engine(db_url)) as session:
        assert len(session.exec(select(Update)).all()) == 5


def test_the_sources_of_one_host_are_asked_in_their_order(db_url, tmp_path):
    """Start requests keep their order on a host (the scheduler's FIFO start queue), first source first."""
    with serve() as srv:
        crawl_feeds_on_one_host(srv, db_url, tmp_path, 6)
        assert [seen.path for seen in srv.seen] == ["/robots.txt"] + [f"/feed{i}.xml" for i in range(6)]


def test_robots_txt_is_kept_for_a_day_and_still_obeyed(db_url, tmp_path):
    with serve() as srv:
        srv.add("/robots.txt", Page(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
        urls = {"r-open": srv.add("/open.xml", Page(rss([("公開", f"{srv.base}/n/1", "")]), etag='"o1"')),
                "r-private": srv.add("/private/feed.xml", Page(rss([("非公開", f"{srv.base}/n/2", "")])))}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml")
        only = [arg for name in urls for arg in ("--only", name)]

        def crawl() -> subprocess.CompletedProcess:
            return kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))

        first = crawl()
        assert first.returncode == 1 and "r-private: forbidden by robots.txt" in first.stderr
        assert len(srv.requests_for("/robots.txt")) == 1
        # Within the day: robots.txt is not asked for again, and its rules still hold.
        again = crawl()
        assert again.returncode == 1 and "r-private: forbidden by robots.txt" in again.stderr
        assert len(srv.requests_for("/robots.txt")) == 1
        assert not srv.requests_for("/private/feed.xml")
        assert srv.requests_for("/open.xml")[-1].status == 304
        # A day later it is asked for again.
        engine = create_db_engine(db_url)
        with Session(engine) as session:
            for source in session.exec(select(Source).where(Source.name.in_(list(urls)))).all():
                entry = dict(source.settings[ROBOTS_KEY])
                entry["fetched_at"] = (dt.datetime.now(dt.timezone.utc) - ROBOTS_TTL).isoformat()
                source.settings = {**source.settings, ROBOTS_KEY: entry}
                session.add(source)
            session.commit()
        engine.dispose()
        srv.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", "text/plain"))
        later = crawl()
        assert later.returncode == 0, later.stderr
        assert len(srv.requests_for("/robots.txt")) == 2


def test_robots_txt_answered_5xx_means_not_crawled_and_4xx_means_no_rules(db_url, tmp_path):
    """RFC 9309: a robots.txt that is unreachable (5xx) disallows everything until it answers; one that is
    unavailable (4xx) has no rules at all, whatever its error page says."""
    with serve() as down, serve("127.0.0.2") as missing:
        down.add("/robots.txt", Page(b"busy", "text/plain", status=503))
        missing.add("/robots.txt", Page(b"<html>User-agent: *\nDisallow: /\n</html>", "text/html", status=404))
        urls = {"r5-down": down.add("/feed.xml", Page(rss([("停止中", f"{down.base}/n/1", "")]))),
                "r4-missing": missing.add("/feed.xml", Page(rss([("届く", f"{missing.base}/n/1", "")])))}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml")
        only = [arg for name in urls for arg in ("--only", name)]
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
        assert result.returncode == 1
        assert ("kaisei: crawl: r5-down: robots.txt unreachable (HTTP 503): the site is not crawled until it "
                "answers (RFC 9309)") in result.stderr
        assert not down.requests_for("/feed.xml")
        assert missing.requests_for("/feed.xml") and "r4-missing" not in result.stderr
        # The next crawl asks the unreachable robots.txt again (it is not kept), and crawls once it answers.
        down.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", "text/plain"))
        again = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
        assert again.returncode == 0, again.stderr
        assert len(down.requests_for("/robots.txt")) == 2 and down.requests_for("/feed.xml")
