"""The one spider of a crawl: fetches every URL of every chosen source and yields one batch per source.

Thin on purpose: it asks (with the stored validators), hands each body to ``crawlers.parsers.parse`` and notes
what went wrong in words a person can act on. A failure of one source — timeout, 4xx/5xx, redirect loop, garbage,
too large, no such host — is recorded in that source's batch and never stops the others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from concurrent.futures import Executor
from typing import Any, AsyncIterator, Iterable, Iterator, Mapping, Optional

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.middlewares import VALIDATORS_META
from crawlers.parsers import ParseError, one_line
from crawlers.registry import SourceSpec, start_urls
from crawlers.spiders.batch import SourceBatch
from crawlers.spiders.reading import read_body
from tracker.dates import JST
from tracker.models import utcnow
from tracker.store import Validators

log = logging.getLogger(__name__)

SOURCE_META = "kaisei_source"
# What each source is asked for in (Scrapy's default is English for every request).
ACCEPT_LANGUAGE = {"ja": "ja,en;q=0.5", "en": "en,ja;q=0.5"}
URL_META = "kaisei_url"


class SourcesSpider(scrapy.Spider):
    """Crawl ``specs`` (registry SourceSpecs); Scrapy spreads the requests over hosts, one at a time per host."""

    name = "kaisei"

    def __init__(self, *, specs: Iterable[SourceSpec], validators: Optional[dict[str, dict[str, Validators]]] = None,
                 run_ids: Optional[dict[str, int]] = None, today: Optional[dt.date] = None,
                 parse_pool: Optional[Executor] = None, robots_cache: Optional[dict[str, bytes]] = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specs = {spec.name: spec for spec in specs}
        self.validators = validators or {}
        self.run_ids = run_ids or {}
        self.today = today or dt.datetime.now(JST).date()
        self.parse_pool = parse_pool
        # netloc → robots.txt body still fresh from an earlier crawl (read by the robots middleware), and
        # netloc → (body, fetched_at) of those this crawl fetched (stored with each source of that host).
        self.robots_cache = robots_cache or {}
        self.robots_fetched: dict[str, tuple[bytes, dt.datetime]] = {}
        self.batches: dict[str, SourceBatch] = {}
        self.pending: dict[str, int] = {}
        self.failed_at_start: list[SourceBatch] = []  # sources none of whose requests could even be made

    async def start(self) -> AsyncIterator[Request | SourceBatch]:
        engine = getattr(getattr(self, "crawler", None), "engine", None)
        if engine is None:  # not running under a crawler (a test driving the spider by hand)
            for request in self.source_requests():
                yield request
        else:
            # Every request goes to the scheduler at once. Yielded one by one, Scrapy takes each start request on
            # a turn of the event loop of its own (~0.9 ms apart): 60 sources would send their first round over
            # ~55 ms. Marked as start requests, as Scrapy's start middleware would: the scheduler keeps them in its
            # FIFO start queue, so the sources (and the law API's days) of one host are asked in their order.
            for request in self.source_requests():
                request.meta.setdefault("is_start_request", True)
                engine.crawl(request)
        # A source whose requests could not be made is recorded as failed, like one whose server failed.
        for batch in self.failed_at_start:
            yield batch

    def source_requests(self) -> Iterator[Request]:
        for spec in self.specs.values():
            try:
                requests = list(self._requests_of(spec))
            except Exception as exc:  # a URL Scrapy cannot ask for costs its own source, never the others
                log.debug("cannot make the requests of %s", spec.name, exc_info=True)
                batch = self.batches.setdefault(spec.name, SourceBatch(
                    source=spec.name, started_at=utcnow(), run_id=self.run_ids.get(spec.name), normalized=True))
                batch.errors.append(f"cannot ask for {spec.url}: {one_line(exc)}")
                self.failed_at_start.append(batch)
                continue
            yield from requests

    def _requests_of(self, spec: SourceSpec) -> Iterator[Request]:
        urls = start_urls(spec, today=self.today)
        known = self.validators.get(spec.name, {})
        # 304 is an answer we asked for; the law API says 404 for a day without updates.
        accepted = [304, 404] if spec.kind == "egov-laws" else [304]
        headers = {"Accept-Language": ACCEPT_LANGUAGE.get(spec.language, f"{spec.language},en;q=0.5")}
        requests = [Request(url, callback=self.parse_source, errback=self.source_failed, dont_filter=True,
                            headers=headers,
                            meta={SOURCE_META: spec.name, URL_META: url, VALIDATORS_META: known.get(url),
                                  "handle_httpstatus_list": accepted})
                    for url in urls]
        self.batches[spec.name] = SourceBatch(source=spec.name, started_at=utcnow(),
                                              run_id=self.run_ids.get(spec.name), normalized=True,
                                              urls=len(urls))
        self.pending[spec.name] = len(urls)
        yield from requests

    async def parse_source(self, response: Response) -> AsyncIterator[SourceBatch]:
        name, url = response.meta[SOURCE_META], response.meta[URL_META]
        spec, batch = self.specs[name], self.batches[name]
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        if response.status == 304 and not _conditional(response):
            # "Not modified" since nothing: we sent no ETag or date, so there is nothing we could have kept.
            batch.errors.append(f"answered 304 Not Modified to a request that was not conditional: {url}")
        elif response.status == 304:
            batch.responses += 1
            batch.not_modified += 1
        elif response.status == 404:  # only asked for the law API: no laws updated that day
            batch.responses += 1
            batch.not_found += 1
        else:
            try:
                items, hashes, naive = await self._read(spec, response.body, response.url,
                                                        dict(response.headers.to_unicode_dict().items()))
            except ParseError as exc:
                batch.errors.append(f"unreadable response from {url}: {one_line(exc)}")
            except Exception as exc:  # a parser bug must cost one source, not the crawl
                log.debug("parser of %s failed on %s", name, url, exc_info=True)
                batch.errors.append(f"cannot read {url}: {type(exc).__name__}: {one_line(exc)}")
                if stats:
                    stats.inc_value("kaisei/parser_crash")
            else:
                batch.responses += 1
                batch.items.extend(items)
                for item_url, digest in hashes.items():
                    batch.hashes.setdefault(item_url, digest)
                if naive and stats:
                    stats.inc_value("kaisei/naive_time_as_jst", naive)
                # Only a body we could read may make the next crawl ask "anything newer?".
                batch.validators[url] = Validators(_header(response, b"ETag"), _header(response, b"Last-Modified"))
        for done in self._finish(name):
            yield done

    async def _read(self, spec: SourceSpec, body: bytes, url: str, headers: Mapping[str, str]) -> Any:
        """Parsed, normalized and hashed items, from a worker process when the crawl has a pool (meanwhile the
        reactor keeps downloading)."""
        from concurrent.futures.process import BrokenProcessPool

        started = time.perf_counter()
        result = None
        if self.parse_pool is not None:
            try:
                future = self.parse_pool.submit(read_body, spec, body, url, headers)
            except RuntimeError as exc:  # the pool was shut down (the crawl is stopping)
                log.debug("parser pool closed (%s): parsing in the crawl process", one_line(exc))
                self.parse_pool = None
            else:
                try:
                    result = await asyncio.wrap_future(future)
                except BrokenProcessPool as exc:  # a worker died (out of memory?): carry on without the pool
                    log.warning("parser workers failed (%s): parsing in the crawl process", one_line(exc))
                    self.parse_pool = None
        if result is None:
            result = read_body(spec, body, url, headers)
        log.debug("%s: %d items read from %s in %.3f s", spec.name, len(result[0]), url,
                  time.perf_counter() - started)
        return result

    def source_failed(self, failure: Failure) -> Iterator[SourceBatch]:
        request = getattr(failure, "request", None)
        name = request.meta.get(SOURCE_META) if request is not None else None
        if name not in self.batches:
            log.warning("request failed outside any source: %s", failure.getErrorMessage())
            return
        reason = describe_failure(failure, request, self.settings if hasattr(self, "settings") else None)
        self.batches[name].errors.append(reason)
        yield from self._finish(name)

    def _finish(self, name: str) -> Iterator[SourceBatch]:
        self.pending[name] -= 1
        if self.pending[name] == 0:
            batch = self.batches[name]
            if batch.urls and batch.not_found == batch.urls:
                # A quiet week has some day with a law amended; 404 for every day means the API is not there.
                batch.errors.append(f"every day answered 404: wrong URL? ({self.specs[name].url})")
            yield batch

    def unfinished(self) -> list[str]:
        """Sources whose requests have not all been answered (the crawl was stopped)."""
        return [name for name, left in self.pending.items() if left > 0]


def _conditional(response: Response) -> bool:
    """Whether the request of ``response`` asked "anything newer than this?" (If-None-Match/If-Modified-Since)."""
    request = getattr(response, "request", None)
    headers = request.headers if request is not None else {}
    return b"If-None-Match" in headers or b"If-Modified-Since" in headers


def _header(response: Response, name: bytes) -> Optional[str]:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def describe_failure(failure: Failure, request: Optional[Request] = None, settings: Any = None) -> str:
    """One line saying why a request failed, in words a person can act on."""
    import zlib

    from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                                   DownloadFailedError, DownloadTimeoutError, IgnoreRequest, NotSupported,
                                   ResponseDataLossError, UnsupportedURLSchemeError)
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import defer, error as net_error
    from twisted.web import _newclient

    connection_lost = (net_error.ConnectionDone, net_error.ConnectionLost)
    not_http = (_newclient.ParseError, _newclient.BadHeaders)

    exc = failure.value
    url = request.url if request is not None else ""
    if isinstance(exc, HttpError):
        from http import HTTPStatus

        status = exc.response.status
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        where = ""
        if 300 <= status < 400 and exc.response.headers.get(b"Location"):
            # A redirect Scrapy would not follow: to ftp:, mailto:, javascript: …
            target = exc.response.headers.get(b"Location").decode("latin-1")
            where = f" (a redirect to {one_line(target)[:200]}, not followed)"
        return f"HTTP {status}{' ' + phrase if phrase else ''} from {exc.response.url}{where}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "DOWNLOAD_MAXSIZE" in text or "max size" in text:  # a compressed answer that grows past the cap
            limit = settings.getint("DOWNLOAD_MAXSIZE") if settings is not None else None
            return f"response too large{f' (over {limit} bytes once decompressed)' if limit else ''}: {url}"
        if "max redirections" in text:
            limit = settings.getint("REDIRECT_MAX_TIMES") if settings is not None else None
            return f"too many redirects (a loop?) from {url}" + (f": more than {limit}" if limit else "")
        if "robots.txt unreachable" in text:
            return f"{one_line(text)}: {url}"
        if "robots.txt" in text:
            return f"forbidden by robots.txt: {url}"
        return f"request dropped: {one_line(text)}: {url}"
    if isinstance(exc, (DownloadTimeoutError, net_error.TimeoutError, defer.TimeoutError)):
        timeout = (request.meta.get("download_timeout") if request is not None else None) or \
            (settings.getfloat("DOWNLOAD_TIMEOUT") if settings is not None else None)
        return f"timed out{f' after {timeout:g} s' if timeout else ''}: {url}"
    if isinstance(exc, (CannotResolveHostError, net_error.DNSLookupError)):
        return f"host not found: {_host(url)}"
    if isinstance(exc, (DownloadConnectionRefusedError, net_error.ConnectionRefusedError)):
        return f"connection refused: {_host(url, port=True)}"
    text = str(exc)
    if isinstance(exc, (DownloadCancelledError, defer.CancelledError)) or "max size" in text:
        limit = settings.getint("DOWNLOAD_MAXSIZE") if settings is not None else None
        return f"response too large{f' (over {limit} bytes)' if limit else ''}: {url}"
    if isinstance(exc, ResponseDataLossError):
        return f"response cut short: {url}"
    if isinstance(exc, DownloadFailedError) or isinstance(exc, connection_lost):
        # Twisted's ResponseFailed/ResponseNeverReceived wrap the real reason in a list of Failures.
        reasons = [getattr(f, "value", f) for f in getattr(exc, "reasons", None) or getattr(exc.__cause__, "reasons", None) or []]
        if isinstance(exc, connection_lost) or any(isinstance(r, connection_lost) for r in reasons) \
                or "Connection was closed" in text or "connection was lost" in text:
            return f"the server closed the connection without a whole HTTP answer: {url}"
        if any(isinstance(r, not_http) for r in reasons) or "ParseError" in text or "BadHeaders" in text:
            return f"not an HTTP answer: {url}"
    if isinstance(exc, (OSError, EOFError, zlib.error)) and (
            "gzip" in text.lower() or "compress" in text.lower() or isinstance(exc, zlib.error)
            or type(exc).__name__ in ("BadGzipFile", "BrotliError")):
        return f"cannot decompress the answer (its Content-Encoding is wrong): {url}"
    if isinstance(exc, (ValueError, UnsupportedURLSchemeError, NotSupported)) and (
            "scheme" in text.lower() or "Invalid URI" in text or "URL" in text):
        target = text.split("url: ", 1)[1] if "url: " in text else text  # Scrapy: "Missing scheme in request url: …"
        return f"cannot follow a redirect to {one_line(target)[:200]}: {url}"
    return f"{type(exc).__name__}: {one_line(text or failure.getErrorMessage())}: {url}"


def _host(url: str, *, port: bool = False) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.netloc if port else (parts.hostname or url)
