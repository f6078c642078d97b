"""The offline sample site: every built-in source's sample parses, and the server behaves like a polite web host.

The parsed sample site is compared with a golden file, ``tests/fixtures/sources/expected/sample_site.json``;
regenerate it on purpose with ``KAISEI_REGEN_GOLDEN=1 pytest tests/crawlers/test_sample_site.py`` and review the
diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawlers.parsers import parse
from crawlers.registry import BUILTIN_SOURCES, _read_builtin, build_sources, start_urls
from crawlers.sample_site import (LAW_LIST_PREFIX, SAMPLE_TODAY, files_root, override_sources, sample_path, serve,
                                  sources_toml)

GOLDEN = Path(__file__).parent.parent / "fixtures" / "sources" / "expected" / "sample_site.json"
NTA = "/www.nta.go.jp/information/news/index.htm"


@pytest.fixture(scope="module")
def site():
    with serve(today=SAMPLE_TODAY) as base:
        yield base


def _get(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET; HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _crawl_all(base: str) -> dict[str, list[dict]]:
    specs = build_sources([("built-in", _read_builtin()), ("sample", override_sources(base))])
    out: dict[str, list[dict]] = {}
    for spec in specs:
        rows = []
        for url in start_urls(spec, today=SAMPLE_TODAY):
            status, headers, body = _get(url)
            if status == 404 and spec.kind == "egov-laws":
                continue
            assert status == 200, url
            for item in parse(spec, body, url=url, headers=headers):
                rows.append({
                    "url": item.url.replace(base, "{base}"), "title": item.title,
                    "published_at": item.published_at.isoformat() if item.published_at else None,
                    "effective_on": item.effective_on.isoformat() if item.effective_on else None,
                    "deadline_on": item.deadline_on.isoformat() if item.deadline_on else None,
                    "categories": item.categories, "language": item.language,
                })
        out[spec.name] = rows
    return out


def test_every_builtin_source_parses_from_the_sample_site(site):
    parsed = _crawl_all(site)
    assert set(parsed) == {s.name for s in BUILTIN_SOURCES}
    for name, rows in parsed.items():
        assert len(rows) >= (7 if name == "egov-laws" else 10), name
        assert all(r["published_at"] for r in rows), name
        assert len({r["url"] for r in rows}) == len(rows), name
    if os.environ.get("KAISEI_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(parsed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert parsed == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_sample_traps_are_read_right(site):
    parsed = _crawl_all(site)
    fsa = parsed["fsa-news"][0]
    assert fsa["published_at"] == "2026-11-20T17:00:00+09:00"
    pubcom = parsed["egov-pubcom"][0]
    assert pubcom["published_at"] == "2026-11-19T15:00:00+00:00" and pubcom["deadline_on"] == "2026-12-19"
    assert pubcom["categories"] == ["労働・雇用"]
    assert parsed["egov-news"][0]["published_at"] == "2026-11-20T00:00:00+09:00"
    nta_titles = [r["title"] for r in parsed["nta-news"]]
    assert "①令和８年分 源泉徴収のしかた（パンフレット）を掲載しました" in nta_titles
    assert "東京国税局長に髙橋 一郎が就任しました" in nta_titles
    release_days = [r["published_at"][:10] for r in parsed["nta-release"]]
    assert "2019-07-01" in release_days  # 令和元年7月1日
    laws = parsed["egov-laws"]
    assert {r["effective_on"] for r in laws} >= {"2027-04-01", "2027-01-01"}


def test_nta_pages_are_shift_jis_with_the_charset_in_the_header(site):
    status, headers, body = _get(site + NTA)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert "トピックス一覧".encode("cp932") in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_etag_and_last_modified_and_conditional_get(site):
    before = len(site.site.requests_for("/www.mof.go.jp/news.rss"))
    status, headers, _ = _get(site + "/www.mof.go.jp/news.rss")
    assert status == 200
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert _get(site + "/www.mof.go.jp/news.rss", {"If-None-Match": etag})[0] == 304
    assert _get(site + "/www.mof.go.jp/news.rss", {"If-Modified-Since": modified})[0] == 304
    assert _get(site + "/www.mof.go.jp/news.rss", {"If-None-Match": '"other"'})[0] == 200
    assert _get(site + "/www.mof.go.jp/news.rss", {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    assert _get(site + "/www.mof.go.jp/news.rss", {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200
    seen = site.site.requests_for("/www.mof.go.jp/news.rss")[before:]
    assert seen[1].header("if-none-match") == etag and seen[1].status == 304
    assert seen[2].header("If-Modified-Since") == modified and seen[2].status == 304


def test_put_makes_a_new_version(site):
    path = "/test/changed.xml"
    site.site.put(path, "<rss version='2.0'><channel><title>a</title></channel></rss>")
    _, first, _ = _get(site + path)
    site.site.put(path, "<rss version='2.0'><channel><title>b</title></channel></rss>")
    status, second, body = _get(site + path, {"If-None-Match": first["ETag"]})
    assert status == 200 and b"<title>b</title>" in body and second["ETag"] != first["ETag"]


def test_scripted_faults_and_heal(site):
    site.site.fail("/www.moj.go.jp/news.xml", 503, body="busy")
    assert _get(site + "/www.moj.go.jp/news.xml")[0] == 503
    site.site.fail("/slow", 200, body="late", delay=0.3)
    started = time.monotonic()
    assert _get(site + "/slow")[2] == b"late"
    assert time.monotonic() - started >= 0.3
    site.site.fail("/loop", 302, headers={"Location": "/loop"})
    with pytest.raises(urllib.error.HTTPError, match="redirect"):
        urllib.request.urlopen(site + "/loop", timeout=5)
    site.site.heal()
    assert _get(site + "/www.moj.go.jp/news.xml")[0] == 200


def test_robots_txt_and_unknown_paths(site):
    status, headers, body = _get(site + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert b"Disallow: /private/" in body
    assert _get(site + "/private/index.html")[0] == 200  # the server serves it; a polite crawler never asks
    assert _get(site + "/no/such/page.html")[0] == 404


def test_request_headers_are_recorded(site):
    _get(site + "/www.fsa.go.jp/fsaNewsListAll_rss2.xml", {"User-Agent": "kaisei-test/1"})
    last = site.site.requests_for("/www.fsa.go.jp/fsaNewsListAll_rss2.xml")[-1]
    assert last.headers["User-Agent"] == "kaisei-test/1" and last.method == "GET" and last.status == 200
    assert site.requests is site.site.requests


def test_law_api_answers_sample_days_and_404_otherwise():
    with serve(today=SAMPLE_TODAY) as base:
        assert _get(base + LAW_LIST_PREFIX + "20261118")[0] == 200
        assert _get(base + LAW_LIST_PREFIX + "20261117")[0] == 404
        assert _get(base + LAW_LIST_PREFIX + "notadate")[0] == 404
    # On any other day the newest sample is "yesterday" and its <Date> says so.
    with serve(today=dt.date(2027, 3, 3)) as base:
        status, _, body = _get(base + LAW_LIST_PREFIX + "20270302")
        assert status == 200 and b"<Date>20270302</Date>" in body
        assert _get(base + LAW_LIST_PREFIX + "20261118")[0] == 404


def test_override_sources_point_every_builtin_here(site):
    entries = override_sources(site)
    assert {e["name"] for e in entries} == {s.name for s in BUILTIN_SOURCES}
    assert all(e["url"].startswith(str(site) + "/") for e in entries)
    assert tomllib.loads(sources_toml(site))["sources"] == entries
    assert sample_path("https://www.ppc.go.jp/information/") == "/www.ppc.go.jp/information/"
    for spec in BUILTIN_SOURCES:
        if spec.kind != "egov-laws":
            assert _get(site + sample_path(spec.url))[0] == 200, spec.name


def test_files_ship_inside_the_package():
    root = files_root()
    assert root.joinpath("robots.txt").is_file()
    assert root.joinpath("www.nta.go.jp", "information", "news", "index.htm").is_file()


def test_module_serves_from_the_shell(tmp_path):
    sources = tmp_path / "sample.toml"
    process = subprocess.Popen([sys.executable, "-m", "crawlers.sample_site", "--port", "0",
                                "--sources-file", str(sources)], stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline(), process.stdout.readline()]
        base = lines[1].split(" at ")[1].split("/ ")[0]
        assert _get(base + "/robots.txt")[0] == 200
        assert tomllib.loads(sources.read_text(encoding="utf-8"))["sources"] == override_sources(base)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_readme_user_source_example_reads_the_euc_jp_sample(site, tmp_path):
    from crawlers.registry import load_sources
    from crawlers.sample_site import example_user_sources

    entry = example_user_sources(site)[0]
    select = "\n".join(f'{k} = "{v}"' for k, v in entry["select"].items())
    path = tmp_path / "sources.toml"
    path.write_text(f'[[sources]]\nname = "tokyo-roudou"\nkind = "html"\nurl = "{entry["url"]}"\n'
                    f'title = "{entry["title"]}"\n[sources.select]\n{select}\n', encoding="utf-8")
    spec = next(s for s in load_sources(sources_file=path) if s.name == "tokyo-roudou")
    status, headers, body = _get(spec.url)
    assert status == 200
    items = parse(spec, body, url=spec.url, headers={"Content-Type": "text/html"})  # meta tag only
    assert len(items) == 8
    assert items[0].title == "年末年始における労働相談窓口の開設日時についてお知らせします"
    assert items[0].published_at == dt.datetime(2026, 11, 19, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert items[1].url == site + "/jsite.mhlw.go.jp/tokyo-roudoukyoku/news_topics/2026/1116_36kyotei.html"
