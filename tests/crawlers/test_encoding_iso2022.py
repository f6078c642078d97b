"""ISO-2022-JP (7-bit JIS) is read as Japanese whatever the header or the page says, and nothing else moves.

Every fixture is Japanese text of ours, encoded here with Python's iso2022_jp codecs; the few Microsoft
characters (①, ㈱, 髙) that those codecs cannot write are given as their JIS row/cell bytes by hand.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from crawlers.encoding import decode_html, detect_encoding
from crawlers.parsers import ParseError, parse
from crawlers.registry import SourceSpec
from test_crawl_support import Page, crawl_argv, kaisei, serve, write_config
from tracker.db import create_db_engine
from tracker.models import Source, Update

JST = dt.timezone(dt.timedelta(hours=9))
TEXT = "令和８年度税制改正の大綱について　ｶﾅ ¥1,000 丂"  # full-width, half-width kana (ESC ( I), JIS Roman ¥, JIS X 0212
PAGE = f'<html><head><meta charset="utf-8"><title>お知らせ</title></head><body><p>{TEXT}</p></body></html>'
JIS_PAGE = PAGE.encode("iso2022_jp_ext")
# Written by Windows as ISO-2022-JP (CP50220): NEC row 13 ① (2D21) and ㈱ (2D6A), NEC-selected IBM 髙 (7C62).
MICROSOFT = b"\x1b$B-!-j|b\x1b(B"

HEADERS = [
    {"Content-Type": "text/html; charset=utf-8"},
    {"Content-Type": "text/html; charset=UTF-8"},
    {"content-type": "text/html; charset=us-ascii"},
    {"Content-Type": "text/html; charset=ISO-8859-1"},
    {"Content-Type": "text/html; charset=Shift_JIS"},
    {"Content-Type": "text/html; charset=EUC-JP"},
    {"Content-Type": "text/html; charset=ISO-2022-JP"},
    {"Content-Type": "text/html; charset=no-such-charset"},
    {"Content-Type": "text/html"},
    {},
]


@pytest.mark.parametrize("headers", HEADERS)
def test_jis_page_is_read_as_japanese_whatever_the_header_says(headers):
    assert JIS_PAGE.isascii() and b"\x1b$B" in JIS_PAGE and b"\x1b(I" in JIS_PAGE and b"\x1b$(D" in JIS_PAGE
    assert detect_encoding(JIS_PAGE, headers) == "iso2022_jp_ext"
    assert decode_html(JIS_PAGE, headers) == PAGE


@pytest.mark.parametrize(
    "body",
    [
        ('<?xml version="1.0" encoding="UTF-8"?><a>' + TEXT + "</a>").encode("iso2022_jp_ext"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>' + TEXT).encode("iso2022_jp_ext"),
        ("<meta charset=iso-8859-1><p>" + TEXT).encode("iso2022_jp_ext"),
    ],
)
def test_jis_page_whose_own_declaration_lies(body):
    assert TEXT in decode_html(body, {})


@pytest.mark.parametrize(
    ("text", "escape"),
    [
        ("年末調整", b"\x1b$B"),  # JIS X 0208-1983
        ("丂", b"\x1b$(D"),  # JIS X 0212
        ("ｺｳﾎｳ", b"\x1b(I"),  # JIS X 0201 katakana
        ("¥500", b"\x1b(J"),  # JIS X 0201 Roman
    ],
)
def test_each_escape_sequence_alone_is_enough(text, escape):
    body = ("<p>" + text + "</p>").encode("iso2022_jp_ext")
    assert escape in body
    assert decode_html(body, {"Content-Type": "text/html; charset=utf-8"}) == "<p>" + text + "</p>"


def test_old_jis_c_6226_escape_reads_as_jis_x_0208():
    body = "<p>年末調整</p>".encode("iso2022_jp").replace(b"\x1b$B", b"\x1b$@")
    assert decode_html(body, {"Content-Type": "text/html; charset=utf-8"}) == "<p>年末調整</p>"


def test_jis_x_0213_page_reads_through_the_2004_codec():
    body = "<p>①株式会社 𠮟責</p>".encode("iso2022_jp_2004")
    assert b"\x1b$(Q" in body
    assert decode_html(body, {"Content-Type": "text/html; charset=utf-8"}) == "<p>①株式会社 𠮟責</p>"


@pytest.mark.parametrize("headers", [{"Content-Type": "text/html; charset=utf-8"},
                                     {"Content-Type": "text/html; charset=ISO-2022-JP"}, {}])
def test_microsoft_characters_in_jis_keep_the_rest_of_the_page(headers):
    body = "<p>お知らせ".encode("iso2022_jp") + MICROSOFT + "橋商店</p>".encode("iso2022_jp")
    assert detect_encoding(body, headers) == "iso2022_jp_ext"
    assert decode_html(body, headers) == "<p>お知らせ①㈱髙橋商店</p>"


def test_cut_off_and_broken_jis_keeps_what_it_can():
    body = ("<p>" + TEXT).encode("iso2022_jp_ext")
    cut = body[: body.index(b"\x1b(I") - 1]  # the last kanji run loses the second byte of its last character
    text = decode_html(cut, {"Content-Type": "text/html; charset=utf-8"})
    assert text.startswith("<p>令和８年度税制改正の大綱について") and text.endswith("\ufffd") and "\x1b" not in text
    odd = "<p>年末".encode("iso2022_jp") + b"\x1bZ" + "調整</p>".encode("iso2022_jp")  # an escape no set has
    text = decode_html(odd, {"Content-Type": "text/html; charset=utf-8"})
    assert text == "<p>年末\ufffdZ調整</p>"


@pytest.mark.parametrize(
    ("body", "headers", "codec"),
    [
        # Terminal colour codes in plain UTF-8: ESC ( B and ESC [ are no JIS shift.
        ("ビルド結果 \x1b[31m失敗\x1b(B\x1b[m".encode(), {"Content-Type": "text/plain; charset=utf-8"}, "utf-8"),
        ("ok \x1b(B\x1b[m done".encode(), {}, "utf-8"),
        # 8-bit bytes: not ISO-2022-JP, whatever escape sits in it.
        ("年末調整".encode() + b"\x1b$B", {"Content-Type": "text/html; charset=utf-8"}, "utf-8"),
        ("年末調整".encode("cp932") + b"\x1b$B", {}, "cp932"),
        # A declared 7-bit charset that reads its own escapes keeps them.
        ("한국어 안내".encode("iso2022_kr"), {"Content-Type": "text/html; charset=ISO-2022-KR"}, "iso2022_kr"),
        # Nothing but escape sequences: no text to read, the old rules stand.
        (b"\x1b$B\x1b(B", {"Content-Type": "text/html; charset=utf-8"}, "utf-8"),
    ],
)
def test_what_is_not_jis_is_left_as_it_was(body, headers, codec):
    assert detect_encoding(body, headers) == codec
    assert decode_html(body, headers) == body.decode(codec)


def test_forced_encoding_still_wins():
    assert decode_html(JIS_PAGE, {}, force="utf-8") == JIS_PAGE.decode("ascii")


FEED_ENTRIES = [
    ("電子帳簿保存法の一部改正について", "https://www.example.go.jp/news/2026/0501.html", "改正の概要を公表しました。"),
    ("ｲﾝﾎﾞｲｽ制度 ①登録申請の受付", "https://www.example.go.jp/news/2026/0430.html", "㈱などの法人も対象です。"),
]


def _jis_feed() -> bytes:
    """An RSS 2.0 feed in ISO-2022-JP; the second entry carries Microsoft characters (so the lenient reading)."""
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        f"<pubDate>Fri, 01 May 2026 10:00:00 +0900</pubDate></item>" for t, link, d in FEED_ENTRIES)
    text = ('<?xml version="1.0" encoding="ISO-2022-JP"?><rss version="2.0"><channel><title>新着情報</title>'
            f"<link>https://www.example.go.jp/</link><description>テスト</description>{items}</channel></rss>")
    parts = text.replace("①", "\0①\0").replace("㈱", "\0㈱\0").split("\0")
    jis = {"①": b"\x1b$B-!\x1b(B", "㈱": b"\x1b$B-j\x1b(B"}
    return b"".join(jis.get(part) or part.encode("iso2022_jp_ext") for part in parts)


def _jis_list_page() -> bytes:
    rows = "".join(f'<li><span class="date">2026年5月{d}日</span><a href="/topics/{d}.html">{t}</a></li>'
                   for d, t in ((1, "年末調整の手引きを改訂しました"), (2, "国税電子申告の停止（５月２日）")))
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-2022-JP">'
            f'<title>新着</title></head><body><ul class="news">{rows}</ul></body></html>').encode("iso2022_jp")


LIST_SELECT = {"item": "ul.news > li", "title": "a::text", "link": "a::attr(href)", "date": "span.date::text"}


def test_jis_feed_served_as_utf8_parses_to_japanese_items():
    spec = SourceSpec(name="jis-feed", title="jis", kind="feed", url="https://www.example.go.jp/news.rss")
    body = _jis_feed()
    assert body.isascii()
    items = parse(spec, body, url=spec.url, headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    assert [(i.title, i.url, i.summary) for i in items] == FEED_ENTRIES
    assert items[0].published_at == dt.datetime(2026, 5, 1, 10, 0, tzinfo=JST)


def test_jis_list_page_served_as_utf8_parses_to_japanese_items():
    spec = SourceSpec(name="jis-html", title="jis", kind="html", url="https://www.example.go.jp/list/",
                      select=LIST_SELECT)
    items = parse(spec, _jis_list_page(), url=spec.url, headers={"Content-Type": "text/html; charset=UTF-8"})
    assert [(i.title, i.url) for i in items] == [
        ("年末調整の手引きを改訂しました", "https://www.example.go.jp/topics/1.html"),
        ("国税電子申告の停止（５月２日）", "https://www.example.go.jp/topics/2.html"),
    ]


def test_crawl_reads_jis_feed_and_page_served_with_a_utf8_header(db_url, tmp_path):
    with serve() as srv:
        feed_url = srv.add("/news.rss", Page(_jis_feed(), "application/rss+xml; charset=utf-8"))
        page_url = srv.add("/list/index.html", Page(_jis_list_page(), "text/html; charset=utf-8"))
        sources = tmp_path / "sources.toml"
        select_lines = "".join(f'{key} = "{value}"\n' for key, value in LIST_SELECT.items())
        sources.write_text(
            f'[[sources]]\nname = "t-jis-feed"\nkind = "feed"\nurl = "{feed_url}"\ntitle = "JIS feed"\n\n'
            f'[[sources]]\nname = "t-jis-html"\nkind = "html"\nurl = "{page_url}"\ntitle = "JIS page"\n'
            f"[sources.select]\n{select_lines}", encoding="utf-8")
        config = write_config(tmp_path / "kaisei.toml")
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", "--only", "t-jis-feed",
                                    "--only", "t-jis-html"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Source.name, Update.title, Update.summary).join(Update)).all()
    engine.dispose()
    assert sorted((name, title) for name, title, _ in rows) == sorted([
        ("t-jis-feed", "ｲﾝﾎﾞｲｽ制度 ①登録申請の受付"),
        ("t-jis-feed", "電子帳簿保存法の一部改正について"),
        ("t-jis-html", "国税電子申告の停止（５月２日）"),
        ("t-jis-html", "年末調整の手引きを改訂しました"),
    ])
    assert {summary for name, _, summary in rows if name == "t-jis-feed"} == {d for _, _, d in FEED_ENTRIES}


def _jis_alphabet() -> list[str]:
    """Every character iso2022_jp_ext writes and reads back: ASCII but ESC, ¥ and ‾ (JIS Roman), half-width
    kana, and the JIS X 0208 and JIS X 0212 tables."""
    chars = [chr(c) for c in range(0x20, 0x7F)] + ["\n", "\t", "\u00a5", "\u203e"]
    chars += [chr(c) for c in range(0xFF61, 0xFFA0)]
    for escape in (b"\x1b$B", b"\x1b$(D"):
        for b1 in range(0x21, 0x7F):
            for b2 in range(0x21, 0x7F):
                try:
                    chars.append((escape + bytes((b1, b2)) + b"\x1b(B").decode("iso2022_jp_ext"))
                except UnicodeDecodeError:
                    pass
    return [c for c in dict.fromkeys(chars) if len(c) == 1 and c.encode("iso2022_jp_ext").isascii()]


_ALPHABET = _jis_alphabet()
_JIS_TEXT = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=60) | st.text(
    alphabet=st.sampled_from(list("abc <p>/=\"&;\\~\n") + list("年末調整のお知らせｱｲｳ丂¥‾")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(text=_JIS_TEXT, charset=st.sampled_from([None, "utf-8", "Shift_JIS", "EUC-JP", "iso-8859-1", "ISO-2022-JP"]))
def test_any_jis_text_round_trips_whatever_the_header(text, charset):
    headers = {"Content-Type": f"text/html; charset={charset}"} if charset else {}
    body = text.encode("iso2022_jp_ext")
    if "<meta" in text.lower() or "<?xml" in text.lower():
        return  # (a text that declares its own charset is another test)
    if text.isascii() and charset in ("Shift_JIS", "EUC-JP"):
        text = body.decode({"Shift_JIS": "cp932", "EUC-JP": "euc_jis_2004"}[charset])
    assert decode_html(body, headers) == text


@settings(max_examples=150, deadline=None)
@given(before=_JIS_TEXT, after=_JIS_TEXT)
def test_microsoft_characters_between_any_jis_text_round_trip(before, after):
    body = before.encode("iso2022_jp_ext") + MICROSOFT + after.encode("iso2022_jp_ext")
    assert decode_html(body, {"Content-Type": "text/html; charset=utf-8"}) == before + "①㈱髙" + after


_ESCAPES = [b"\x1b$B", b"\x1b$@", b"\x1b$(D", b"\x1b$(Q", b"\x1b$(P", b"\x1b$(C", b"\x1b$A", b"\x1b(B", b"\x1b(J",
            b"\x1b(I", b"\x1b&@", b"\x1b", b"\x1b$", b"\x1b$(", b"\x1b(", b"\x0e", b"\x0f"]
_SHIFT = re.compile(rb"\x1b(?:\$[@AB]|\$\([CDOPQ]|\([IJ])")
_JIS_NOISE = st.lists(st.sampled_from(_ESCAPES) | st.binary(max_size=6) | st.sampled_from([b"0!", b"-!", b"|b", b"\n"]),
                      max_size=24).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(body=_JIS_NOISE, charset=st.sampled_from(["", "utf-8", "Shift_JIS", "euc-jp", "ISO-2022-JP", "iso-2022-jp-2",
                                                 "iso-8859-1", "utf-16", "nonsense"]))
def test_decoding_escape_heavy_bytes_never_raises(body, charset):
    headers = {"Content-Type": f"text/html; charset={charset}"} if charset else {}
    text = decode_html(body, headers)
    assert isinstance(text, str)
    assert isinstance(detect_encoding(body, headers), str)
    if detect_encoding(body, headers).startswith("iso2022_jp") and body.isascii() and _SHIFT.search(body):
        assert "\x1b" not in text  # a page read as JIS never shows its escape sequences


@settings(max_examples=100, deadline=None)
@given(body=_JIS_NOISE)
def test_parsing_escape_heavy_bytes_ends_in_items_or_one_line_error(body):
    spec = SourceSpec(name="jis-feed", title="jis", kind="feed", url="https://www.example.go.jp/news.rss")
    try:
        parse(spec, b'<?xml version="1.0"?><rss version="2.0"><channel>' + body, url=spec.url,
              headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    except ParseError as exc:
        assert "\n" not in str(exc)


# --- stray 8-bit bytes in a JIS body ------------------------------------------------------------------------

NOTICE = "令和８年度税制改正の大綱について、年末調整の手引きを掲載しました。"
NOTICE_PAGE = f'<html><head><meta charset="utf-8"></head><body><p>{NOTICE}</p></body></html>'


def _nth_jis_char(body: bytes, n: int) -> int:
    """Offset of the first byte of the n-th character (from 0) of the first two-byte run."""
    return body.index(b"\x1b$B") + 3 + 2 * n


@pytest.mark.parametrize("headers", [{"Content-Type": "text/html; charset=utf-8"}, {}])
def test_a_flipped_byte_in_jis_text_costs_one_character(headers):
    body = NOTICE_PAGE.encode("iso2022_jp_ext")
    at = _nth_jis_char(body, 3)  # 年 of 令和８年度
    damaged = body[:at] + bytes([body[at] | 0x80]) + body[at + 1:]
    assert detect_encoding(damaged, headers) == "iso2022_jp_ext"
    assert decode_html(damaged, headers) == NOTICE_PAGE.replace("８年度", "８\ufffd度")


def test_a_byte_put_between_jis_characters_is_one_character_of_its_own():
    body = NOTICE_PAGE.encode("iso2022_jp_ext")
    at = _nth_jis_char(body, 3)
    assert decode_html(body[:at] + b"\xa4" + body[at:], {}) == NOTICE_PAGE.replace("８年度", "８\ufffd年度")


def test_a_stray_byte_in_the_markup_of_a_jis_page():
    body = NOTICE_PAGE.encode("iso2022_jp_ext").replace(b"</p>", b"\x85</p>")
    assert decode_html(body, {"Content-Type": "text/html; charset=Shift_JIS"}) == NOTICE_PAGE.replace(
        "</p>", "\ufffd</p>")


@pytest.mark.parametrize("codec", ["utf-8", "cp932", "euc_jis_2004"])
def test_a_page_in_an_eight_bit_encoding_quoting_some_jis_is_still_that_encoding(codec):
    """Japanese in UTF-8, Shift_JIS or EUC-JP is 8-bit wherever it is Japanese: a short JIS quote is outweighed."""
    body = ("<p>" + NOTICE * 3).encode(codec) + "（原文：年末調整）".encode("iso2022_jp") + b"</p>"
    assert detect_encoding(body, {}) == codec
