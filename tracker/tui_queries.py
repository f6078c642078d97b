"""Read-side queries the TUI needs that the domain modules do not already offer (no textual here).

Each function is keyword-only, takes a session and returns plain dataclasses, so the TUI never builds a query.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.errors import NotFoundError
from tracker.models import CrawlRun, Source, Update

log = logging.getLogger(__name__)


@dataclass
class SourceOverview:
    """One source as the Sources screen shows it: its last crawl and how many updates it has given."""

    name: str
    title: str
    kind: str
    url: str
    last_crawled_at: Optional[dt.datetime]
    last_status: Optional[str]
    last_error: Optional[str]
    items: int
    last_run_new: Optional[int] = None
    last_run_changed: Optional[int] = None
    last_run_message: Optional[str] = None


def source_overview(*, session: Session) -> list[SourceOverview]:
    """Every source by name, with its last crawl status and error and its number of updates.

    The item counts are one grouped query on the ``update.source_id`` index; the last runs one query on
    ``crawlrun`` (the newest per source), so the screen costs a few queries whatever the corpus size.
    """
    counts = dict(session.exec(select(Update.source_id, sa.func.count()).group_by(Update.source_id)).all())
    newest = (select(CrawlRun.source_id, sa.func.max(CrawlRun.id).label("run_id"))
              .group_by(CrawlRun.source_id).subquery())
    runs = {run.source_id: run for run in session.exec(
        select(CrawlRun).join(newest, newest.c.run_id == CrawlRun.id)).all()}
    result = []
    for source in session.exec(select(Source).order_by(Source.name)).all():
        run = runs.get(source.id)
        last_status = source.last_status or (run.status if run else None)
        last_error = source.last_error or (run.message if run is not None and run.status == "error" else None)
        result.append(SourceOverview(
            name=source.name, title=source.title, kind=source.kind, url=source.url,
            last_crawled_at=source.last_crawled_at or (run.finished_at or run.started_at if run else None),
            last_status=last_status, last_error=last_error, items=counts.get(source.id, 0),
            last_run_new=run.new if run else None, last_run_changed=run.changed if run else None,
            last_run_message=run.message if run else None))
    return result


def source_choices(*, session: Session) -> list[tuple[str, str]]:
    """(name, title) of every source, for a filter list."""
    return [(name, title) for name, title in session.exec(select(Source.name, Source.title).order_by(Source.name))]


@dataclass
class UpdateWithSource:
    """An update and the source it came from, for the Detail screen."""

    update: Update
    source_name: str
    source_title: str


def update_with_source(*, session: Session, update_id: int) -> UpdateWithSource:
    """The update ``update_id`` and its source's name and title."""
    row = session.exec(select(Update, Source.name, Source.title).join(Source, Source.id == Update.source_id)
                       .where(Update.id == update_id)).first()
    if row is None:
        raise NotFoundError(f"unknown update {update_id}", ja=f"更新 {update_id} は見つかりません")
    update, name, title = row
    return UpdateWithSource(update=update, source_name=name, source_title=title)
