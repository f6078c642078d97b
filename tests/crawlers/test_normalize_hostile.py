"""Crawled text is untrusted: bidi controls never reach a title, absurd publication dates are not believed.

A title carrying U+202E displays other than it reads (in the TUI, in a CSV cell); a pubDate of 9999-01-01 or
令和99年 would head every newest-first list for ever, and one of year 1 comes out in Tokyo's local mean time. What
the web sends is cleaned here, in normalization, before anything is stored.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crawlers.items import UpdateItem
from crawlers.normalize import believable_published_at, clean_text, clean_title, content_hash, is_clean
from crawlers.pipelines.normalize import normalize_item
from crawlers.registry import SourceSpec
from crawlers.spiders.reading import read_body

JST = dt.timezone(dt.timedelta(hours=9))
UTC = dt.timezone.utc
CRAWLED = dt.datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 12:00 JST


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
    normalize_item(item, now=CRAWLED)
    assert (item.title, item.summary) == ("改正のお知らせ", "本文です")


def test_hash_sees_the_cleaned_title():
    plain = UpdateItem(source="s", url="https://x.jp/a", title="改正のお知らせ")
    spoofed = UpdateItem(source="s", url="https://x.jp/a", title="改正\u202eのお知らせ")
    assert content_hash(plain) == content_hash(spoofed)


# --- publication dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "published",
    [
        dt.datetime(9999, 1, 1, tzinfo=JST),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))),  # past UTC's year 9999
        dt.datetime(2117, 1, 1, tzinfo=JST),  # 令和99年
        dt.datetime(2026, 11, 26, 12, 0, 1, tzinfo=JST),  # two days and a second after the crawl
        dt.datetime(1, 1, 1, tzinfo=UTC),
        dt.datetime(1, 1, 1, tzinfo=JST),  # before UTC's year 1
        dt.datetime(1899, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_publication_dates_out_of_range_are_not_believed(published):
    assert believable_published_at(published, CRAWLED) is None
    item = UpdateItem(source="s", url="https://x.jp/a", title="t", published_at=published)
    normalize_item(item, now=CRAWLED)
    assert item.published_at is None


@pytest.mark.parametrize(
    "published",
    [
        dt.datetime(2026, 11, 24, 9, 0, tzinfo=JST),
        dt.datetime(2026, 11, 25, tzinfo=JST),  # a page dated tomorrow
        dt.datetime(2026, 11, 26, 12, 0, tzinfo=JST),  # exactly two days ahead
        dt.datetime(2019, 5, 1, tzinfo=JST),  # 令和元年
        dt.datetime(1989, 1, 8, tzinfo=JST),  # 平成元年
        dt.datetime(1900, 1, 1, tzinfo=UTC),
    ],
)
def test_plausible_publication_dates_are_kept(published):
    item = UpdateItem(source="s", url="https://x.jp/a", title="t", published_at=published)
    normalize_item(item, now=CRAWLED)
    assert item.published_at == published


def test_effective_and_deadline_dates_may_be_years_ahead():
    item = UpdateItem(source="s", url="https://x.jp/a", title="t", published_at=dt.datetime(9999, 1, 1, tzinfo=JST),
                      effective_on=dt.date(2117, 4, 1), deadline_on=dt.date(2031, 3, 31))
    normalize_item(item, now=CRAWLED)
    assert (item.published_at, item.effective_on, item.deadline_on) == (None, dt.date(2117, 4, 1),
                                                                       dt.date(2031, 3, 31))


def test_a_naive_time_is_a_fixed_plus_nine_not_tokyo_lmt():
    item = UpdateItem(source="s", url="https://x.jp/a", title="t", published_at=dt.datetime(2026, 11, 20, 10))
    assert normalize_item(item, now=CRAWLED) is True
    assert item.published_at.utcoffset() == dt.timedelta(hours=9)
    old = UpdateItem(source="s", url="https://x.jp/a", title="t", published_at=dt.datetime(1, 1, 1))
    assert normalize_item(old, now=CRAWLED) is True
    assert old.published_at is None


def _rss(*dates: str) -> bytes:
    items = "".join(f"<item><title>お知らせ{i}</title><link>https://x.jp/{i}</link><pubDate>{d}</pubDate></item>"
                    for i, d in enumerate(dates))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>https://x.jp/</link><description>d</description>{items}</channel></rss>").encode()


def test_a_feed_read_at_crawl_time_drops_absurd_dates():
    spec = SourceSpec(name="hostile", title="hostile", kind="feed", url="https://x.jp/feed.xml")
    body = _rss("9999-01-01T00:00:00+09:00", "0001-01-01T00:00:00Z", "Fri, 01 May 2026 10:00:00 +0900")
    items, hashes, _ = read_body(spec, body, spec.url, {"Content-Type": "application/rss+xml"})
    assert [i.published_at for i in items] == [None, None, dt.datetime(2026, 5, 1, 10, tzinfo=JST)]
    assert len(hashes) == 3


# --- the whole crawl -----------------------------------------------------------------------------------------

HOSTILE_PAGE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>新着情報</title></head><body>
<ul class="news">
<li><span class="date">12/25/2024</span><a href="/a.html">\u202e請求書fdp.exe</a></li>
<li><span class="date">9999-01-01</span><a href="/b.html">お知らせ\u2067（訂正）\u2069</a></li>
<li><span class="date">第3/4四半期</span><a href="/c.html">決算短信</a></li>
<li><span class="date">2026/11/20</span><a href="/d.html">年末調整のお知らせ</a></li>
<li><span class="date">令和元年5月1日</span><a href="/e.html">改元のお知らせ</a></li>
</ul></body></html>"""


def test_crawl_stores_no_wrong_dates_and_no_bidi_controls(db_url, tmp_path):
    from sqlmodel import Session

    from test_crawl_support import Page, crawl_argv, kaisei, serve, write_config
    from tracker.db import create_db_engine
    from tracker.store import list_updates, update_records

    config = write_config(tmp_path / "kaisei.toml")
    with serve() as srv:
        url = srv.add("/news/", Page(HOSTILE_PAGE.encode(), "text/html; charset=utf-8"))
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "hostile-list"\nkind = "html"\nurl = "{url}"\ntitle = "hostile"\n'
            '[sources.select]\nitem = "ul.news > li"\ntitle = "a::text"\nlink = "a::attr(href)"\n'
            'date = "span.date::text"\n', encoding="utf-8")
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", "--only", "hostile-list"))
    assert result.returncode == 0, result.stdout + result.stderr

    engine = create_db_engine(db_url)
    try:
        with Session(engine) as session:
            records = update_records(session=session, updates=list_updates(session=session))
    finally:
        engine.dispose()
    stored = {r["url"].rsplit("/", 1)[1]: (r["title"], r["published_at"]) for r in records}
    assert stored == {
        "a.html": ("請求書fdp.exe", None),  # not 2025-12-25 (nor 2026-12-25)
        "b.html": ("お知らせ（訂正）", None),  # 9999 is not believed
        "c.html": ("決算短信", None),
        "d.html": ("年末調整のお知らせ", "2026-11-20T00:00:00+09:00"),
        "e.html": ("改元のお知らせ", "2019-05-01T00:00:00+09:00"),
    }
    # Newest first, the dateless by when they were fetched (this crawl): 9999 no longer heads the list.
    assert [r["url"].rsplit("/", 1)[1] for r in records][-2:] == ["d.html", "e.html"]
    csv = kaisei("updates", "--db", db_url, "--config", str(config), "--format", "csv")
    assert csv.returncode == 0, csv.stderr
    assert "請求書fdp.exe" in csv.stdout
    assert not any(ch in csv.stdout for ch in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
