"""Canonical URLs, clean titles, content hashes and page decoding."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest

from crawlers.encoding import decode_html, detect_encoding, header_charset, python_codec
from crawlers.items import UpdateItem
from crawlers.normalize import canonical_url, clean_text, clean_title, content_hash


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("HTTPS://WWW.NTA.GO.JP:443/a/b.htm#top", None, "https://www.nta.go.jp/a/b.htm"),
        ("http://example.jp:80/", None, "http://example.jp/"),
        ("http://example.jp:8080", None, "http://example.jp:8080/"),
        ("https://x.jp/p?b=2&a=1&utm_source=rss&utm_medium=feed&fbclid=zz", None, "https://x.jp/p?a=1&b=2"),
        ("../news/1.html", "https://www.ppc.go.jp/information/", "https://www.ppc.go.jp/news/1.html"),
        ("/a", "https://www.ppc.go.jp/information/", "https://www.ppc.go.jp/a"),
        ("  https://x.jp/資料 一覧.pdf ", None, "https://x.jp/%E8%B3%87%E6%96%99%20%E4%B8%80%E8%A6%A7.pdf"),
        ("https://x.jp/%E8%B3%87", None, "https://x.jp/%E8%B3%87"),
        ("https://x.jp/p?q=", None, "https://x.jp/p?q="),
        ("mailto:info@example.jp", None, "mailto:info@example.jp"),
    ],
)
def test_canonical_url(url, base, expected):
    assert canonical_url(url, base) == expected


def test_canonical_url_is_idempotent():
    url = "HTTPS://Example.JP/資料?z=1&a=%E3%81%82#frag"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  「令和８年分　年末調整」を\n掲載しました ", "「令和８年分 年末調整」を 掲載しました"),
        ("<b>電子帳簿</b>保存法&amp;ＱＡ", "電子帳簿保存法&ＱＡ"),
        ("<p>一行目</p><p>二行目</p>", "一行目 二行目"),
        ("年末調整&lt;速報&gt;", "年末調整<速報>"),
        ("ｶﾅ と （全角） は そのまま", "ｶﾅ と （全角） は そのまま"),
        ("a\u00a0b\u200bc\u3000\u3000d", "a b c d"),
        ("<script>alert(1)</script>本文<!-- c -->", "本文"),
        ("a < b", "a < b"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_title(raw, expected):
    assert clean_title(raw) == expected


def test_content_hash_ignores_markup_and_spacing_but_not_wording():
    base = UpdateItem(source="s", url="https://x/", title="年末調整　のお知らせ", summary="<p>概要</p>")
    same = UpdateItem(source="s", url="https://x/", title="年末調整 のお知らせ", summary="概要",
                      published_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    changed = UpdateItem(source="s", url="https://x/", title="年末調整のお知らせ（改訂）", summary="概要")
    later = UpdateItem(source="s", url="https://x/", title="年末調整 のお知らせ", summary="概要",
                       effective_on=dt.date(2027, 1, 1))
    assert content_hash(base) == content_hash(same)
    assert content_hash(base) != content_hash(changed)
    assert content_hash(base) != content_hash(later)
    assert len(content_hash(base)) == 64


TEXT = "令和８年分 年末調整①髙橋のお知らせ"
EUC_TEXT = "令和８年分 年末調整高橋のお知らせ"  # EUC-JP has neither ① nor 髙


@pytest.mark.parametrize(
    ("body", "headers", "codec"),
    [
        (TEXT.encode("utf-8"), {"Content-Type": "text/html; charset=UTF-8"}, "utf-8"),
        (TEXT.encode("cp932"), {"Content-Type": "text/html; charset=Shift_JIS"}, "cp932"),  # ① and 髙 need CP932
        (TEXT.encode("cp932"), {"Content-Type": "text/html; charset=x-sjis"}, "cp932"),
        (TEXT.encode("cp932"), {}, "cp932"),  # sniffed
        (TEXT.encode("cp932"), {"Content-Type": "text/html; charset=utf-8"}, "cp932"),  # header lies
        (("<meta charset=EUC-JP>" + EUC_TEXT).encode("euc_jp"), {}, "euc_jis_2004"),
        (EUC_TEXT.encode("euc_jp"), {"Content-Type": "text/html; charset=Shift_JIS"}, "euc_jis_2004"),
        (TEXT.encode("utf-8"), {"Content-Type": "text/html; charset=iso-8859-1"}, "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), {"Content-Type": "text/html; charset=Shift_JIS"}, "utf-8"),
        (('<?xml version="1.0" encoding="Shift_JIS"?><a>' + TEXT + "</a>").encode("cp932"), {}, "cp932"),
        (TEXT.encode("cp932"), {"Content-Type": "text/html; charset=no-such-charset"}, "cp932"),
        (EUC_TEXT.encode("iso2022_jp_ext"), {}, "iso2022_jp_ext"),  # 7-bit JIS: sniffed by its escape sequences
        (EUC_TEXT.encode("iso2022_jp_ext"), {"Content-Type": "text/html; charset=ISO-2022-JP"}, "iso2022_jp_ext"),
        # 7-bit JIS "decodes" as anything ASCII-based, escape sequences and all: the escapes outrank the label.
        (EUC_TEXT.encode("iso2022_jp_ext"), {"Content-Type": "text/html; charset=utf-8"}, "iso2022_jp_ext"),
        (EUC_TEXT.encode("iso2022_jp_ext"), {"Content-Type": "text/html; charset=iso-8859-1"}, "iso2022_jp_ext"),
        (EUC_TEXT.encode("iso2022_jp_ext"), {"Content-Type": "text/html; charset=Shift_JIS"}, "iso2022_jp_ext"),
        (("<meta charset=utf-8>" + EUC_TEXT).encode("iso2022_jp_ext"), {}, "iso2022_jp_ext"),
    ],
)
def test_decode_html(body, headers, codec):
    assert detect_encoding(body, headers) == codec
    expected = EUC_TEXT if codec.startswith(("euc", "iso2022")) else TEXT
    assert expected.replace("①", "") in decode_html(body, headers).replace("①", "")


def test_latin1_page_declared_latin1_stays_latin1():
    body = "<p>Café crème — naïve</p>".encode("cp1252")
    assert decode_html(body, {"Content-Type": "text/html; charset=ISO-8859-1"}) == "<p>Café crème — naïve</p>"


def test_forced_encoding_and_undecodable_bytes_never_raise():
    assert decode_html(b"\xff\xfe\xfd", {}, force="utf-8") == "\ufffd\ufffd\ufffd"
    assert isinstance(decode_html(bytes(range(256)), {}), str)


def test_charset_helpers():
    assert python_codec("Shift_JIS") == "cp932"
    assert python_codec("EUC-JP") == "euc_jis_2004"
    assert python_codec("nonsense") is None
    assert header_charset({"content-type": 'text/html; charset="utf-8"'}) == "utf-8"
    assert header_charset({"Content-Type": "text/html"}) is None


@pytest.mark.parametrize(
    ("url", "web"),
    [("https://www.nta.go.jp/a", True), ("http://[::1", False), ("javascript:void(0)", False), ("http://", False),
     ("mailto:a@b.jp", False), ("http://exa mple.jp/", False), ("/relative", False)],
)
def test_odd_urls_never_raise_and_only_web_urls_pass(url, web):
    from crawlers.normalize import is_web_url

    assert is_web_url(canonical_url(url)) is web
