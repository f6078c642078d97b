"""Each source's batch is stored in one transaction: its updates (new, revised or untouched) and its CrawlRun.

Quiet batches — every answer a 304, nothing to store but the CrawlRun — are the exception: those waiting for the
database thread at the same time share one transaction (a re-crawl of 60 unchanged sources commits a few times,
not 60) and close their runs in two statements. Should that shared transaction fail, each is written again on
its own, so a failure still costs one source only.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, Optional

from crawlers.parsers import one_line
from crawlers.pipelines.offload import on_db_thread
from crawlers.spiders.batch import SourceBatch
from tracker.db import session_scope
from tracker.models import Source
from tracker.store import INTERRUPTED, BatchOutcome, finish_quiet_runs, store_source_batch

log = logging.getLogger(__name__)


class StorePipeline:
    """Write a source's batch with ``tracker.store.store_source_batch``; a database error fails that source only.

    Needs ``spider.db_engine``; reports each outcome to ``spider.report`` (a ``crawlers.runner.CrawlReport``) when
    the spider has one.
    """

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler
        # Quiet batches waiting for the database thread, with the future each awaits (guarded by the lock: the
        # reactor's thread adds, the database thread takes).
        self._quiet: list[tuple[SourceBatch, asyncio.Future]] = []
        self._quiet_lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StorePipeline":
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    async def process_item(self, batch: SourceBatch) -> SourceBatch:
        if _quiet(batch) and getattr(self.spider, "db_executor", None) is not None:
            outcome = await self._store_quiet(batch)
        else:
            outcome = await on_db_thread(self.spider, lambda: self._store(batch))
        batch.outcome = outcome
        self._report(outcome)
        return batch

    async def _store_quiet(self, batch: SourceBatch) -> BatchOutcome:
        """Queue a quiet batch; the first one queued asks the database thread to write all those then waiting."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._quiet_lock:
            self._quiet.append((batch, future))
            first = len(self._quiet) == 1
        if first:
            self.spider.db_executor.submit(self._store_quiet_batches, loop)
        return await future

    def _store_quiet_batches(self, loop: asyncio.AbstractEventLoop) -> None:
        """Write every queued quiet batch in one transaction (database thread); one by one if that fails."""
        with self._quiet_lock:
            waiting, self._quiet = self._quiet, []
        outcomes: list[Any] = []
        started = time.perf_counter()
        try:
            try:
                with session_scope(self.spider.db_engine) as session:
                    # Two statements close every run of the group; a batch that brought a robots.txt to keep, or
                    # whose run is unknown, goes the general way (in the same transaction).
                    simple = [(batch, future) for batch, future in waiting
                              if batch.run_id and self._robots(batch.source) is None]
                    finish_quiet_runs(session=session, runs=[(batch.source, batch.run_id, batch.not_modified)
                                                             for batch, _ in simple])
                    written = {id(batch): BatchOutcome(source=batch.source, status="not_modified",
                                                       unchanged=batch.not_modified) for batch, _ in simple}
                    outcomes = [written.get(id(batch)) or self._write(session, batch) for batch, _ in waiting]
                log.debug("stored %d sources answered by 304s in one transaction in %.3f s", len(waiting),
                          time.perf_counter() - started)
            except Exception:
                log.debug("storing %d quiet batches together failed: one by one", len(waiting), exc_info=True)
                outcomes = [self._store(batch) for batch, _ in waiting]
        finally:
            for i, (batch, future) in enumerate(waiting):
                outcome = outcomes[i] if i < len(outcomes) else BatchOutcome(
                    source=batch.source, status="error", errors=1, message="database error: not stored")
                loop.call_soon_threadsafe(_resolve, future, outcome)

    def _write(self, session: Any, batch: SourceBatch, source: Optional[Source] = None) -> BatchOutcome:
        return store_source_batch(
            source=source,
            session=session, source_name=batch.source, items=batch.items, responses=batch.responses,
            not_modified=batch.not_modified, errors=batch.errors, validators=batch.validators,
            run_id=batch.run_id, started_at=batch.started_at, hashes=batch.hashes,
            robots=self._robots(batch.source), also_listed=batch.also_listed,
        )

    def _store(self, batch: SourceBatch) -> BatchOutcome:
        """One transaction for the batch (runs on the database thread)."""
        engine = self.spider.db_engine
        started = time.perf_counter()
        try:
            with session_scope(engine) as session:
                outcome = self._write(session, batch)
        except Exception as exc:  # the database refused this batch: record it, keep crawling the others
            log.debug("storing %s failed", batch.source, exc_info=True)
            message = f"database error: {one_line(exc)}"
            outcome = self._record_failure(batch, message)
            self.crawler.stats.inc_value("kaisei/store_failed")
        log.debug("%s: stored %d items (%d new, %d changed) in %.3f s", batch.source, len(batch.items), outcome.new,
                  outcome.changed, time.perf_counter() - started)
        return outcome

    def _robots(self, name: str) -> Optional[tuple[str, bytes, Any]]:
        """(netloc, body, fetched_at) of the robots.txt this crawl fetched for the host of source ``name``."""
        from urllib.parse import urlsplit

        spec = getattr(self.spider, "specs", {}).get(name)
        if spec is None:
            return None
        netloc = urlsplit(spec.url).netloc
        fetched = getattr(self.spider, "robots_fetched", {}).get(netloc)
        return (netloc, *fetched) if fetched else None

    def _record_failure(self, batch: SourceBatch, message: str) -> BatchOutcome:
        """Close the source's CrawlRun as an error, in a transaction of its own, storing no update."""
        errors = [*batch.errors, message]
        try:
            with session_scope(self.spider.db_engine) as session:
                return store_source_batch(session=session, source_name=batch.source, items=[],
                                          responses=batch.responses, not_modified=batch.not_modified,
                                          errors=errors, validators={}, run_id=batch.run_id,
                                          started_at=batch.started_at)
        except Exception:
            log.debug("recording the failure of %s failed too", batch.source, exc_info=True)
            return BatchOutcome(source=batch.source, status="error", errors=len(errors),
                                message="; ".join(errors))

    def _report(self, outcome: BatchOutcome) -> None:
        report: Optional[Any] = getattr(self.spider, "report", None)
        if report is not None:
            report.add(outcome)

    async def close_spider(self) -> None:
        """Sources still waiting for an answer when the crawl stops are recorded as interrupted."""
        spider = self.spider
        await on_db_thread(spider, lambda: record_unfinished(spider, report=False))
        _report_unfinished(spider)


def _quiet(batch: SourceBatch) -> bool:
    """Every answer a 304: nothing to store but the source's CrawlRun."""
    return not batch.items and not batch.errors and batch.responses > 0 and batch.not_modified == batch.responses


def _resolve(future: asyncio.Future, outcome: BatchOutcome) -> None:
    if not future.done():  # cancelled when the crawl stopped meanwhile
        future.set_result(outcome)


def record_unfinished(spider: Any, *, report: bool = True) -> None:
    """Close the CrawlRun of every source the crawl did not finish as an error: interrupted (once per source).

    The outcomes go to ``spider.report`` at once, or with ``report=False`` are kept for ``_report_unfinished``
    (called back on the reactor's thread).
    """
    done = spider.__dict__.setdefault("recorded_unfinished", {})
    for name in spider.unfinished():
        if name in done:
            continue
        batch = spider.batches[name]
        errors = [*batch.errors, INTERRUPTED]
        try:
            with session_scope(spider.db_engine) as session:
                outcome = store_source_batch(session=session, source_name=name, items=[], responses=batch.responses,
                                             not_modified=batch.not_modified, errors=errors, validators={},
                                             run_id=batch.run_id, started_at=batch.started_at)
        except Exception:
            log.debug("recording the interruption of %s failed", name, exc_info=True)
            outcome = BatchOutcome(source=name, status="error", errors=len(errors), message="; ".join(errors))
        done[name] = outcome
    if report:
        _report_unfinished(spider)


def _report_unfinished(spider: Any) -> None:
    report = getattr(spider, "report", None)
    reported = spider.__dict__.setdefault("reported_unfinished", set())
    for name, outcome in spider.__dict__.get("recorded_unfinished", {}).items():
        if name not in reported:
            reported.add(name)
            if report is not None:
                report.add(outcome)
