"""What a parser yields for one entry of a source: the contract between parsers, spiders and the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class UpdateItem:
    """One announcement as read from a feed, list page or API, before it is stored.

    ``published_at`` is timezone-aware (a Japanese source's zone-less time is JST). ``deadline_on`` and
    ``effective_on`` are set when the source states them in a structured way (e-Gov パブコメ's 受付締切日時,
    the law API's EnforcementDate); otherwise the tagger extracts them from the text.
    """

    source: str
    url: str
    title: str
    summary: str = ""
    published_at: Optional[dt.datetime] = None
    effective_on: Optional[dt.date] = None
    deadline_on: Optional[dt.date] = None
    language: str = "ja"
    categories: list[str] = field(default_factory=list)
