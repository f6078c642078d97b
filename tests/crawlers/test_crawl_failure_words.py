"""Failures a server can cause beyond the usual ones get a line in words too, never an exception's repr.

Each source is served by a server that misbehaves in its own way; the crawl names each on stderr, one line each.
"""

from __future__ import annotations

import gzip
import socket
import threading

from test_crawl_support import Page, crawl_argv, kaisei, rss, serve, write_config, write_sources


class RawServer:
    """A TCP server that answers every connection with ``reply`` bytes (possibly none) and closes it."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.sock = socket.create_server(("127.0.0.3", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(65536)
                    if self.reply:
                        conn.sendall(self.reply)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def test_misbehaving_servers_get_one_line_each_in_words(db_url, tmp_path):
    closes = RawServer(b"")
    garbage = RawServer(b"NOT HTTP AT ALL\r\n\r\n")
    try:
        with serve() as srv:
            feed = rss([("お知らせ", f"{srv.base}/n/1", "")])
            urls = {
                "w-closes": f"http://127.0.0.3:{closes.port}/feed.xml",
                "w-garbage": f"http://127.0.0.3:{garbage.port}/feed.xml",
                "w-badgzip": srv.add("/badgzip.xml", Page(feed, headers={"Content-Encoding": "gzip"})),
                "w-bomb": srv.add("/bomb.xml", Page(gzip.compress(b"<rss>" + b" " * 5_000_000),
                                                    headers={"Content-Encoding": "gzip"})),
                "w-js": srv.add("/js.xml", Page(b"", status=302, headers={"Location": "javascript:alert(1)"})),
                "w-ftp": srv.add("/ftp.xml", Page(b"", status=302, headers={"Location": "ftp://ftp.example.jp/f.xml"})),
                "w-good": srv.add("/good.xml", Page(feed)),
            }
            sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
            config = write_config(tmp_path / "kaisei.toml", max_bytes=1_000_000, obey_robots=False)
            only = [arg for name in urls for arg in ("--only", name)]
            result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
    finally:
        closes.close()
        garbage.close()
    assert result.returncode == 1
    lines = {line.split(": ", 3)[2]: line for line in result.stderr.splitlines() if line.startswith("kaisei: crawl: w-")}
    assert set(lines) == set(urls) - {"w-good"}, result.stderr
    assert "the server closed the connection without a whole HTTP answer" in lines["w-closes"]
    assert "not an HTTP answer" in lines["w-garbage"] or "closed the connection" in lines["w-garbage"]
    assert "cannot decompress the answer" in lines["w-badgzip"]
    assert "response too large (over 1000000 bytes once decompressed)" in lines["w-bomb"]
    assert "cannot follow a redirect to javascript:alert(1): http" in lines["w-js"]
    assert "HTTP 302 Found from" in lines["w-ftp"] and "a redirect to ftp://ftp.example.jp/f.xml, not followed" \
        in lines["w-ftp"]
    for line in lines.values():
        assert "Failure" not in line and "twisted" not in line and "<" not in line, line
    assert "Traceback" not in result.stderr


def test_a_304_to_a_request_that_was_not_conditional_is_an_error(db_url, tmp_path):
    """Nothing was kept from this source, so "not modified" cannot be true: the source failed, it is not quiet."""
    with serve() as srv:
        url = srv.add("/feed.xml", Page(b"", status=304))
        sources = write_sources(tmp_path / "sources.toml", [{"name": "w-304", "url": url}])
        config = write_config(tmp_path / "kaisei.toml", obey_robots=False)
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", "--only", "w-304"))
        assert "If-None-Match" not in srv.requests_for("/feed.xml")[0].headers
    assert result.returncode == 1
    assert ("kaisei: crawl: w-304: answered 304 Not Modified to a request that was not conditional: "
            f"{url}") in result.stderr
