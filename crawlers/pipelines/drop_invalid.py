"""Items no one could use — no http(s) link or no title — are left out and counted, not stored."""

from __future__ import annotations

import logging
from typing import Any

from crawlers.spiders.batch import SourceBatch

log = logging.getLogger(__name__)

MAX_URL_LENGTH = 2048  # Update.url's column size


class DropInvalidPipeline:
    """Keep the items that have a title and a fetchable link."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DropInvalidPipeline":
        return cls(crawler)

    def process_item(self, batch: SourceBatch) -> SourceBatch:
        kept = []
        for item in batch.items:
            reason = self._problem(item)
            if reason is None:
                kept.append(item)
                continue
            log.debug("%s: left out an item (%s): %r", batch.source, reason, item.url or item.title)
            if self.crawler is not None:
                self.crawler.stats.inc_value(f"kaisei/dropped/{reason}")
        batch.items = kept
        return batch

    @staticmethod
    def _problem(item: Any) -> str | None:
        url = item.url or ""
        if not url.startswith(("http://", "https://")):
            return "no_link"
        if len(url) > MAX_URL_LENGTH:
            return "link_too_long"
        if not item.title:
            return "no_title"
        return None
