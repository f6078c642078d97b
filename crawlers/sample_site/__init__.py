"""The offline sample site: our own pages and feeds in each built-in source's real format, and a server for them.

Files live in ``files/<real host>/<real path>`` (``files/www.nta.go.jp/information/news/index.htm`` …), so a
built-in source's sample is at ``<base>/<host><path>`` and :func:`override_sources` can point every built-in
source at the local server. ``python -m crawlers.sample_site`` serves it from the shell; ``make demo`` crawls it.

The server is a real threaded HTTP server: ETag and Last-Modified on every file and 304 for a matching
If-None-Match / If-Modified-Since, Shift_JIS pages served with ``charset=Shift_JIS``, a robots.txt, and every
request's headers recorded so tests can see what the crawler sent. Tests can also replace a file
(:meth:`SampleSite.put`) or script a failure for a path (:meth:`SampleSite.fail`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import PurePosixPath
from typing import Any, Iterator, Optional
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

LAW_LIST_PREFIX = "/laws.e-gov.go.jp/api/1/updatelawlists/"
# The day the law-API samples are written for: serve(today=SAMPLE_TODAY) answers each sample on its own date.
SAMPLE_TODAY = dt.date(2026, 11, 19)
# How many days back a crawl of the sample law API must look to see every sample day.
LAW_SAMPLE_DAYS = 14
# Every sample file claims to have last changed at this instant, so Last-Modified is stable across checkouts.
SAMPLE_MTIME = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)

_TYPES = {
    ".rss": "application/rss+xml", ".rdf": "application/rdf+xml", ".atom": "application/atom+xml",
    ".xml": "application/xml", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain",
}
_CHARSET_NAMES = {"cp932": "Shift_JIS", "euc_jis_2004": "EUC-JP", "utf-8": "UTF-8"}


@dataclass
class RecordedRequest:
    """One request the server answered: what the crawler sent, and the status it got."""

    method: str
    path: str
    headers: dict[str, str]
    status: int = 0

    def header(self, name: str) -> Optional[str]:
        """A request header by name, any case (None when absent)."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass
class Resource:
    """A file the server answers with."""

    body: bytes
    content_type: str
    modified: dt.datetime = SAMPLE_MTIME

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Fault:
    """A scripted answer for a path: a status, a body, extra headers, a delay (seconds) before answering."""

    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "text/plain; charset=utf-8"


def files_root() -> Any:
    """The packaged ``files`` directory (an importlib Traversable; works from a wheel too)."""
    return resources.files(__name__).joinpath("files")


def _content_type(path: str, body: bytes) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    base = _TYPES.get(suffix, "application/xml" if path.startswith(LAW_LIST_PREFIX) else "application/octet-stream")
    if base == "text/html" or base == "text/plain":
        from crawlers.encoding import detect_encoding

        codec = detect_encoding(body)
        return f"{base}; charset={_CHARSET_NAMES.get(codec, codec)}"
    return base


def load_files() -> dict[str, Resource]:
    """Every sample file by URL path (``/www.nta.go.jp/information/news/index.htm``)."""
    out: dict[str, Resource] = {}

    def walk(node: Any, prefix: str) -> None:
        for child in node.iterdir():
            path = f"{prefix}/{child.name}"
            if child.is_dir():
                walk(child, path)
            elif not child.name.startswith(".") and not child.name.endswith((".py", ".pyc")):
                body = child.read_bytes()
                out[path] = Resource(body=body, content_type=_content_type(path, body))

    walk(files_root(), "")
    return out


class SampleSite:
    """The sample site's state: files, scripted faults, recorded requests. Thread-safe."""

    def __init__(self, *, today: Optional[dt.date] = None) -> None:
        self.files = load_files()
        self.faults: dict[str, Fault] = {}
        self.requests: list[RecordedRequest] = []
        self.today = today
        self.base_url = ""
        self._lock = threading.Lock()

    # -- what tests change ---------------------------------------------------------------------------------
    def put(self, path: str, body: bytes | str, *, content_type: Optional[str] = None) -> None:
        """Replace or add the file at ``path``; its ETag and Last-Modified change (a new version)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.files[path] = Resource(body=data, content_type=content_type or _content_type(path, data),
                                        modified=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

    def fail(self, path: str, status: int = 500, *, body: bytes | str = b"", delay: float = 0.0,
             headers: Optional[dict[str, str]] = None, content_type: str = "text/plain; charset=utf-8") -> None:
        """Answer ``path`` with ``status`` (after ``delay`` seconds) instead of its file, until :meth:`heal`."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.faults[path] = Fault(status=status, body=data, headers=dict(headers or {}), delay=delay,
                                      content_type=content_type)

    def heal(self, path: Optional[str] = None) -> None:
        """Forget the fault for ``path`` (all faults when None)."""
        with self._lock:
            if path is None:
                self.faults.clear()
            else:
                self.faults.pop(path, None)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """The recorded requests for one path, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + path

    # -- answering -----------------------------------------------------------------------------------------
    def resolve(self, path: str) -> Optional[Resource]:
        """The file for a URL path: exact, ``index.html`` of a directory, or a law-API day (see below)."""
        with self._lock:
            files = dict(self.files)
        if path.startswith(LAW_LIST_PREFIX):
            return self._law_day(path[len(LAW_LIST_PREFIX):].strip("/"), files)
        if path in files:
            return files[path]
        for index in ("index.html", "index.htm"):
            candidate = path.rstrip("/") + "/" + index
            if path.endswith("/") and candidate in files:
                return files[candidate]
        return None

    def _law_day(self, day_text: str, files: dict[str, Resource]) -> Optional[Resource]:
        """The law API's list for one day.

        The samples are dated; a crawl asks for the last N days before *today*. So that the demo finds laws
        whatever the date, the newest sample answers for yesterday and the others keep their spacing behind
        it (their ``<Date>`` rewritten); every other day is a 404, as on e-Gov. With ``today`` one day after
        the newest sample (``SAMPLE_TODAY``) every sample answers for its own date.
        """
        try:
            wanted = dt.datetime.strptime(day_text, "%Y%m%d").date()
        except ValueError:
            return None
        samples = sorted((p for p in files if p.startswith(LAW_LIST_PREFIX)), reverse=True)
        if not samples:
            return None
        days = [dt.datetime.strptime(p.rsplit("/", 1)[1][:8], "%Y%m%d").date() for p in samples]
        today = self.today or dt.date.today()
        for path, day in zip(samples, days):
            if wanted == today - dt.timedelta(days=1) - (days[0] - day):
                resource = files[path]
                body = resource.body.replace(f"<Date>{day:%Y%m%d}</Date>".encode(),
                                             f"<Date>{wanted:%Y%m%d}</Date>".encode())
                return Resource(body=body, content_type=resource.content_type, modified=resource.modified)
        return None

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def fault_for(self, path: str) -> Optional[Fault]:
        with self._lock:
            return self.faults.get(path)


class _Handler(BaseHTTPRequestHandler):
    server_version = "kaisei-sample-site/1"
    protocol_version = "HTTP/1.1"
    site: SampleSite  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        log.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        entry = RecordedRequest(method=self.command, path=path, headers={k: v for k, v in self.headers.items()})
        self.site.record(entry)
        fault = self.site.fault_for(path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            entry.status = fault.status
            self._send(fault.status, fault.body, {"Content-Type": fault.content_type, **fault.headers}, head=head)
            return
        resource = self.site.resolve(path)
        if resource is None:
            entry.status = 404
            self._send(404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"}, head=head)
            return
        headers = {
            "Content-Type": resource.content_type,
            "ETag": resource.etag,
            "Last-Modified": email.utils.format_datetime(resource.modified, usegmt=True),
        }
        if self._not_modified(resource):
            entry.status = 304
            self._send(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"}, head=True)
            return
        entry.status = 200
        self._send(200, resource.body, headers, head=head)

    def _not_modified(self, resource: Resource) -> bool:
        # RFC 9110: If-None-Match wins; If-Modified-Since is only looked at without it.
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
            return "*" in wanted or resource.etag in wanted
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            return resource.modified <= when
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str], *, head: bool) -> None:
        try:
            self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and not head and status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test): nothing to do
            pass


class SampleSiteURL(str):
    """The base URL (a ``str``) that also carries the running :class:`SampleSite` as ``.site``."""

    site: SampleSite

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.site.requests


@contextlib.contextmanager
def serve(host: str = "127.0.0.1", port: int = 0, *, today: Optional[dt.date] = None) -> Iterator[SampleSiteURL]:
    """Run the sample site on ``host:port`` (0: a free port) in a background thread; yield its base URL.

    The yielded value is a ``str`` (``http://127.0.0.1:54321``) whose ``.site`` is the :class:`SampleSite`
    (recorded requests, :meth:`~SampleSite.put`, :meth:`~SampleSite.fail`). ``today`` fixes the day the
    law-API samples are placed relative to (default: the real date).
    """
    site = SampleSite(today=today)
    handler = type("SampleSiteHandler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    site.base_url = f"http://{bound_host}:{bound_port}"
    thread = threading.Thread(target=server.serve_forever, name=f"sample-site-{bound_port}", daemon=True)
    thread.start()
    base = SampleSiteURL(site.base_url)
    base.site = site
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def sample_path(url: str) -> str:
    """Where a real source URL lives on the sample site: ``https://www.mof.go.jp/news.rss`` → ``/www.mof.go.jp/news.rss``."""
    parts = urlsplit(url)
    return f"/{parts.hostname}{parts.path or '/'}"


def override_sources(base_url: str) -> list[dict[str, Any]]:
    """Sources-file entries pointing every built-in source at the sample site served at ``base_url``."""
    from crawlers.registry import BUILTIN_SOURCES

    base = str(base_url).rstrip("/")
    entries: list[dict[str, Any]] = []
    for spec in BUILTIN_SOURCES:
        entry: dict[str, Any] = {"name": spec.name, "url": base + sample_path(spec.url)}
        if spec.kind == "egov-laws":
            entry["settings"] = {"days": LAW_SAMPLE_DAYS}  # reach back to the oldest law-API sample
        entries.append(entry)
    return entries


def example_user_sources(base_url: str) -> list[dict[str, Any]]:
    """README's user-defined source (``tokyo-roudou``, an EUC-JP list page) pointed at the sample site."""
    base = str(base_url).rstrip("/")
    return [{
        "name": "tokyo-roudou", "kind": "html", "title": "東京労働局 新着情報",
        "url": f"{base}/jsite.mhlw.go.jp/tokyo-roudoukyoku/",
        "select": {"item": "ul.news > li", "title": "a::text", "link": "a::attr(href)", "date": "span.date::text"},
    }]


def sources_toml(base_url: str) -> str:
    """:func:`override_sources` as the text of a sources file (``[[sources]]`` tables)."""
    lines = ["# The built-in sources pointed at the offline sample site.", ""]
    for entry in override_sources(base_url):
        lines += ["[[sources]]", f'name = "{entry["name"]}"', f'url = "{entry["url"]}"']
        if "settings" in entry:
            lines += ["[sources.settings]"] + [f"{key} = {value}" for key, value in entry["settings"].items()]
        lines.append("")
    return "\n".join(lines)
