"""Crawled text is untrusted: bidi controls never reach a title, absurd publication dates are not believed.

A title carrying U+202E displays other than it reads (in the TUI, in a CSV cell); a pubDate of 9999-01-01 or
令和99年 would head every newest-first list for ever, and one of year 1 comes out in Tokyo's local mean time. What
the web sends is cleaned here, in normalization, before anything is stored.
"""

from __future__ import annotations

import pytest

from crawlers.items import UpdateItem
from crawlers.normalize import clean_text, clean_title, content_hash, is_clean
from crawlers.pipelines.normalize import normalize_item


# --- bidi controls -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("電子帳簿\u202e保存法の改正", "電子帳簿保存法の改正"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u202egnp.exe", "gnp.exe"),
        ("a\u202ab\u202bc\u202cd\u202de", "abcde"),  # embeddings, pop, left-to-right override
        ("x\u2066y\u2067z\u2068w\u2069", "xyzw"),  # isolates
        ("届出\u200e様式\u200f一覧", "届出様式一覧"),  # LRM, RLM
        ("\u061c税", "税"),  # ARABIC LETTER MARK
        ("請求書&#x202E;fdp.exe", "請求書fdp.exe"),  # written as an entity: unescaped, then dropped
        ("<b>\u202e速報</b> 改正", "速報 改正"),
        ("\u202e", ""),
    ],
)
def test_bidi_controls_are_dropped(raw, expected):
    assert clean_title(raw) == expected
    assert clean_text(raw) == expected
    assert not is_clean(raw)


@pytest.mark.parametrize(
    "text",
    [
        "שלום עולם",  # Hebrew
        "مرحبا بالعالم",  # Arabic
        "ضريبة القيمة المضافة 2026",
        "源泉徴収（令和８年分）①",
        "👩\u200d💼 担当者",  # ZERO WIDTH JOINER is part of the emoji, not a bidi control
        "ｶﾅ　と　全角",
    ],
)
def test_legitimate_text_keeps_every_letter(text):
    cleaned = clean_text(text)
    assert [ch for ch in cleaned if not ch.isspace()] == [ch for ch in text if not ch.isspace()]


def test_normalize_item_strips_bidi_from_title_and_summary():
    item = UpdateItem(source="s", url="https://x.jp/a", title="\u202e改正のお知らせ", summary="本文\u2067です\u2069")
    normalize_item(item)
    assert (item.title, item.summary) == ("改正のお知らせ", "本文です")


def test_hash_sees_the_cleaned_title():
    plain = UpdateItem(source="s", url="https://x.jp/a", title="改正のお知らせ")
    spoofed = UpdateItem(source="s", url="https://x.jp/a", title="改正\u202eのお知らせ")
    assert content_hash(plain) == content_hash(spoofed)
