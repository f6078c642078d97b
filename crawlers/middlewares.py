"""Downloader middlewares: conditional GET, retries that back off, and robots.txt obeyed by every request.

The spider puts a URL's stored validators in ``request.meta["kaisei_validators"]`` (a ``tracker.store.Validators``);
``ConditionalGetMiddleware`` turns them into If-None-Match / If-Modified-Since so that an unchanged source costs
one 304. ``BackoffRetryMiddleware`` is Scrapy's retry with a growing pause before each new attempt, so a
struggling server is not hit again at once. ``DeadHostMiddleware`` stops a crawl from knocking, request after
request, on a host that cannot be reached at all.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet import error as net_error
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from tracker.models import utcnow

log = logging.getLogger(__name__)

VALIDATORS_META = "kaisei_validators"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309's parsing limit: a larger robots.txt is not kept
BACKOFF_META = "kaisei_backoff"
PROBE_META = "kaisei_probe"  # the (host, port) this request finds out about


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


class HostUnreachable(Exception):
    """A request not sent: its host could not be connected to earlier in this crawl.

    Raised as the same kind of error as that first failure (the classes below), so that it is reported in the same
    words (``crawlers.spiders.sources.describe_failure``) and a source with several URLs on the host gets one reason,
    not one per URL. The message adds "(host already failed in this crawl)".
    """


class HostRefused(HostUnreachable, DownloadConnectionRefusedError):
    pass


class HostNotFound(HostUnreachable, CannotResolveHostError):
    pass


class HostTimedOut(HostUnreachable, DownloadTimeoutError):
    pass


_REFUSED = (DownloadConnectionRefusedError, net_error.ConnectionRefusedError)
_NOT_FOUND = (CannotResolveHostError, net_error.DNSLookupError)
_CONNECT_TIMEOUT = (net_error.TCPTimedOutError, net_error.TimeoutError)  # Twisted's own connect timeouts
ALREADY_FAILED = "host already failed in this crawl"


@dataclass
class _Host:
    open: bool = False  # requests go through: the host was connected to, answered, or its first request settled
    probing: bool = False  # one request (and its retries) is finding out whether the host can be connected to
    failure: Optional[tuple[type[HostUnreachable], str]] = None  # once a request failed for good: how, and why
    waiting: list[Deferred] = field(default_factory=list)


# How often a request waiting for its host's first answer checks whether the crawl is closing.
WAIT_CHECK_INTERVAL = 0.5


class DeadHostMiddleware:
    """Within one crawl, once a request could not connect to its host (host and port) — connection refused, no such
    host, no connection before the timeout — and its retries are spent, the other requests for that host fail at
    once with the same reason, unsent. An HTTP error, a slow page, a too-large body or robots.txt never count: the
    host answered.

    Until a host has been connected to, its first request goes alone and the others wait for it, so a host down
    from the start is knocked on only as often as that one request is tried. A waiting request holds one of
    ``CONCURRENT_REQUESTS``; at most all but one of them wait, so the first request's retry, which comes back
    through the scheduler, always finds room.

    Scrapy reports a connect that timed out and a page that was slow to come alike (``DownloadTimeoutError``), so
    the connections its HTTP handlers make are watched (``_watch_connections``): a timeout counts for a host never
    connected to in this crawl. Where they cannot be watched, a timeout counts only when it was raised from a
    connect's (Twisted's connect timeout, aiohttp's ``ConnectionTimeoutError``).

    Sits right after the retry middleware: a retried request waits out its backoff before it is looked at here,
    and a failure is seen here before the retry middleware decides (by the rule read in ``_retried``).
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.settings = settings = crawler.settings
        self.stats = crawler.stats
        self.hosts: dict[tuple[str, int], _Host] = {}
        self.connected: set[tuple[str, int]] = set()  # hosts a connection was made to in this crawl
        self.watched: set[str] = set()  # URL schemes whose download handler was looked at
        self.watching = False  # the connections of some handler are seen
        concurrency = settings.getint("CONCURRENT_REQUESTS")
        self.max_waiting = concurrency - 1 if concurrency > 0 else None
        self.waiting = 0
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_exceptions = tuple(load_object(x) if isinstance(x, str) else x
                                      for x in settings.getlist("RETRY_EXCEPTIONS"))
        self._retry_present: Optional[bool] = None
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DeadHostMiddleware":
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        key = _host_key(request)
        if key is None:
            return None
        self._watch_connections(urlparse_cached(request).scheme)
        host = self.hosts.setdefault(key, _Host())
        while True:
            if host.failure is not None:
                raise self._unsent(request, host.failure)
            if host.open:
                return None
            if not host.probing:
                host.probing = True
                request.meta[PROBE_META] = key
                return None
            if request.meta.get(PROBE_META) == key:  # the first request, retried
                return None
            if self.max_waiting is not None and self.waiting >= self.max_waiting:
                return None
            waiter: Deferred = Deferred()
            host.waiting.append(waiter)
            self.waiting += 1
            try:
                await self._wait(waiter, host, request)
            finally:
                self.waiting -= 1

    async def _wait(self, waiter: Deferred, host: "_Host", request: Request) -> None:
        """Wait for ``waiter``; when the crawl starts closing meanwhile, give up the request instead.

        A closing engine takes nothing more from the scheduler, so the first request's retry waiting there would
        never come to release us, and the close waits for every request under way: both would wait for ever.
        """
        import asyncio

        from scrapy.exceptions import IgnoreRequest

        pending = asyncio.ensure_future(maybe_deferred_to_future(waiter))
        while True:
            done, _ = await asyncio.wait({pending}, timeout=WAIT_CHECK_INTERVAL)
            if done:
                return
            if self._closing():
                if waiter in host.waiting:
                    host.waiting.remove(waiter)
                pending.cancel()
                raise IgnoreRequest(f"crawl stopping: not sent (waited for its host to answer a first request): "
                                    f"{request.url}")

    def _closing(self) -> bool:
        """Whether the engine is closing the spider (or stopped): it then sends no further requests."""
        engine = getattr(self.crawler, "engine", None)
        if engine is None or not getattr(engine, "running", True):
            return True
        slot = getattr(engine, "_slot", None)
        return slot is None or getattr(slot, "closing", None) is not None

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, HostUnreachable):
            return None
        key = _host_key(request)
        host = self.hosts.get(key) if key is not None else None
        if host is None or host.failure is not None:
            return None
        failure = self._cannot_connect(request, exception, key)
        if failure is None:
            if request.meta.get(PROBE_META) == key:  # the host answered, or failed some other way: no reason to wait
                self._open(key)
            return None
        if self._retried(request, exception):
            return None
        host.failure = failure
        self.stats.inc_value("kaisei/dead_host/hosts")
        log.info("%s: %s; its other requests fail without being sent", urlparse_cached(request).netloc, failure[1])
        self._wake(host)
        self._fail_queued(key, failure)
        return None

    def _cannot_connect(self, request: Request, exception: Exception,
                        key: tuple[str, int]) -> Optional[tuple[type[HostUnreachable], str]]:
        """How and why the host of ``request`` could not be connected to; None when ``exception`` is no such thing."""
        from crawlers.spiders.sources import describe_failure

        causes = _causes(exception)
        if any(isinstance(exc, _REFUSED) for exc in causes):
            return HostRefused, describe_failure(Failure(DownloadConnectionRefusedError()), request, self.settings)
        if any(isinstance(exc, _NOT_FOUND) for exc in causes):
            return HostNotFound, describe_failure(Failure(CannotResolveHostError()), request, self.settings)
        if not isinstance(exception, (DownloadTimeoutError,) + _CONNECT_TIMEOUT):
            return None
        if request.meta.get("proxy"):  # the connection was to the proxy: whether the host was reached is unknown
            return None
        if any(isinstance(exc, _connect_timeouts()) for exc in causes) or \
                (self.watching and key not in self.connected):
            return HostTimedOut, f"connection timed out: {urlparse_cached(request).netloc}"
        return None

    def _retried(self, request: Request, exception: Exception) -> bool:
        """Whether the retry middleware (just before this one) will send ``request`` again: Scrapy's own rule."""
        if self._retry_present is None:
            manager = getattr(getattr(self.crawler.engine, "downloader", None), "middleware", None)
            self._retry_present = any(isinstance(mw, RetryMiddleware) for mw in getattr(manager, "middlewares", ()))
        if not (self._retry_present and self.retry_enabled) or request.meta.get("dont_retry", False):
            return False
        if not isinstance(exception, self.retry_exceptions):
            return False
        limit = request.meta.get("max_retry_times")
        return request.meta.get("retry_times", 0) + 1 <= (self.max_retry_times if limit is None else limit)

    def _unsent(self, request: Request, failure: tuple[type[HostUnreachable], str]) -> HostUnreachable:
        self.stats.inc_value("kaisei/dead_host/unsent")
        request.meta["dont_retry"] = True  # it is one of the retry middleware's exceptions, and was never sent
        kind, reason = failure
        return kind(f"{reason} ({ALREADY_FAILED})")

    def _open(self, key: tuple[str, int]) -> None:
        host = self.hosts.get(key)
        if host is not None and not host.open and host.failure is None:
            host.open = True
            self._wake(host)

    @staticmethod
    def _wake(host: _Host) -> None:
        waiting, host.waiting = host.waiting, []
        for waiter in waiting:
            waiter.callback(None)

    def _fail_queued(self, key: tuple[str, int], failure: tuple[type[HostUnreachable], str]) -> None:
        """Requests for the host already in the downloader's queue (let through while it answered) fail now."""
        slots = getattr(getattr(self.crawler.engine, "downloader", None), "slots", None) or {}
        for slot in list(slots.values()):
            queue = getattr(slot, "queue", None)
            if not queue or not any(_host_key(request) == key for request, _ in queue):
                continue
            entries = list(queue)
            queue.clear()
            for request, queued in entries:
                if _host_key(request) == key:
                    queued.errback(Failure(self._unsent(request, failure)))
                else:
                    queue.append((request, queued))

    def _response_downloaded(self, response: Response, request: Request, **kwargs: Any) -> None:
        key = _host_key(request)
        if key is not None:
            self._connected(*key)

    def _connected(self, host: Any, port: Any) -> None:
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        key = (str(host).strip("[]").lower(), int(port))
        self.connected.add(key)
        self._open(key)

    def _watch_connections(self, scheme: str) -> None:
        """Note each connection the download handler of ``scheme`` makes to a host (not through a proxy, which says
        nothing of the host behind it): Scrapy's HTTP/1.1 handler makes them in a Twisted connection pool, its
        aiohttp handler in an aiohttp connector. Neither tells anyone else."""
        if scheme in self.watched:
            return
        self.watched.add(scheme)
        handler = self.crawler.engine.downloader.handlers._get_handler(scheme)
        pool = getattr(handler, "_pool", None)
        connector = getattr(getattr(handler, "_session", None), "connector", None)
        if getattr(pool, "_kaisei_watched", False) or getattr(connector, "_kaisei_watched", False):
            self.watching = True
        elif callable(getattr(pool, "_newConnection", None)):
            new_connection = pool._newConnection

            def pool_connect(pool_key: Any, endpoint: Any) -> Deferred:
                def connected(protocol: Any) -> Any:
                    # (scheme, host, port) and Scrapy's proxy settings, all None without a proxy
                    if isinstance(pool_key, tuple) and len(pool_key) >= 3 and pool_key[0] in (b"http", b"https") \
                            and all(part is None for part in pool_key[3:]):
                        self._connected(pool_key[1], pool_key[2])
                    return protocol

                return new_connection(pool_key, endpoint).addCallback(connected)

            pool._newConnection, pool._kaisei_watched, self.watching = pool_connect, True, True
        elif callable(getattr(connector, "connect", None)):
            connect = connector.connect

            async def connector_connect(req: Any, *args: Any, **kwargs: Any) -> Any:
                connection = await connect(req, *args, **kwargs)
                if not getattr(req, "proxy", None):
                    self._connected(req.url.host, req.url.port)
                return connection

            connector.connect, connector._kaisei_watched, self.watching = connector_connect, True, True
        else:
            log.debug("connections of %s downloads are not seen: only a timeout said to be a connect's fails a host",
                      scheme)


def _host_key(request: Request) -> Optional[tuple[str, int]]:
    """(host, port) of an HTTP(S) request, the port filled in; None for other schemes."""
    parsed = urlparse_cached(request)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None
    try:
        port = parsed.port
    except ValueError:
        return None
    return parsed.hostname.lower(), port or (443 if parsed.scheme == "https" else 80)


def _connect_timeouts() -> tuple[type, ...]:
    """The exceptions that say a connect timed out: Twisted's, and aiohttp's when its download handler is in use
    (it raises one of its own for a connect, another for a slow answer)."""
    aiohttp = sys.modules.get("aiohttp")  # not imported for nothing: only a crawl that downloads with it has it
    return _CONNECT_TIMEOUT + ((aiohttp.ConnectionTimeoutError,) if hasattr(aiohttp, "ConnectionTimeoutError") else ())


def _causes(exception: BaseException) -> list[BaseException]:
    """``exception`` and what it was raised from (Scrapy wraps Twisted's connection errors in its own)."""
    chain: list[BaseException] = []
    current: Optional[BaseException] = exception
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


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

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        # RFC 9309 2.3.1: a robots.txt answered 4xx is "unavailable": no rules at all, whatever error page came
        # with it; answered 5xx it is "unreachable": assume everything is disallowed until it answers again.
        if 400 <= response.status < 500:
            response = response.replace(body=b"")
        elif response.status >= 500:
            self._unreachable[netloc] = response.status
            response = response.replace(body=b"User-agent: *\nDisallow: /\n")
        await super()._parse_robots(response, netloc, request)

    @property
    def _unreachable(self) -> dict[str, int]:
        """netloc → the 5xx status its robots.txt answered in this crawl."""
        if not hasattr(self, "_unreachable_hosts"):
            self._unreachable_hosts: dict[str, int] = {}
        return self._unreachable_hosts

    def process_request_2(self, rp: Any, request: Request) -> None:
        status = self._unreachable.get(urlparse_cached(request).netloc)
        if status is not None:
            from scrapy.exceptions import IgnoreRequest

            self._stats.inc_value("kaisei/robots_unreachable")
            raise IgnoreRequest(f"robots.txt unreachable (HTTP {status}): the site is not crawled until it answers "
                                f"(RFC 9309)")
        super().process_request_2(rp, request)

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
