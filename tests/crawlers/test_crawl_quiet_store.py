"""Quiet batches (every answer a 304) share one transaction on the database thread; a failure still costs one
source only."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from scrapy.utils.test import get_crawler
from sqlmodel import select

from crawlers.pipelines.store import StorePipeline
from crawlers.registry import SourceSpec
from crawlers.settings import scrapy_settings
from crawlers.spiders.batch import SourceBatch
from crawlers.spiders.sources import SourcesSpider
from tracker.config import CrawlSettings
from tracker.db import session_scope
from tracker.models import CrawlRun
from tracker.store import begin_crawl_runs, sync_sources

SPECS = [SourceSpec(name=f"q-{i}", title=f"q {i}", kind="feed", url=f"https://q{i}.example.go.jp/news.rss")
         for i in range(4)]


def test_quiet_batches_are_stored_together_and_a_bad_one_fails_alone(engine):
    with session_scope(engine) as session:
        rows = sync_sources(session=session, specs=SPECS)
        run_ids = {name: run.id for name, run in begin_crawl_runs(session=session, sources=list(rows.values())).items()}
    crawler = get_crawler(SourcesSpider, scrapy_settings(CrawlSettings()))
    spider = SourcesSpider.from_crawler(crawler, specs=SPECS)
    crawler.spider = spider
    spider.db_engine = engine
    spider.db_executor = ThreadPoolExecutor(max_workers=1)
    pipeline = StorePipeline.from_crawler(crawler)
    names = [spec.name for spec in SPECS] + ["q-unknown"]  # no such source: its batch cannot be stored
    batches = [SourceBatch(source=name, responses=1, not_modified=1, urls=1, run_id=run_ids.get(name))
               for name in names]

    async def store_all():
        return await asyncio.gather(*(pipeline.process_item(batch) for batch in batches))

    try:
        asyncio.run(store_all())
    finally:
        spider.db_executor.shutdown(wait=True)
    statuses = {batch.source: batch.outcome.status for batch in batches}
    assert statuses == {**{spec.name: "not_modified" for spec in SPECS}, "q-unknown": "error"}
    assert batches[-1].outcome.message.startswith("database error: ")
    with session_scope(engine) as session:
        runs = {run.id: run.status for run in session.exec(select(CrawlRun)).all()}
    assert [runs[run_ids[spec.name]] for spec in SPECS] == ["not_modified"] * 4
