"""All of kaisei's tables, in one place (SQLModel).

Times are timezone-aware and stored in UTC (``UTCDateTime``); they are shown in JST by the front ends.
Changing a table means adding an Alembic revision in ``tracker/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

UTC = dt.timezone.utc

# The states a person moves an update through; "unread" is the absence of a Status row.
STATES = ("unread", "read", "studied", "applied")
TAG_KINDS = ("department", "topic")
TAG_ORIGINS = ("model", "rule", "manual")
SOURCE_KINDS = ("feed", "html", "egov-laws")


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given for a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite has no zone type: store naive UTC so text comparison orders correctly.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _utc_field(*, nullable: bool = True, index: bool = False, default_now: bool = False) -> Any:
    kwargs: dict[str, Any] = {}
    if default_now:
        kwargs["default_factory"] = utcnow
    else:
        kwargs["default"] = None
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index), **kwargs)


class Source(SQLModel, table=True):
    """A regulator's feed, list page or API that kaisei crawls."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, unique=True))
    title: str = ""
    kind: str = Field(default="feed", max_length=20)  # feed | html | egov-laws
    url: str = ""
    language: str = Field(default="ja", max_length=10)
    settings: dict = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False, default=dict))
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    last_crawled_at: Optional[dt.datetime] = _utc_field()
    last_status: Optional[str] = None  # ok | not_modified | error
    last_error: Optional[str] = None


class Update(SQLModel, table=True):
    """One announcement of one source. One canonical URL is one update."""

    __table_args__ = (
        sa.Index("ix_update_published_at", "published_at"),
        sa.Index("ix_update_source_published", "source_id", "published_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    url: str = Field(sa_column=sa.Column(sa.String(2048), nullable=False, unique=True))
    title: str = ""
    summary: str = ""
    body: str = ""
    published_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    fetched_at: dt.datetime = _utc_field(nullable=False, default_now=True)
    changed_at: Optional[dt.datetime] = _utc_field()  # last time a re-crawl saw a new revision
    content_hash: str = Field(default="", max_length=64)
    revision: int = 1
    effective_on: Optional[dt.date] = Field(default=None, index=True)
    deadline_on: Optional[dt.date] = Field(default=None, index=True)
    language: str = Field(default="ja", max_length=10)
    tagged_at: Optional[dt.datetime] = _utc_field()
    tagger_version: Optional[str] = None
    # The dates the tagger filled in, as it filled them ({"effective_on": "2026-04-01"}): a date still equal to its
    # entry here is the tagger's and is recomputed by retag; any other (a source's, a person's) is never touched.
    tagger_dates: Optional[dict] = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))


class UpdateRevision(SQLModel, table=True):
    """A prior version of an update, kept when a re-crawl finds its title or content changed."""

    id: Optional[int] = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="update.id", index=True)
    revision: int
    title: str = ""
    summary: str = ""
    content_hash: str = Field(default="", max_length=64)
    fetched_at: Optional[dt.datetime] = _utc_field()
    superseded_at: dt.datetime = _utc_field(nullable=False, default_now=True)


class Tag(SQLModel, table=True):
    """A department or topic given to an update, by the model, a rule or a person.

    A manual tag with ``negated=True`` removes that label whatever the model says; manual tags win.
    """

    __table_args__ = (sa.UniqueConstraint("update_id", "kind", "label", "origin", name="uq_tag"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="update.id", index=True)
    kind: str = Field(max_length=20)  # department | topic
    label: str = Field(max_length=50, index=True)
    score: float = 1.0
    origin: str = Field(default="model", max_length=10)  # model | rule | manual
    negated: bool = False
    reason: Optional[str] = None  # why it was given: rule hits, model score, who set it
    created_at: dt.datetime = _utc_field(nullable=False, default_now=True)


class Department(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=50)
    name_ja: str = ""
    name_en: str = ""
    position: int = 0


class Person(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    handle: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, unique=True))
    name: str = ""
    email: str = ""
    active: bool = True
    lang: Optional[str] = Field(default=None, max_length=10)  # ja | en; None = the configured default
    created_at: dt.datetime = _utc_field(nullable=False, default_now=True)


class Membership(SQLModel, table=True):
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    department_key: str = Field(foreign_key="department.key", primary_key=True, max_length=50)


class Status(SQLModel, table=True):
    """A person's current state for an update. No row means unread."""

    __table_args__ = (sa.Index("ix_status_update", "update_id"),)

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    update_id: int = Field(foreign_key="update.id", primary_key=True)
    state: str = Field(max_length=10)  # read | studied | applied
    note: Optional[str] = None
    at: dt.datetime = _utc_field(nullable=False, default_now=True)


class StatusEvent(SQLModel, table=True):
    """Append-only history of every status transition: the audit trail. Never updated or deleted."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    update_id: int = Field(foreign_key="update.id", index=True)
    from_state: str = Field(max_length=10)
    to_state: str = Field(max_length=10)
    note: Optional[str] = None
    at: dt.datetime = _utc_field(nullable=False, default_now=True, index=True)


class CrawlRun(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    started_at: dt.datetime = _utc_field(nullable=False, default_now=True)
    finished_at: Optional[dt.datetime] = _utc_field()
    status: str = Field(default="running", max_length=20)  # running | ok | not_modified | error
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0  # 1 when the source answered 304
    errors: int = 0
    message: Optional[str] = None


class DigestDelivery(SQLModel, table=True):
    """One update sent to one person by a digest: a digest never sends the same update twice."""

    __table_args__ = (sa.UniqueConstraint("person_id", "update_id", "kind", name="uq_digest_delivery"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    update_id: int = Field(foreign_key="update.id", index=True)
    kind: str = Field(default="new", max_length=20)  # new | revised:N | reminder:YYYY-MM-DD
    # The update's revision the mail was built from: what the person was shown, whatever a crawl stored meanwhile
    # (the Revised section owes them any later one). Rows from before it was kept hold the revision in effect
    # when they were sent.
    revision: int
    sent_at: dt.datetime = _utc_field(nullable=False, default_now=True)
    message_id: Optional[str] = None


class JobRun(SQLModel, table=True):
    """One run of a scheduled job of ``kaisei serve`` (crawl, digest): what ``kaisei service status`` shows."""

    id: Optional[int] = Field(default=None, primary_key=True)
    job: str = Field(max_length=100, index=True)
    started_at: dt.datetime = _utc_field(nullable=False, default_now=True)
    finished_at: Optional[dt.datetime] = _utc_field()
    result: str = Field(default="running", max_length=20)  # running | ok | error | skipped
    message: Optional[str] = None
    host: Optional[str] = None
    pid: Optional[int] = None
