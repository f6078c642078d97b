"""What the spider hands to the pipelines: everything one source brought in one crawl.

Pipelines work on whole batches, not single items, so that a source's updates are stored in one transaction
together with its CrawlRun: an interrupted crawl leaves each source either fully stored or untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from crawlers.items import UpdateItem


@dataclass
class SourceBatch:
    """One source's items and how its requests went."""

    source: str
    items: list[UpdateItem] = field(default_factory=list)
    responses: int = 0  # answers read (200, 304, or an empty-day 404 of the law API)
    not_modified: int = 0  # of which 304
    not_found: int = 0  # of which a law-API 404 (a day without updates)
    urls: int = 0  # how many URLs the source asks for
    errors: list[str] = field(default_factory=list)  # one line per failed request or unreadable body
    also_listed: int = 0  # items dropped because another source of the crawl listed their URL first
    validators: dict[str, Any] = field(default_factory=dict)  # URL → tracker.store.Validators from 200 answers
    normalized: bool = False  # items went through crawlers.pipelines.normalize.normalize_item
    hashes: dict[str, str] = field(default_factory=dict)  # canonical URL → content hash, computed with the parse
    started_at: Optional[dt.datetime] = None
    run_id: Optional[int] = None
    # Filled by the store pipeline: the outcome as stored (tracker.store.BatchOutcome).
    outcome: Any = None
