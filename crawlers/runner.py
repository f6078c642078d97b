"""Running a crawl: one ``CrawlerProcess`` per process, because Twisted's reactor cannot be started twice.

``run_crawl`` crawls in the current process (``kaisei crawl`` calls it) and returns a ``CrawlReport``. Anything
that crawls more than once — the service, the tests, the benchmark — runs each crawl in a child process with
``run_crawl_subprocess`` (which is ``kaisei crawl`` itself).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from sqlalchemy.engine import Engine

from tracker.config import Settings
from tracker.db import session_scope
from tracker.errors import CrawlError
from tracker.models import utcnow
from tracker.store import BatchOutcome, cached_robots, prepare_crawl, source_validators

log = logging.getLogger(__name__)

_reactor_used = False
_SCRAPY_LOGGERS = ("scrapy", "twisted", "filelock", "hpack")


@dataclass
class CrawlReport:
    """What a crawl did, one outcome per source, in the order the sources finished."""

    outcomes: list[BatchOutcome] = field(default_factory=list)
    started_at: dt.datetime = field(default_factory=utcnow)
    finished_at: Optional[dt.datetime] = None
    elapsed: float = 0.0
    close_reason: Optional[str] = None
    tagging_errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    on_outcome: Optional[Callable[[BatchOutcome], None]] = field(default=None, repr=False)

    def add(self, outcome: BatchOutcome) -> None:
        self.outcomes.append(outcome)
        if self.on_outcome is not None:
            try:
                self.on_outcome(outcome)
            except Exception:  # a broken progress display must not lose the crawl
                log.debug("progress callback failed", exc_info=True)

    @property
    def failed(self) -> list[BatchOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    @property
    def interrupted(self) -> bool:
        return self.close_reason not in (None, "finished")

    def totals(self) -> dict[str, int]:
        keys = ("fetched", "new", "changed", "unchanged", "errors")
        return {k: sum(getattr(o, k) for o in self.outcomes) for k in keys}


def run_crawl(*, engine: Engine, specs: Sequence[Any], settings: Settings, tag: bool = True,
              scrapy_overrides: Optional[dict[str, Any]] = None,
              progress: Optional[Callable[[BatchOutcome], None]] = None,
              today: Optional[dt.date] = None, parse_workers: Optional[int] = None) -> CrawlReport:
    """Crawl ``specs`` (registry SourceSpecs) into the database of ``engine``; tag what is new unless ``tag``
    is false. Runs Scrapy's reactor in this process: callable once per process (``CrawlError`` otherwise).

    ``parse_workers``: processes that parse bodies (None: one per CPU for 8 sources or more; 0: none).
    """
    global _reactor_used
    if _reactor_used:
        raise CrawlError("a crawl already ran in this process (Twisted's reactor cannot restart); "
                         "use crawlers.runner.run_crawl_subprocess")
    specs = list(specs)
    report = CrawlReport(on_outcome=progress)
    if not specs:
        report.finished_at, report.close_reason = utcnow(), "finished"
        return report

    with session_scope(engine) as session:
        sources = prepare_crawl(session=session, specs=specs)
    validators = {name: source_validators(source) for name, source in sources.items()}
    robots = cached_robots(sources.values())
    run_ids = {name: source.run_id for name, source in sources.items()}
    log.debug("%d sources ready to crawl", len(specs))

    from crawlers.settings import scrapy_settings
    from crawlers.spiders.parse_pool import start_parse_pool
    from crawlers.spiders.sources import SourcesSpider

    _reactor_used = True
    # Parser workers are forked on the first body to parse: a re-crawl answered only by 304s starts none.
    pool = start_parse_pool(sources=len(specs), workers=parse_workers, lazy=True)
    levels = {name: logging.getLogger(name).level for name in _SCRAPY_LOGGERS}
    process = _crawl_process_class()(scrapy_settings(settings.crawl, overrides=scrapy_overrides))
    # Scrapy sets its own loggers to DEBUG; the levels the application chose win.
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    crawler = process.create_crawler(SourcesSpider)

    def stop_now() -> None:
        from crawlers.pipelines.store import record_unfinished

        report.close_reason = "shutdown"
        if crawler.spider is not None:
            record_unfinished(crawler.spider)

    process.on_force_stop = stop_now
    started = time.perf_counter()
    # Database writes (and tagging) run on one thread of their own, in order, while the reactor downloads.
    db_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaisei-db")
    process.crawl(crawler, specs=specs, validators=validators, run_ids=run_ids, today=today,
                  db_engine=engine, report=report, tag=tag, parse_pool=pool, db_executor=db_executor,
                  robots_cache=robots)
    # Everything loaded so far (Scrapy, Twisted, SQLAlchemy, the settings) lives as long as the process: out of
    # the collector's sight, a crawl's full collections no longer walk it (0.15-0.2 s of a 60-feed crawl).
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        # Batches already handed over are written to the end: a transaction is never cut short by us.
        db_executor.shutdown(wait=True)
    report.elapsed = time.perf_counter() - started
    report.finished_at = utcnow()
    report.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    report.close_reason = report.stats.get("finish_reason") or report.close_reason
    log.info("crawl of %d sources finished (%s) in %.1f s", len(specs), report.close_reason, report.elapsed)
    return report


# After SIGINT/SIGTERM, Scrapy stops gracefully, which waits for every download in flight (up to the timeout).
# Each source is stored in a transaction of its own, so after this grace the crawl stops at once instead.
SHUTDOWN_GRACE = 1.0


def _crawl_process_class() -> type:
    from scrapy.crawler import CrawlerProcess

    class CrawlProcess(CrawlerProcess):
        """Scrapy's process, with a graceful stop that lasts ``SHUTDOWN_GRACE`` seconds at most."""

        on_force_stop: Optional[Callable[[], None]] = None
        _forced = False

        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            from twisted.internet import reactor

            super()._signal_shutdown(signum, frame)
            reactor.callFromThread(reactor.callLater, SHUTDOWN_GRACE, self._force_stop)

        def _signal_kill(self, signum: int, frame: Any) -> None:
            # A second SIGINT/SIGTERM during the grace: stop now, as Scrapy does, but through _force_stop so the
            # sources still waiting are recorded as interrupted and the crawl reports it (exit 130, not 0).
            import signal

            from scrapy.utils.ossignal import install_shutdown_handlers
            from twisted.internet import reactor

            install_shutdown_handlers(signal.SIG_IGN)
            reactor.callFromThread(self._force_stop)

        def _force_stop(self) -> None:
            if self._forced:
                return
            self._forced = True
            log.info("stopping the crawl now: downloads still in flight are abandoned")
            try:
                if self.on_force_stop is not None:
                    self.on_force_stop()
            finally:
                self._stop_reactor()

    return CrawlProcess


def crawl_command(*, db_url: Optional[str] = None, sources_file: Optional[Path | str] = None,
                  only: Iterable[str] = (), config: Optional[Path | str] = None, tag: bool = True,
                  python: Optional[str] = None) -> list[str]:
    """The argv of ``kaisei crawl`` with these options, run with this interpreter."""
    argv = [python or sys.executable, "-m", "tracker", "crawl"]
    if db_url:
        argv += ["--db", db_url]
    if config:
        argv += ["--config", str(config)]
    if sources_file:
        argv += ["--sources", str(sources_file)]
    for name in only:
        argv += ["--only", name]
    if not tag:
        argv.append("--no-tag")
    return argv


def run_crawl_subprocess(*, db_url: Optional[str] = None, sources_file: Optional[Path | str] = None,
                         only: Iterable[str] = (), config: Optional[Path | str] = None, tag: bool = True,
                         env: Optional[dict[str, str]] = None, timeout: Optional[float] = None,
                         capture: bool = True) -> subprocess.CompletedProcess:
    """Run ``kaisei crawl`` in a child process (a fresh reactor each time) and return its result.

    Exit code 0: every source succeeded; 1: some failed (named on stderr, the rest stored); 130: interrupted.
    """
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(crawl_command(db_url=db_url, sources_file=sources_file, only=only, config=config,
                                        tag=tag),
                          env=full_env, timeout=timeout, capture_output=capture, text=True)
