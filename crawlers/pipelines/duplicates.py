"""One URL is one update: a URL listed twice (in one source, or by two sources of one crawl) is kept once."""

from __future__ import annotations

import logging
from typing import Any

from crawlers.spiders.batch import SourceBatch

log = logging.getLogger(__name__)


class DuplicatesPipeline:
    """Keep the first item of each canonical URL; the first source to list a URL in a crawl keeps it."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler
        self.claimed: dict[str, str] = {}  # url → source that listed it first in this crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DuplicatesPipeline":
        return cls(crawler)

    def process_item(self, batch: SourceBatch) -> SourceBatch:
        kept = []
        for item in batch.items:
            owner = self.claimed.get(item.url)
            if owner is None:
                self.claimed[item.url] = batch.source
                kept.append(item)
            else:
                if owner != batch.source:
                    batch.also_listed += 1  # read, so counted as fetched; stored (and revised) by its owner only
                if self.crawler is not None:
                    kind = "same_source" if owner == batch.source else "other_source"
                    self.crawler.stats.inc_value(f"kaisei/duplicates/{kind}")
        batch.items = kept
        return batch
