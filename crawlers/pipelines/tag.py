"""New and changed updates get their departments, topics and dates from the tagger right after they are stored."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from crawlers.parsers import one_line
from crawlers.pipelines.offload import on_db_thread
from crawlers.spiders.batch import SourceBatch
from tracker.db import session_scope
from tracker.models import Source, Update

log = logging.getLogger(__name__)

# A source's updates left untagged by an earlier crawl (stopped, or run with --no-tag) are picked up too, a few
# at a time so that one crawl never turns into a long re-tagging.
BACKLOG_PER_SOURCE = 200


class TagPipeline:
    """Call ``tracker.tagging.tag_updates`` on a batch's new and changed updates (skipped when ``spider.tag`` is
    false). A tagger failure is logged and counted; the updates stay stored and are tagged by a later crawl."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler
        self._tag_updates: Any = None
        self._unavailable = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> "TagPipeline":
        return cls(crawler)

    def _tagger(self) -> Any:
        if self._tag_updates is None and not self._unavailable:
            try:
                from tracker.tagging import tag_updates
            except ImportError as exc:
                self._unavailable = True
                log.warning("updates are stored untagged: the tagger cannot be loaded (%s)", one_line(exc))
            else:
                self._tag_updates = tag_updates
        return self._tag_updates

    async def process_item(self, batch: SourceBatch) -> SourceBatch:
        spider = self.crawler.spider
        if not getattr(spider, "tag", True) or batch.outcome is None:
            return batch
        tag_updates = self._tagger()
        if tag_updates is None:
            return batch
        problem = await on_db_thread(spider, lambda: self._tag(batch, tag_updates))
        if problem:
            report = getattr(spider, "report", None)
            if report is not None:
                report.tagging_errors.append(f"{batch.source}: {problem}")
        return batch

    def _tag(self, batch: SourceBatch, tag_updates: Any) -> str | None:
        """Tag the batch's new and changed updates, and a few the source left untagged before (database thread);
        the problem in one line when the tagger failed."""
        spider = self.crawler.spider
        outcome = batch.outcome
        try:
            with session_scope(spider.db_engine) as session:
                ids = list(outcome.touched_ids)
                backlog = session.exec(
                    select(Update.id).join(Source, Source.id == Update.source_id)
                    .where(Source.name == batch.source, Update.tagged_at.is_(None))
                    .where(Update.id.not_in(ids) if ids else sa.true())
                    .order_by(Update.id.desc()).limit(BACKLOG_PER_SOURCE)
                ).all()
                ids.extend(backlog)
                if not ids:
                    return None
                updates = list(session.exec(select(Update).where(Update.id.in_(ids))).all())
                tag_updates(session=session, updates=updates)
            self.crawler.stats.inc_value("kaisei/tagged", len(updates))
        except Exception as exc:  # the updates are stored; tagging can be redone with `kaisei retag`
            log.warning("%s: tagging failed, the updates stay untagged: %s", batch.source, one_line(exc))
            log.debug("tagging %s failed", batch.source, exc_info=True)
            self.crawler.stats.inc_value("kaisei/tag_failed")
            return one_line(exc)
        return None
