"""Parsing off the reactor: a pool of worker processes for crawls of many sources.

feedparser and lxml are pure CPU work under the GIL; parsed in the reactor's thread, sixty feeds cost as much as
downloading them one after the other. Worker processes parse while the reactor keeps downloading. The pool forks
from the crawl process before the reactor starts (the parsers are already imported, so workers are ready at
once); where fork is not available, or for a handful of sources, parsing stays in the reactor's thread.

``crawlers.runner`` asks for a lazy pool: it forks on the first body to parse, so a re-crawl answered only by 304s
(nothing to parse) pays for no imports, forks or worker start-ups.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:  # multiprocessing is imported on the first fork: a re-crawl of 304s never loads it
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

# Below this many sources the pool's start costs more than it saves.
MIN_SOURCES = 8
MAX_WORKERS = 4


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the crawl process decides how to stop, workers just finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # The inherited heap (Scrapy, SQLAlchemy …) never becomes garbage here: keep the collector off it, so parsing
    # does not pay for scanning it (and its pages stay shared with the crawl process).
    gc.freeze()


def _ready() -> bool:
    return True


class LazyParsePool(Executor):
    """A process pool forked on its first ``submit``, not before: a crawl with nothing to parse forks nothing.

    The fork then happens while the reactor and the database thread run. That is safe here because a worker only
    parses: it never touches the inherited database connections (nor the reactor), and it leaves through
    ``os._exit``, which closes nothing of the crawl process's.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: "Optional[ProcessPoolExecutor]" = None
        self._closed = False

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        if self._closed:
            raise RuntimeError("cannot schedule new futures after shutdown")
        if self.pool is None:
            self.pool = _fork_pool(self.workers)
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._closed = True
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _fork_pool(workers: int) -> "ProcessPoolExecutor":
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Import the parsers here so that forked workers have them loaded already.
    import crawlers.parsers.egov_laws  # noqa: F401
    import crawlers.parsers.feed  # noqa: F401
    import crawlers.parsers.html  # noqa: F401
    import crawlers.spiders.reading  # noqa: F401

    log.debug("parsing in %d worker processes", workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init)


def start_parse_pool(*, sources: int, workers: Optional[int] = None,
                     before_fork: Optional[Callable[[], None]] = None, lazy: bool = False) -> Optional[Executor]:
    """A started pool of parser processes, or None when parsing should stay in the reactor's thread.

    ``workers``: None picks one per CPU (at most 4) for crawls of at least 8 sources; 0 turns the pool off.
    Call it before the reactor runs; ``before_fork`` is called first when a pool is started (close the database
    engine's connections there: a forked child must not share a live database socket). ``lazy``: a
    ``LazyParsePool`` that forks on its first submit (``before_fork`` is then not called).
    """
    if workers is None:
        # The CPUs this process may run on (a container or taskset may allow fewer than the machine has).
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        workers = min(cpus, MAX_WORKERS) if sources >= MIN_SOURCES and cpus > 1 else 0
    if workers <= 0 or not hasattr(os, "fork"):
        return None
    if lazy:
        return LazyParsePool(workers)
    if before_fork is not None:
        before_fork()
    pool = _fork_pool(workers)
    # A first submit forks a worker now, before the reactor starts threads of its own.
    pool.submit(_ready)
    return pool
