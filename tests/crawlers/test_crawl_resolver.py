"""Host lookup: an IPv4 address is its own answer (no lookup thread); a name is still resolved by Scrapy's
resolver, and one that does not exist is still "host not found"."""

from __future__ import annotations

import json

from crawlers.resolver import LiteralAddressResolver
from crawlers.settings import scrapy_settings
from test_crawl_support import Page, kaisei, rss, serve, write_config, write_sources


def test_an_ipv4_address_is_answered_at_once_without_a_reactor_or_thread():
    resolver = LiteralAddressResolver(None, 100, 5.0)  # no reactor: the literal path must not need one
    answers: list[str] = []
    resolver.getHostByName("127.0.0.2").addCallback(answers.append)
    assert answers == ["127.0.0.2"]


def test_the_crawl_uses_it():
    assert scrapy_settings()["TWISTED_DNS_RESOLVER"] == "crawlers.resolver.LiteralAddressResolver"


def test_a_source_on_an_address_and_one_on_a_name_are_both_crawled(db_url, tmp_path):
    """127.0.0.1 skips the lookup; localhost goes through the threaded resolver to the same server; a name that
    cannot exist (RFC 6761 .invalid) fails its own source with the usual words."""
    with serve() as srv:
        feed = rss([("名前で引くお知らせ", f"{srv.base}/n/1", "")])
        by_address = srv.add("/feed.xml", Page(feed))
        by_name = by_address.replace("127.0.0.1", "localhost").replace("/feed.xml", "/named.xml")
        srv.add("/named.xml", Page(rss([("名前で引いた別のお知らせ", f"{srv.base}/n/2", "")])))
        sources = write_sources(tmp_path / "sources.toml", [
            {"name": "r-address", "url": by_address}, {"name": "r-name", "url": by_name},
            {"name": "r-nowhere", "url": "http://kaisei-test.invalid/feed.xml"}])
        config = write_config(tmp_path / "kaisei.toml", obey_robots=False)
        common = ["--db", db_url, "--config", str(config), "--sources", str(sources)]
        result = kaisei("crawl", *common, "--no-tag", "--only", "r-address,r-name,r-nowhere")
        assert srv.requests_for("/feed.xml") and srv.requests_for("/named.xml")
        assert srv.requests_for("/named.xml")[0].headers.get("Host", "").startswith("localhost:")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == ["kaisei: crawl: r-nowhere: host not found: kaisei-test.invalid"]
    listed = {r["name"]: r for r in json.loads(kaisei("sources", *common, "--format", "json").stdout)}
    assert listed["r-address"]["updates"] == 1 and listed["r-name"]["updates"] == 1
