"""Downloader middlewares: conditional GET and retries that back off.

The spider puts a URL's stored validators in ``request.meta["kaisei_validators"]`` (a ``tracker.store.Validators``);
``ConditionalGetMiddleware`` turns them into If-None-Match / If-Modified-Since so that an unchanged source costs
one 304. ``BackoffRetryMiddleware`` is Scrapy's retry with a growing pause before each new attempt, so a
struggling server is not hit again at once.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response

log = logging.getLogger(__name__)

VALIDATORS_META = "kaisei_validators"
BACKOFF_META = "kaisei_backoff"


class ConditionalGetMiddleware:
    """Ask only for what changed since the last crawl: the stored ETag and Last-Modified go back to the server."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ConditionalGetMiddleware":
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        validators = request.meta.get(VALIDATORS_META)
        if not validators:
            return None
        if validators.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = validators.etag
        if validators.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = validators.last_modified
        if self.crawler is not None:
            self.crawler.stats.inc_value("kaisei/conditional_requests")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and self.crawler is not None:
            self.crawler.stats.inc_value("kaisei/not_modified")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (same settings and reasons) with a pause of base × 2ⁿ⁻¹ seconds before the n-th retry."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("KAISEI_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("KAISEI_RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request: Request, reason: Any) -> Optional[Request]:
        retry = super()._retry(request, reason)
        if retry is not None and self.backoff_base > 0:
            attempt = retry.meta.get("retry_times", 1)
            retry.meta[BACKOFF_META] = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
        return retry

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop(BACKOFF_META, None)
        if delay:
            from twisted.internet import reactor
            from twisted.internet.task import deferLater
            from scrapy.utils.defer import maybe_deferred_to_future

            log.debug("waiting %.1f s before retrying %s", delay, request.url)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None
