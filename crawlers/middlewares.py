"""Downloader middlewares: conditional GET, retries that back off, and robots.txt obeyed by every request.

The spider puts a URL's stored validators in ``request.meta["kaisei_validators"]`` (a ``tracker.store.Validators``);
``ConditionalGetMiddleware`` turns them into If-None-Match / If-Modified-Since so that an unchanged source costs
one 304. ``BackoffRetryMiddleware`` is Scrapy's retry with a growing pause before each new attempt, so a
struggling server is not hit again at once.
"""

from __future__ import annotations

import logging
from typing import Any, Optional
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from tracker.models import utcnow

log = logging.getLogger(__name__)

VALIDATORS_META = "kaisei_validators"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309's parsing limit: a larger robots.txt is not kept
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


class RobotsTxtObeyingMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, obeyed by every request that waits for a host's robots.txt.

    Scrapy 2.19 lets each waiting request await the one shared Deferred of the robots.txt download; under the
    asyncio reactor, turning a Deferred into a Future consumes its result, so only the first waiter sees the
    parsed rules and the others get None, which Scrapy reads as "no robots.txt: allowed". With several sources on
    one host that fetched disallowed pages. Here each waiter gets a Deferred of its own, fired with the rules.
    """

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            # Fetched by a crawl less than a day ago (tracker.store.cached_robots): obeyed without asking again.
            cached = (getattr(self.crawler.spider, "robots_cache", None) or {}).get(netloc)
            if cached is not None:
                self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, cached)
                self._stats.inc_value("kaisei/robots_cached")
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            own: Deferred = Deferred()

            def relay(result: Any) -> Any:
                own.callback(result)
                return result

            pending.addCallback(relay)
            return await maybe_deferred_to_future(own)
        return await super().robot_parser(request)

    def process_response(self, request: Request, response: Response) -> Response:
        """Keep the robots.txt this crawl fetched for the next crawls: a robots.txt (200), or "no robots.txt"
        (4xx: everything allowed, RFC 9309). A server error or a failed download is asked again next time."""
        if not request.meta.get("dont_obey_robotstxt") or not request.url.endswith("/robots.txt"):
            return response
        if response.status == 200 and len(response.body) <= ROBOTS_MAX_BYTES:
            body = response.body
        elif 400 <= response.status < 500:
            body = b""
        else:
            return response
        first_url = (request.meta.get("redirect_urls") or [request.url])[0]  # the host asked, before redirects
        fetched = getattr(self.crawler.spider, "robots_fetched", None)
        if fetched is not None:
            fetched[urlsplit(first_url).netloc] = (body, utcnow())
        return response
