"""Scrapy's downloader, holding to its per-host concurrency when there is no download delay.

Scrapy 2.13+ pops a request off a host's queue and starts its download on a later turn of the event loop; only
then is it counted as transferring. With ``DOWNLOAD_DELAY = 0`` nothing stops the loop in between, so every
request queued for a host was started at once: three or four at a time to one server although
``CONCURRENT_REQUESTS_PER_DOMAIN`` is 1 (measured by bench/crawl.py). Here a popped request counts as transferring
at once. With a delay Scrapy already waits after each request; the behaviour is then the same as Scrapy's.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import Any

from scrapy.core.downloader import Downloader

log = logging.getLogger(__name__)


class OneAtATimeDownloader(Downloader):
    """``Downloader`` whose per-host limit holds even without a download delay."""

    def _process_queue(self, slot: Any) -> None:
        if not hasattr(self, "_wait_for_download"):  # an older Scrapy downloads synchronously: no gap to close
            super()._process_queue(slot)
            return
        from scrapy.utils.asyncio import call_later
        from scrapy.utils.defer import _schedule_coro

        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            # Counted now, not when the download task first runs: the next free_transfer_slots() must see it.
            # Scrapy's _download adds it again (a set) and removes it when the download ends.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:  # one request per delay, as Scrapy does
                self._process_queue(slot)
                break
