"""App-wide messages: workers post these to the screen that asked, carrying the data they loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from textual.message import Message


@dataclass
class InboxPageLoaded(Message):
    """A page of the inbox (``rows``, QueueRow) starting at ``offset``; ``generation`` names the filter it is for."""

    generation: int
    offset: int
    rows: list[Any]
    limit: int


@dataclass
class CountsLoaded(Message):
    """state → count of the person's queue."""

    generation: int
    counts: dict[str, int]


@dataclass
class StatusChanged(Message):
    """A person's state on an update changed (``state``), or did not (``state`` is None)."""

    update_id: int
    state: Optional[str]
    title: str = ""


@dataclass
class TagsChanged(Message):
    update_id: int
    departments: list[str]


@dataclass
class DetailLoaded(Message):
    detail: Any


@dataclass
class RowsLoaded(Message):
    """Rows for one of the list screens (deadlines, team, sources)."""

    kind: str
    rows: list[Any]


@dataclass
class ChoicesLoaded(Message):
    """What the filter modal offers: departments and sources."""

    departments: list[Any]
    sources: list[tuple[str, str]]


@dataclass
class CrawlProgress(Message):
    """One line of output from the running ``kaisei crawl``."""

    line: str


@dataclass
class CrawlFinished(Message):
    returncode: int
    lines: list[str] = field(default_factory=list)


@dataclass
class PeopleLoaded(Message):
    people: list[Any]
