"""Running a pipeline's database work on the crawl's database thread, so the reactor keeps downloading.

All writes go through one thread (``spider.db_executor``, created by ``crawlers.runner``) and so happen one at a
time, in the order the batches arrive: SQLite never sees two writers, and a source's tags follow its updates.
Without an executor (a pipeline used on its own, as in unit tests) the work runs inline.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

T = TypeVar("T")


async def on_db_thread(spider: Any, func: Callable[[], T]) -> T:
    """``func()`` on the spider's database thread (awaited without blocking the reactor), or inline."""
    executor = getattr(spider, "db_executor", None)
    if executor is None:
        return func()
    return await asyncio.wrap_future(executor.submit(func))
