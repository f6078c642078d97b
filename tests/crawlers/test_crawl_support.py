"""Support for the crawl tests (no tests here): a scriptable local HTTP server and a way to run `kaisei crawl`.

The server is real HTTP on 127.0.0.1, port 0: each path answers with a ``Page`` (or a list of them, one per
request, the last repeating), honours If-None-Match / If-Modified-Since when the page has validators, can wait
before answering, stream a body without Content-Length, and records every request's headers.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Optional, Union

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    delay: float = 0.0
    stream: bool = False  # no Content-Length: the body arrives in chunks until the connection closes


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int


Route = Union[Page, list]


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.base = ""
        self.release = threading.Event()  # pages with delay=-1 wait for this
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests this server was answering at once

    def add(self, path: str, route: Route) -> str:
        with self.lock:
            self.routes[path] = route
        return self.base + path

    def requests_for(self, path: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path == path]

    def page_for(self, path: str) -> Optional[Page]:
        with self.lock:
            route = self.routes.get(path)
            n = self.hits.get(path, 0)
            self.hits[path] = n + 1
        if isinstance(route, list):
            return route[min(n, len(route) - 1)]
        return route


def _handler(server: Server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            with server.lock:
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                self._answer()
            finally:
                with server.lock:
                    server.in_flight -= 1

        def _answer(self) -> None:
            path = self.path.split("?")[0]
            page = server.page_for(path)
            if page is None:
                page = Page(b"not found", "text/plain", status=404)
            status = page.status
            if status == 200 and self._not_modified(page):
                status = 304
            with server.lock:
                server.seen.append(Seen(path, dict(self.headers.items()), status))
            if page.delay < 0:
                server.release.wait(60)
            elif page.delay:
                time.sleep(page.delay)
            try:
                self.send_response(status)
                headers = dict(page.headers)
                if page.etag:
                    headers["ETag"] = page.etag
                if page.last_modified:
                    headers["Last-Modified"] = page.last_modified
                for key, value in headers.items():
                    self.send_header(key, value)
                if status == 304:
                    self.end_headers()
                    return
                self.send_header("Content-Type", page.content_type)
                if page.stream:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for start in range(0, len(page.body), 65536):
                        self.wfile.write(page.body[start:start + 65536])
                        self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _not_modified(self, page: Page) -> bool:
            inm = self.headers.get("If-None-Match")
            if page.etag and inm is not None:
                return inm.strip() == page.etag
            ims = self.headers.get("If-Modified-Since")
            if page.last_modified and ims:
                return email.utils.parsedate_to_datetime(ims) >= email.utils.parsedate_to_datetime(page.last_modified)
            return False

    return Handler


@contextlib.contextmanager
def serve(host: str = "127.0.0.1") -> Iterator[Server]:
    state = Server()
    httpd = ThreadingHTTPServer((host, 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://{host}:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()


def rss(entries: list[tuple[str, str, str]], *, title: str = "テスト新着情報") -> bytes:
    """An RSS 2.0 feed of (title, link, description) entries, all dated 2026-05-01 10:00 JST."""
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        f"<pubDate>Fri, 01 May 2026 10:00:00 +0900</pubDate></item>"
        for t, link, d in entries
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link><description>test</description>{items}</channel></rss>").encode()


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def write_sources(path: Path, sources: list[dict]) -> Path:
    """A sources file of new sources (name, url, kind feed unless given)."""
    lines = []
    for src in sources:
        lines.append("[[sources]]")
        lines.append(f'name = "{src["name"]}"')
        lines.append(f'kind = "{src.get("kind", "feed")}"')
        lines.append(f'url = "{src["url"]}"')
        lines.append(f'title = "{src.get("title", src["name"])}"')
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_config(path: Path, **crawl) -> Path:
    """A kaisei.toml with a fast, test-sized [crawl] section."""
    values = {"download_delay": 0, "retries": 0, "timeout": 3.0, **crawl}
    body = "[crawl]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
    path.write_text(body, encoding="utf-8")
    return path


def kaisei(*args: str, env: Optional[dict] = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the kaisei CLI in a child process (a fresh reactor for each crawl)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", **(env or {})}
    full_env.pop("KAISEI_CONFIG", None)
    full_env.pop("KAISEI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)


def crawl_argv(db_url: str, config: Path, sources: Path, *extra: str) -> list[str]:
    return ["crawl", "--db", db_url, "--config", str(config), "--sources", str(sources), *extra]
