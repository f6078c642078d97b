"""The crawl's parts one at a time: spider callbacks on Scrapy responses, pipelines and middlewares with
``get_crawler`` (the whole crawl over HTTP is in test_crawl_sample_site.py and test_crawl_failures.py)."""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import given, settings as hsettings, strategies as st
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawlers.items import UpdateItem
from crawlers.middlewares import (BACKOFF_META, VALIDATORS_META, BackoffRetryMiddleware,
                                  ConditionalGetMiddleware)
from crawlers.normalize import clean_text, clean_title
from crawlers.pipelines.drop_invalid import DropInvalidPipeline
from crawlers.pipelines.duplicates import DuplicatesPipeline
from crawlers.pipelines.normalize import NormalizePipeline, _clean
from crawlers.registry import SourceSpec
from crawlers.settings import scrapy_settings
from crawlers.spiders.batch import SourceBatch
from crawlers.spiders.sources import SOURCE_META, URL_META, SourcesSpider
from tracker.config import CrawlSettings
from tracker.store import Validators

FEED = SourceSpec(name="t-feed", title="t", kind="feed", url="https://www.example.go.jp/news.rss")
RSS = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
       '<link>https://www.example.go.jp/</link><description>d</description>'
       '<item><title>　源泉徴収の<b>改正</b>  について </title><link>https://WWW.example.go.jp/a.html?utm_source=x#top</link>'
       '<pubDate>Fri, 01 May 2026 17:00:00 +0900</pubDate></item></channel></rss>').encode()


def _spider(**kwargs) -> SourcesSpider:
    crawler = get_crawler(SourcesSpider, scrapy_settings(CrawlSettings()))
    spider = SourcesSpider.from_crawler(crawler, specs=[FEED], **kwargs)
    crawler.spider = spider
    return spider


def _collect(agen) -> list:
    async def run():
        return [x async for x in agen]

    return asyncio.run(run())


def _response(status: int, body: bytes = b"", headers: dict | None = None, *, asked: dict | None = None) -> Response:
    """An answer to FEED's request; a 304 answers a conditional request unless ``asked`` says otherwise."""
    if asked is None:
        asked = {"If-None-Match": '"old"'} if status == 304 else {}
    request = Request(FEED.url, headers=asked, meta={SOURCE_META: FEED.name, URL_META: FEED.url})
    cls = TextResponse if body else Response
    kwargs = {"encoding": "utf-8"} if body else {}
    return cls(FEED.url, status=status, body=body, headers=headers or {}, request=request, **kwargs)


def test_spider_reads_a_feed_normalizes_hashes_and_keeps_validators():
    spider = _spider(validators={FEED.name: {FEED.url: Validators('"old"', None)}})
    (request,) = list(spider.source_requests())
    assert request.meta[VALIDATORS_META] == Validators('"old"', None)
    assert 304 in request.meta["handle_httpstatus_list"] and request.dont_filter
    (batch,) = _collect(spider.parse_source(_response(200, RSS, {"ETag": '"new"', "Last-Modified": "Fri, 01 May 2026 08:00:00 GMT",
                                                                   "Content-Type": "application/rss+xml"})))
    assert batch.responses == 1 and batch.errors == [] and batch.normalized
    (item,) = batch.items
    assert item.url == "https://www.example.go.jp/a.html" and item.title == "源泉徴収の改正 について"
    assert item.published_at == dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
    assert set(batch.hashes) == {item.url} and len(batch.hashes[item.url]) == 64
    assert batch.validators == {FEED.url: Validators('"new"', "Fri, 01 May 2026 08:00:00 GMT")}


def test_spider_counts_a_304_and_records_garbage_without_new_validators():
    spider = _spider()
    list(spider.source_requests())
    (batch,) = _collect(spider.parse_source(_response(304)))
    assert (batch.responses, batch.not_modified, batch.items, batch.validators) == (1, 1, [], {})
    # "Not modified" to a request that asked nothing conditionally cannot be true: an error, not a quiet source.
    spider = _spider()
    list(spider.source_requests())
    (batch,) = _collect(spider.parse_source(_response(304, asked={})))
    assert (batch.responses, batch.not_modified) == (0, 0) and "not conditional" in batch.errors[0]

    spider = _spider()
    list(spider.source_requests())
    (batch,) = _collect(spider.parse_source(_response(200, b"<html><body>maintenance</body></html>",
                                                      {"ETag": '"x"', "Content-Type": "text/html"})))
    assert batch.responses == 0 and len(batch.errors) == 1 and "unreadable response" in batch.errors[0]
    assert batch.validators == {}  # the next crawl must fetch it again


def test_spider_waits_for_every_url_of_a_source():
    laws = SourceSpec(name="t-laws", title="laws", kind="egov-laws", url="https://laws.example.go.jp/api/1/updatelawlists",
                      settings={"days": 3})
    crawler = get_crawler(SourcesSpider, scrapy_settings(CrawlSettings()))
    spider = SourcesSpider.from_crawler(crawler, specs=[laws], today=dt.date(2026, 5, 3))
    requests = list(spider.source_requests())
    assert [r.url.rsplit("/", 1)[1] for r in requests] == ["20260501", "20260502", "20260503"]
    assert 404 in requests[0].meta["handle_httpstatus_list"]
    outputs = []
    requests[2].headers[b"If-Modified-Since"] = b"Sun, 03 May 2026 00:00:00 GMT"  # the day asked before
    for request, status in zip(requests, (404, 404, 304)):
        response = Response(request.url, status=status, request=request)
        outputs += _collect(spider.parse_source(response))
    (batch,) = outputs  # one batch, after the last day answered
    assert batch.responses == 3 and batch.errors == [] and spider.unfinished() == []
    # A 404 for every day is a wrong URL, not a quiet week.
    spider = SourcesSpider.from_crawler(crawler, specs=[laws], today=dt.date(2026, 5, 3))
    outputs = []
    for request in spider.source_requests():
        outputs += _collect(spider.parse_source(Response(request.url, status=404, request=request)))
    (batch,) = outputs
    assert batch.errors == [f"every day answered 404: wrong URL? ({laws.url})"]


def _item(url: str, title: str = "t", source: str = "a") -> UpdateItem:
    return UpdateItem(source=source, url=url, title=title)


def test_drop_invalid_and_duplicates_pipelines():
    crawler = get_crawler(SourcesSpider)
    batch = SourceBatch(source="a", items=[_item("https://x.jp/1"), _item("javascript:void(0)"), _item("https://x.jp/2", ""),
                                           _item("https://x.jp/" + "a" * 3000), _item("https://x.jp/1", "again")])
    DropInvalidPipeline(crawler).process_item(batch)
    assert [i.url for i in batch.items] == ["https://x.jp/1", "https://x.jp/1"]
    assert crawler.stats.get_value("kaisei/dropped/no_link") == 1
    duplicates = DuplicatesPipeline(crawler)
    duplicates.process_item(batch)
    assert [i.title for i in batch.items] == ["t"]
    other = SourceBatch(source="b", items=[_item("https://x.jp/1", source="b"), _item("https://x.jp/3", source="b")])
    duplicates.process_item(other)
    assert [i.url for i in other.items] == ["https://x.jp/3"]  # the first source to list a URL keeps it
    assert crawler.stats.get_value("kaisei/duplicates/other_source") == 1


def test_normalize_pipeline_for_batches_not_read_by_the_spider():
    naive = UpdateItem(source="a", url="HTTPS://X.jp/a#frag", title=" a&amp;b ", summary="<p>x</p>",
                       published_at=dt.datetime(2026, 5, 1, 9, 0))
    batch = SourceBatch(source="a", items=[naive], hashes={"stale": "0"})
    NormalizePipeline(get_crawler(SourcesSpider)).process_item(batch)
    assert (naive.url, naive.title, naive.summary) == ("https://x.jp/a", "a&b", "x")
    assert naive.published_at.utcoffset() == dt.timedelta(hours=9)
    assert batch.normalized and batch.hashes == {}


@hsettings(max_examples=400, deadline=None)
@given(st.text(alphabet="aあ漢 <>&;ltgp/\t\n\r\u3000\u00a0\u2028\u200b\x85\x01\x7f", max_size=12))
def test_clean_fast_path_agrees_with_the_cleaners(text):
    assert _clean(text, clean_text) == clean_text(text)
    assert _clean(text, clean_title) == clean_title(text)


def test_conditional_get_middleware_sends_the_validators():
    middleware = ConditionalGetMiddleware(get_crawler(SourcesSpider))
    request = Request(FEED.url, meta={VALIDATORS_META: Validators('"v1"', "Fri, 01 May 2026 08:00:00 GMT")})
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Fri, 01 May 2026 08:00:00 GMT"
    bare = Request(FEED.url)
    middleware.process_request(bare)
    assert b"If-None-Match" not in bare.headers and b"If-Modified-Since" not in bare.headers


def test_backoff_retry_waits_longer_each_time():
    crawler = get_crawler(SourcesSpider, scrapy_settings(CrawlSettings(retries=3)))
    crawler.spider = SourcesSpider.from_crawler(crawler, specs=[FEED])
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request(FEED.url)
    delays = []
    for _ in range(3):
        request = middleware.process_response(request, HtmlResponse(FEED.url, status=503, request=request))
        assert isinstance(request, Request)
        delays.append(request.meta[BACKOFF_META])
    assert delays == [1.0, 2.0, 4.0]
    gave_up = middleware.process_response(request, HtmlResponse(FEED.url, status=503, request=request))
    assert isinstance(gave_up, Response) and gave_up.status == 503


def test_polite_scrapy_settings():
    values = scrapy_settings(CrawlSettings())
    assert values["ROBOTSTXT_OBEY"] is True and values["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert values["DOWNLOAD_DELAY"] == 1.0 and values["DOWNLOAD_TIMEOUT"] == 30.0
    assert values["USER_AGENT"].startswith("kaisei/") and "+http" in values["USER_AGENT"]
    assert values["HTTPCACHE_ENABLED"] is False and values["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024
    assert values["TELNETCONSOLE_ENABLED"] is False and values["REMOTE_CONTROL_ENABLED"] is False
    assert values["DOWNLOADER_MIDDLEWARES"]["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None


def test_a_dead_parser_worker_falls_back_to_parsing_in_the_crawl_process():
    import os
    import signal
    import time

    from crawlers.spiders.parse_pool import start_parse_pool

    pool = start_parse_pool(sources=10, workers=1)
    assert pool is not None
    try:
        for _ in range(100):  # the worker was forked by the first submit
            if pool._processes:
                break
            time.sleep(0.01)
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGKILL)
        spider = _spider(parse_pool=pool)
        list(spider.source_requests())
        (batch,) = _collect(spider.parse_source(_response(200, RSS, {"Content-Type": "application/rss+xml"})))
        assert batch.errors == [] and len(batch.items) == 1
        assert spider.parse_pool is None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def test_a_lazy_parser_pool_forks_only_when_a_body_arrives():
    from crawlers.spiders.parse_pool import start_parse_pool

    pool = start_parse_pool(sources=10, workers=1, lazy=True)
    assert pool is not None
    try:
        assert pool.pool is None  # a crawl answered only by 304s forks nothing
        spider = _spider(parse_pool=pool)
        list(spider.source_requests())
        (batch,) = _collect(spider.parse_source(_response(200, RSS, {"Content-Type": "application/rss+xml"})))
        assert batch.errors == [] and len(batch.items) == 1
        assert pool.pool is not None and spider.parse_pool is pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    try:
        pool.submit(len, "")
    except RuntimeError:
        pass
    else:
        raise AssertionError("a shut-down pool took work")
