"""Canonical URLs, clean titles and summaries, zone-aware times: what makes one URL one update across crawls."""

from __future__ import annotations

import logging
from typing import Any

from crawlers.normalize import canonical_url, clean_text, clean_title
from crawlers.spiders.batch import SourceBatch
from tracker.dates import JST

log = logging.getLogger(__name__)


class NormalizePipeline:
    """Put every item of a batch in the form the store compares: same announcement, same URL and text."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "NormalizePipeline":
        return cls(crawler)

    def process_item(self, batch: SourceBatch) -> SourceBatch:
        for item in batch.items:
            if item.url:
                item.url = canonical_url(item.url)
            item.title = clean_title(item.title)
            item.summary = clean_text(item.summary)
            if item.published_at is not None and item.published_at.tzinfo is None:
                # A regulator that gives no zone means Japan time (the parsers should have said so already).
                item.published_at = item.published_at.replace(tzinfo=JST)
                if self.crawler is not None:
                    self.crawler.stats.inc_value("kaisei/naive_time_as_jst")
        return batch
