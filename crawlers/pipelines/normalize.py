"""Canonical URLs, clean titles and summaries, zone-aware times: what makes one URL one update across crawls.

``normalize_item`` is the one definition. The spider applies it, with the content hash, right where a body is
parsed (in a parser worker process when the crawl has a pool: it is CPU work); this pipeline applies it to any
batch that arrives unnormalized, so the store always compares like with like.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Optional

from crawlers.normalize import believable_published_at, canonical_url, clean_text, clean_title, is_clean
from crawlers.spiders.batch import SourceBatch
from tracker.dates import JST

log = logging.getLogger(__name__)


def _clean(text: Any, cleaner: Any) -> str:
    """``cleaner(text)``, skipped for text it would return unchanged (parsers usually clean already)."""
    if isinstance(text, str) and is_clean(text):
        return text
    return cleaner(text)


def normalize_item(item: Any, *, now: Optional[dt.datetime] = None) -> bool:
    """Normalize ``item`` in place; True when its time had no zone and was read as JST.

    A publication time the crawl at ``now`` (default: this moment, which is when the body was just fetched) cannot
    believe — before 1900, more than two days ahead — is dropped (:func:`crawlers.normalize.believable_published_at`).
    """
    if item.url:
        item.url = canonical_url(item.url)
    item.title = _clean(item.title, clean_title)
    item.summary = _clean(item.summary, clean_text)
    naive = item.published_at is not None and item.published_at.tzinfo is None
    if naive:
        # A regulator that gives no zone means Japan time, a fixed +09:00 (the parsers should have said so already).
        item.published_at = item.published_at.replace(tzinfo=JST)
    if item.published_at is not None:
        item.published_at = believable_published_at(item.published_at, now or dt.datetime.now(dt.timezone.utc))
    return naive


class NormalizePipeline:
    """Put every item of a batch in the form the store compares: same announcement, same URL and text."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "NormalizePipeline":
        return cls(crawler)

    def process_item(self, batch: SourceBatch) -> SourceBatch:
        if batch.normalized:
            return batch
        for item in batch.items:
            if normalize_item(item) and self.crawler is not None:
                self.crawler.stats.inc_value("kaisei/naive_time_as_jst")
        batch.hashes = {}  # computed before normalizing, if at all: the store hashes again
        batch.normalized = True
        return batch
