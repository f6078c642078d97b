"""Crawl benchmark: kaisei's Scrapy crawl against a one-feed-at-a-time feedparser baseline, in the same run.

Serves N synthetic RSS feeds (default 60 × 100 items) from local HTTP servers on several loopback addresses
(127.0.0.2, 127.0.0.3, … — each a "host") that answer after an injected latency (default 100 ms) and support
conditional GET. Then, each in a child process of its own:

- baseline: fetch and parse each feed in turn with ``feedparser.parse(url)``;
- first crawl: ``crawlers.runner.run_crawl`` into a fresh SQLite database (polite: one request at a time per host,
  robots.txt asked first; ``--no-tag``: tagging is benchmarked by bench/tagger.py);
- re-crawl: the same again with nothing changed (every feed answers 304);
- a bare client's re-crawl: asyncio streams asking each feed with its ETag, one connection per host, no Scrapy,
  database or parsing: the least a re-crawl costs on this machine against these servers (for comparison only);
- once more with kaisei's default ``concurrent_requests`` (16), for comparison only.

One request at a time per host throughout. The global limit ``concurrent_requests`` defaults here to one per host
(``--concurrent``): a user crawling that many hosts sets it in ``[crawl]`` the same way. With 16 for 60 feeds, the
limit alone forces 4 rounds of the injected latency, whatever the hosts.

Prints wall times (measured inside each child around the work, and for the whole child process), items/s, peak
memory (max RSS of the child) and the ratios against the targets: first crawl ≤ 0.25 × baseline, re-crawl ≤ 0.2 ×
first crawl. ``python bench/crawl.py --help`` for the knobs.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODIFIED = email.utils.formatdate(1_777_593_600, usegmt=True)  # 2026-05-01, fixed so validators are stable
TOPICS = ["源泉所得税", "年末調整", "インボイス制度", "電子帳簿保存法", "労働基準法", "社会保険", "個人情報保護法",
          "会社法", "法人税", "消費税", "雇用保険", "育児・介護休業法"]


def feed_body(host: int, feed: int, items: int) -> bytes:
    """An RSS 2.0 feed in the style of a Japanese regulator: titles, summaries, JST dates."""
    entries = []
    for i in range(items):
        topic = TOPICS[(feed + i) % len(TOPICS)]
        day = 1 + i % 28
        entries.append(
            f"<item><title>{topic}の取扱いに関するお知らせ（第{feed}-{i}号）</title>"
            f"<link>https://bench{host}.example.jp/news/{feed}/{i}.html</link>"
            f"<description>{topic}について、令和8年4月1日から施行される改正の概要と事業者の対応を掲載しました。"
            f"詳細は本文をご覧ください。（{feed}-{i}）</description>"
            f"<pubDate>Fri, {day:02d} May 2026 17:00:00 +0900</pubDate>"
            f"<guid>https://bench{host}.example.jp/news/{feed}/{i}.html</guid></item>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>ベンチマーク {host}-{feed}</title><link>https://bench{host}.example.jp/</link>"
            f"<description>synthetic</description>{''.join(entries)}</channel></rss>").encode("utf-8")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def make_handler(feeds: dict[str, bytes], latency: float, counter: dict):
    etags = {path: etag_of(body) for path, body in feeds.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes: with Nagle's algorithm on, a client that reads one request
        # at a time (the baseline) would wait ~40 ms per feed for a delayed ACK. Neither side should pay that.
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            host = self.server.server_address[0]
            with counter["lock"]:
                counter["requests"] += 1
                counter["in_flight"][host] = now = counter["in_flight"].get(host, 0) + 1
                counter["max_per_host"] = max(counter["max_per_host"], now)
            try:
                self.answer()
            finally:
                with counter["lock"]:
                    counter["in_flight"][host] -= 1

        def answer(self) -> None:
            time.sleep(latency)  # every answer, 304s and robots.txt too, costs the injected latency
            body = feeds.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = etags[self.path]
            if self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == MODIFIED):
                with counter["lock"]:
                    counter["not_modified"] += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", MODIFIED)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_feeds(n_feeds: int, n_items: int, n_hosts: int, latency: float
                ) -> Iterator[tuple[list[str], dict, dict[str, str]]]:
    """Start one server per loopback host; yield the feed URLs (round-robin over hosts), a request counter and
    each URL's ETag."""
    # max_per_host: the most requests one host was answering at once (the politeness the crawl promises: 1).
    counter = {"lock": threading.Lock(), "requests": 0, "not_modified": 0, "in_flight": {}, "max_per_host": 0}
    per_host: list[dict[str, bytes]] = [{} for _ in range(n_hosts)]
    urls_by_host: list[list[str]] = [[] for _ in range(n_hosts)]
    for feed in range(n_feeds):
        host = feed % n_hosts
        per_host[host][f"/feed/{feed}.xml"] = feed_body(host, feed, n_items)
    with ExitStack() as stack:
        for host in range(n_hosts):
            address = f"127.0.0.{host + 2}"
            server = ThreadingHTTPServer((address, 0), make_handler(per_host[host], latency, counter))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            port = server.server_address[1]
            urls_by_host[host] = [f"http://{address}:{port}{path}" for path in per_host[host]]
        urls = [url for feed in range(n_feeds) for url in [urls_by_host[feed % n_hosts][feed // n_hosts]]]
        etags = {url: etag_of(per_host[feed % n_hosts]["/" + url.split("/", 3)[3]]) for feed, url in enumerate(urls)}
        yield urls, counter, etags


# --- children -----------------------------------------------------------------------------------------------


def child_baseline(urls: list[str]) -> dict:
    import feedparser

    from tracker import USER_AGENT

    started = time.perf_counter()
    items = 0
    for url in urls:
        parsed = feedparser.parse(url, agent=USER_AGENT)
        items += len(parsed.entries)
    return {"elapsed": time.perf_counter() - started, "items": items}


def child_bare(validators: dict[str, str]) -> dict:
    """The re-crawl with the least a client can do: asyncio streams, one connection per host, each feed of a host
    asked in turn with its ETag, the 304 read and nothing else (no Scrapy, no database, no parsing). What is left
    is the servers, the injected latency and this machine: the floor any crawler meets here."""
    import asyncio
    from urllib.parse import urlsplit

    from tracker import USER_AGENT

    by_host: dict[str, list[str]] = {}
    for url in validators:
        by_host.setdefault(urlsplit(url).netloc, []).append(url)

    async def host(netloc: str, urls: list[str]) -> int:
        address, port = netloc.rsplit(":", 1)
        reader, writer = await asyncio.open_connection(address, int(port))
        answered = 0
        try:
            for url in urls:
                writer.write(f"GET {urlsplit(url).path} HTTP/1.1\r\nHost: {netloc}\r\nUser-Agent: {USER_AGENT}\r\n"
                             f"If-None-Match: {validators[url]}\r\n\r\n".encode("ascii"))
                status = await reader.readline()
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                if status.split()[1:2] != [b"304"]:
                    raise RuntimeError(f"{url}: expected 304, got {status!r}")
                answered += 1
        finally:
            writer.close()
        return answered

    async def crawl() -> int:
        return sum(await asyncio.gather(*(host(netloc, urls) for netloc, urls in by_host.items())))

    started = time.perf_counter()
    answered = asyncio.run(crawl())
    return {"elapsed": time.perf_counter() - started, "items": 0, "answered": answered}


def child_crawl(sources_file: str, db_url: str, config_file: str) -> dict:
    from crawlers.registry import load_sources
    from crawlers.runner import run_crawl
    from tracker.config import load_settings
    from tracker.db import create_db_engine

    # Import Scrapy and every component it will load before the clock starts: the figure is the crawl, not the
    # interpreter loading libraries (the whole child process, imports included, is timed as well). Every class
    # the crawl's settings name (Scrapy's defaults and kaisei's: downloader, scheduler queues, handlers,
    # middlewares, pipelines, stats, robots.txt parser …) is loaded here.
    import re

    import scrapy.crawler  # noqa: F401
    from scrapy.settings import default_settings
    from scrapy.utils.misc import load_object

    import crawlers.spiders.sources  # noqa: F401
    from crawlers.settings import scrapy_settings

    object_path = re.compile(r"^[a-z_][\w]*(\.[\w]+)*\.[A-Z][\w]*$")
    values = [getattr(default_settings, name) for name in dir(default_settings) if name.isupper()]
    values += list(scrapy_settings().values())
    for value in values:
        for candidate in ([*value.keys(), *value.values()] if isinstance(value, dict) else [value]):
            if isinstance(candidate, str) and object_path.match(candidate):
                try:
                    load_object(candidate)
                except Exception:  # an optional component whose library is missing: Scrapy skips it too
                    pass

    settings = load_settings(config_file)
    specs = [s for s in load_sources(settings=settings, sources_file=sources_file) if s.name.startswith("bench-")]
    engine = create_db_engine(db_url)
    started = time.perf_counter()
    report = run_crawl(engine=engine, specs=specs, settings=settings, tag=False)
    elapsed = time.perf_counter() - started
    totals = report.totals()
    return {"elapsed": elapsed, "items": totals["fetched"], "new": totals["new"], "unchanged": totals["unchanged"],
            "failed": [f"{o.source}: {o.message}" for o in report.failed]}


def run_child(args: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"child {args[0]} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["process_wall"] = wall
    # CPU seconds of the child and its own children (parser workers): what the work costs on an idle machine.
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def child_main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "baseline":
        result = child_baseline(json.loads(Path(argv[1]).read_text()))
    elif kind == "bare":
        result = child_bare(json.loads(Path(argv[1]).read_text()))
    else:
        result = child_crawl(argv[1], argv[2], argv[3])
    # ru_maxrss is in KiB on Linux.
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# --- parent -------------------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=60, help="number of feeds (default 60)")
    parser.add_argument("--items", type=int, default=100, help="items per feed (default 100)")
    parser.add_argument("--hosts", type=int, default=30, help="loopback hosts 127.0.0.2… serving them (default 30)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds each answer waits (default 0.1)")
    parser.add_argument("--delay", type=float, default=0.0,
                        help="[crawl] download_delay between two requests to one host (default 0; kaisei's own "
                             "default is 1.0 s, for real regulators)")
    parser.add_argument("--concurrent", type=int, default=0,
                        help="[crawl] concurrent_requests, the global limit (default 0: one per host, as a user with "
                             "that many hosts would set it; the per-host limit stays 1 either way)")
    args = parser.parse_args()
    from tracker.config import CrawlSettings

    default_concurrent = CrawlSettings().concurrent_requests
    args.concurrent = args.concurrent or args.hosts

    with tempfile.TemporaryDirectory(prefix="kaisei-bench-") as tmp:
        tmpdir = Path(tmp)
        with serve_feeds(args.feeds, args.items, args.hosts, args.latency) as (urls, counter, etags):
            (tmpdir / "urls.json").write_text(json.dumps(urls))
            (tmpdir / "etags.json").write_text(json.dumps(etags))
            lines = []
            for i, url in enumerate(urls):
                lines += ["[[sources]]", f'name = "bench-{i:03d}"', 'kind = "feed"', f'url = "{url}"',
                          f'title = "bench {i}"', ""]
            (tmpdir / "sources.toml").write_text("\n".join(lines), encoding="utf-8")
            (tmpdir / "kaisei.toml").write_text(
                f"[crawl]\ndownload_delay = {args.delay}\nconcurrent_per_host = 1\n"
                f"concurrent_requests = {args.concurrent}\nretries = 0\n", encoding="utf-8")
            db_url = f"sqlite:///{tmpdir / 'bench.db'}"
            crawl_args = [str(tmpdir / "sources.toml"), db_url, str(tmpdir / "kaisei.toml")]

            baseline = run_child(["baseline", str(tmpdir / "urls.json")])
            counter["requests"] = counter["max_per_host"] = 0
            first = run_child(["crawl", *crawl_args])
            first_requests, first_max = counter["requests"], counter["max_per_host"]
            counter["requests"] = counter["not_modified"] = counter["max_per_host"] = 0
            again = run_child(["crawl", *crawl_args])
            again_requests, again_304, again_max = counter["requests"], counter["not_modified"], counter["max_per_host"]
            counter["max_per_host"] = 0
            bare = run_child(["bare", str(tmpdir / "etags.json")])
            bare_max = counter["max_per_host"]
            # The same re-crawl with kaisei's default global limit, for comparison (not part of the targets).
            stock = None
            if args.concurrent != default_concurrent:
                (tmpdir / "kaisei-default.toml").write_text(
                    f"[crawl]\ndownload_delay = {args.delay}\nconcurrent_per_host = 1\nretries = 0\n", encoding="utf-8")
                counter["max_per_host"] = 0
                stock = run_child(["crawl", str(tmpdir / "sources.toml"), db_url, str(tmpdir / "kaisei-default.toml")])
                stock_max = counter["max_per_host"]

    for name, result in (("first crawl", first), ("re-crawl", again)):
        if result.get("failed"):
            print(f"warning: {name}: {len(result['failed'])} sources failed: {result['failed'][:3]}")
    print(f"kaisei crawl benchmark: {args.feeds} feeds x {args.items} items on {args.hosts} hosts, "
          f"latency {args.latency * 1000:.0f} ms")
    print(f"[crawl] download_delay = {args.delay}, concurrent_per_host = 1 (one request at a time per host), "
          f"concurrent_requests = {args.concurrent}"
          f"{' (one per host; kaisei default: %d)' % default_concurrent if args.concurrent != default_concurrent else ''}"
          f", retries = 0")
    header = (f"{'':24}{'work s':>9}{'process s':>11}{'cpu s':>8}{'items':>8}{'items/s':>10}{'peak MB':>9}"
              f"{'requests':>14}")
    print(header)

    def row(name: str, r: dict, requests: str) -> None:
        rate = r["items"] / r["elapsed"] if r["elapsed"] and r["items"] else 0
        print(f"{name:24}{r['elapsed']:9.2f}{r['process_wall']:11.2f}{r['cpu']:8.2f}{r['items']:8d}{rate:10.0f}"
              f"{r['peak_rss_mb']:9.1f}{requests:>14}")

    row("baseline (feedparser)", baseline, str(args.feeds))
    row("kaisei first crawl", first, str(first_requests))
    row("kaisei re-crawl (304)", again, f"{again_requests} ({again_304}x304)")
    row("bare client re-crawl", bare, f"{bare['answered']} (304)")
    if stock is not None:
        row(f"re-crawl, concurrent {default_concurrent}", stock, "")
    r1 = first["elapsed"] / baseline["elapsed"]
    r2 = again["elapsed"] / first["elapsed"]
    p1 = first["process_wall"] / baseline["process_wall"]
    p2 = again["process_wall"] / first["process_wall"]
    print(f"first crawl / baseline : {r1:.3f}  (target <= 0.25: {'met' if r1 <= 0.25 else 'NOT met'})"
          f"   whole processes: {p1:.3f}")
    print(f"re-crawl / first crawl : {r2:.3f}  (target <= 0.20: {'met' if r2 <= 0.2 else 'NOT met'})"
          f"   whole processes: {p2:.3f}")
    # With one request at a time per host, the busiest host's feeds are asked in turn: no crawl can be faster.
    per_host = -(-args.feeds // args.hosts)
    floor = per_host * args.latency
    print(f"floor of any polite crawl: {per_host} feeds in turn on the busiest host x {args.latency * 1000:.0f} ms "
          f"= {floor:.2f} s (a re-crawl answered 304 costs at least that; robots.txt, asked once a day, adds one more)")
    print(f"bare client re-crawl (asyncio streams; no Scrapy, database or parsing; at most {bare_max} at once per "
          f"host): {bare['elapsed']:.3f} s, the least a re-crawl costs here; kaisei's re-crawl / bare: "
          f"{again['elapsed'] / bare['elapsed']:.2f}")
    print(f"most requests one host answered at once: first crawl {first_max}, re-crawl {again_max} "
          f"(polite: 1)")
    if stock is not None:
        rounds = -(-args.feeds // default_concurrent)
        print(f"with kaisei's default concurrent_requests = {default_concurrent}: re-crawl {stock['elapsed']:.2f} s "
              f"(most at once on one host: {stock_max}); {args.feeds} requests {default_concurrent} at a time take "
              f"at least {rounds} rounds x {args.latency * 1000:.0f} ms = {rounds * args.latency:.2f} s")
    print(f"stored: {first.get('new', 0)} new updates; re-crawl added {again.get('new', 0)}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows every figure)")


if __name__ == "__main__":
    main()
