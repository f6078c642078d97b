"""Why a source failed, in the reader's language: stored in English, shown in Japanese under ja.

The end-to-end test makes a real crawl fail in most of the ways a server can, then checks that every reason the
crawl actually stored has a Japanese form — so a reason added later without one shows up here, not in a
Japanese user's terminal as the one English line.
"""

from __future__ import annotations

import json
import re

import pytest

from crawlers.failure_ja import failure_ja, failure_text
from test_crawl_support import Page, kaisei, rss, serve, write_config, write_sources

U = "http://127.0.0.2:8080/feed.xml"

# (what the crawl writes, the Japanese a person reads)
FORMS = [
    (f"HTTP 503 Service Unavailable from {U}", f"{U} が HTTP 503 Service Unavailable を返しました"),
    (f"HTTP 599 from {U}", f"{U} が HTTP 599 を返しました"),
    (f"HTTP 302 Found from {U} (a redirect to ftp://ftp.example.jp/f.xml, not followed)",
     f"{U} が HTTP 302 Found を返しました（ftp://ftp.example.jp/f.xml へのリダイレクトはたどりません）"),
    (f"response too large (over 1000000 bytes once decompressed): {U}",
     f"応答が大きすぎます（展開すると1000000 バイト超）: {U}"),
    (f"response too large (over 5000 bytes): {U}", f"応答が大きすぎます（5000 バイト超）: {U}"),
    (f"response too large: {U}", f"応答が大きすぎます: {U}"),
    (f"too many redirects (a loop?) from {U}: more than 5",
     f"リダイレクトが多すぎます（ループしていませんか。5 回を超えました）: {U}"),
    (f"robots.txt unreachable (HTTP 503): the site is not crawled until it answers (RFC 9309): {U}",
     f"robots.txt が HTTP 503 を返したため、このサイトは応答するようになるまで取得しません（RFC 9309）: {U}"),
    (f"forbidden by robots.txt: {U}", f"robots.txt で取得を禁止されています: {U}"),
    (f"timed out after 3 s: {U}", f"3 秒待っても応答がありません: {U}"),
    (f"timed out after 0.5 s: {U}", f"0.5 秒待っても応答がありません: {U}"),
    ("host not found: kaisei.invalid", "ホスト名が見つかりません: kaisei.invalid"),
    ("connection refused: 127.0.0.1:9", "接続を拒否されました: 127.0.0.1:9"),
    ("connection timed out: 10.255.255.1:80", "接続が時間切れになりました: 10.255.255.1:80"),
    (f"response cut short: {U}", f"応答が途中で切れました: {U}"),
    (f"the server closed the connection without a whole HTTP answer: {U}",
     f"サーバーが HTTP の応答を返し終える前に接続を切りました: {U}"),
    (f"not an HTTP answer: {U}", f"HTTP の応答ではありません: {U}"),
    (f"cannot decompress the answer (its Content-Encoding is wrong): {U}",
     f"応答を展開できません（Content-Encoding が誤っています）: {U}"),
    (f"cannot follow a redirect to javascript:alert(1): {U}",
     f"javascript:alert(1) へのリダイレクトはたどれません: {U}"),
    (f"answered 304 Not Modified to a request that was not conditional: {U}",
     f"条件付きでないリクエストに 304 Not Modified が返りました: {U}"),
    (f"unreadable response from {U}: empty response body", f"{U} の応答を読めません: 本文が空です"),
    (f"unreadable response from {U}: not a feed: the server sent an HTML page",
     f"{U} の応答を読めません: フィードではありません: サーバーは HTML ページを返しました"),
    (f"unreadable response from {U}: not a feed: XML not well-formed (invalid token)",
     f"{U} の応答を読めません: フィードではありません: XML not well-formed (invalid token)"),
    (f"unreadable response from {U}: feed has 3 entries but none with a title and link",
     f"{U} の応答を読めません: フィードに 3 件の項目がありますが、件名とリンクのそろったものがありません"),
    (f"unreadable response from {U}: law API error 1: 法令が見つかりません",
     f"{U} の応答を読めません: 法令APIのエラー 1: 法令が見つかりません"),
    (f"unreadable response from {U}: no element matches select.item 'ul.news > li': the page layout may have "
     "changed",
     f"{U} の応答を読めません: select.item 'ul.news > li' に合う要素がありません。ページの構成が変わったのかもしれません"),
    ("every day answered 404: wrong URL? (https://laws.e-gov.go.jp/api/1/updatelawlists/)",
     "どの日も 404 でした。URL が誤っていませんか（https://laws.e-gov.go.jp/api/1/updatelawlists/）"),
    ("interrupted: the crawl was stopped before this source finished (killed; closed by the next crawl)",
     "中断: この情報源が終わる前に取得が止められました（強制終了。次の取得で閉じました）"),
    ("database error: not stored", "データベースのエラー: 保存していません"),
]


@pytest.mark.parametrize(("english", "japanese"), FORMS, ids=[e[:40] for e, _ in FORMS])
def test_each_reason_the_crawl_writes_reads_in_japanese(english, japanese):
    assert failure_ja(english) == japanese
    assert failure_text(english, "en") == english
    assert failure_text(english, "ja") == japanese


def test_several_reasons_are_each_translated_and_an_unknown_one_is_kept_as_is():
    joined = f"HTTP 500 Internal Server Error from {U}; SomeLibraryError: it broke: {U}"
    assert failure_ja(joined) == (f"{U} が HTTP 500 Internal Server Error を返しました；"
                                  f"SomeLibraryError: it broke: {U}")
    assert failure_ja(f"database error: disk full; HTTP 500 Internal Server Error from {U}") == \
        f"データベースのエラー: disk full；{U} が HTTP 500 Internal Server Error を返しました"
    assert failure_text(None, "ja") == "" and failure_text("", "en") == ""


def test_web_text_inside_a_reason_is_kept_not_read_as_a_pattern():
    """The server's own words (an API message, a Location header) come through unchanged, braces and all."""
    message = f"unreadable response from {U}: law API error 500: {{code}} 失敗 %s"
    assert failure_ja(message) == f"{U} の応答を読めません: 法令APIのエラー 500: {{code}} 失敗 %s"


_ENGLISH_REASON = re.compile(r"\b(from|response|refused|timed|answered|cannot|not a feed|too large|forbidden)\b")


def test_a_failing_crawl_speaks_japanese_under_ja_and_stores_english(db_url, tmp_path):
    """One crawl, many ways to fail: under --lang ja each source's line is in Japanese, and every reason stored
    (in English) has a Japanese form; `kaisei sources` shows it in the reader's language, JSON keeps the stored
    form."""
    with serve() as srv:
        good = rss([("お知らせ", f"{srv.base}/n/1", "")])
        urls = {
            "j-500": srv.add("/500.xml", Page(b"oops", status=500, content_type="text/plain")),
            "j-404": srv.add("/404.xml", Page(b"", status=404)),
            "j-html": srv.add("/html.xml", Page(b"<!DOCTYPE html><html><body>maintenance</body></html>",
                                                content_type="text/html")),
            "j-empty": srv.add("/empty.xml", Page(b"")),
            "j-large": srv.add("/large.xml", Page(b"<rss>" + b" " * 300_000 + b"</rss>")),
            "j-slow": srv.add("/slow.xml", Page(good, delay=3.0)),
            "j-loop": srv.add("/loop.xml", Page(b"", status=302, headers={"Location": "/loop.xml"})),
            "j-304": srv.add("/304.xml", Page(b"", status=304)),
            "j-refused": "http://127.0.0.1:9/feed.xml",
            "j-good": srv.add("/good.xml", Page(good)),
        }
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml", max_bytes=200_000, timeout=1.0, obey_robots=False)
        only = [arg for name in urls for arg in ("--only", name)]
        common = ["--db", db_url, "--config", str(config)]
        result = kaisei("--lang", "ja", "crawl", *common, "--sources", str(sources), "--no-tag", *only)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = {line.split(": ", 3)[2]: line.split(": ", 3)[3]
             for line in result.stderr.splitlines() if line.startswith("kaisei: crawl: j-")}
    assert set(lines) == set(urls) - {"j-good"}, result.stderr
    for name, reason in lines.items():
        assert re.search(r"[ぁ-んァ-ヶ一-龯]", reason), (name, reason)
        assert not _ENGLISH_REASON.search(reason.replace(urls[name], "")), (name, reason)
    assert "件失敗" in result.stdout

    listed = kaisei("sources", *common, "--sources", str(sources), "--format", "json")
    stored = {r["name"]: r["last_error"] for r in json.loads(listed.stdout) if r["name"] in urls}
    assert stored["j-good"] is None
    for name, error in stored.items():
        if name != "j-good":
            assert failure_ja(error) != error, f"no Japanese form for what {name} stored: {error}"
            assert _ENGLISH_REASON.search(error), error  # stored as written: English
    table_ja = kaisei("--lang", "ja", "sources", *common, "--sources", str(sources))
    table_en = kaisei("--lang", "en", "sources", *common, "--sources", str(sources))
    assert "接続を拒否されました: 127.0.0.1:9" in table_ja.stdout
    assert "connection refused: 127.0.0.1:9" in table_en.stdout


def test_a_failing_crawl_under_en_keeps_the_english_lines(db_url, tmp_path):
    with serve() as srv:
        url = srv.add("/500.xml", Page(b"oops", status=500, content_type="text/plain"))
        sources = write_sources(tmp_path / "sources.toml", [{"name": "e-500", "url": url}])
        config = write_config(tmp_path / "kaisei.toml", obey_robots=False)
        result = kaisei("--lang", "en", "crawl", "--db", db_url, "--config", str(config), "--sources",
                        str(sources), "--no-tag", "--only", "e-500")
    assert result.returncode == 1
    assert f"kaisei: crawl: e-500: HTTP 500 Internal Server Error from {url}" in result.stderr
    assert "1 failed" in result.stdout
