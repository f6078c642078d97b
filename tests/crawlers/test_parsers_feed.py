"""Feed parsing: RSS 1.0, RSS 2.0 and Atom fixtures modelled on the real regulators, with their date traps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawlers.parsers import ParseError, parse
from crawlers.registry import BUILTIN_SOURCES, get_source, with_overrides

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"
JST = dt.timezone(dt.timedelta(hours=9))
UTC = dt.timezone.utc


def _parse(name: str, fixture: str, *, url: str | None = None, headers: dict | None = None, **overrides):
    spec = get_source(BUILTIN_SOURCES, name)
    if overrides:
        spec = with_overrides(spec, **overrides)
    return parse(spec, (FIXTURES / fixture).read_bytes(), url=url or spec.url, headers=headers)


def test_fsa_pubdate_ending_in_jst_is_japan_time_not_utc():
    items = _parse("fsa-news", "fsa_rss2_jst.xml")
    assert [i.published_at for i in items] == [
        dt.datetime(2026, 5, 1, 17, 0, tzinfo=JST),
        dt.datetime(2026, 4, 30, 9, 30, tzinfo=JST),
        dt.datetime(2026, 4, 28, 17, 0, tzinfo=JST),
    ]
    # 17:00 JST is 08:00 UTC; feedparser alone would have said 17:00 UTC.
    assert items[0].published_at.astimezone(UTC).hour == 8
    assert items[0].title == "「財務報告に係る内部統制の評価及び監査に関する実施基準」の改訂について"
    assert items[0].summary == "内部統制報告制度の実施基準の改訂を公表しました。"
    assert all(i.source == "fsa-news" and i.language == "ja" for i in items)


def test_relative_feed_link_resolves_against_the_feed_url():
    items = _parse("fsa-news", "fsa_rss2_jst.xml")
    assert items[2].url == "https://www.fsa.go.jp/news/r8/sonota/20260428_chotatsu.html"


def test_full_width_space_in_title_is_normalized():
    items = _parse("fsa-news", "fsa_rss2_jst.xml")
    assert items[1].title == "金融審議会 市場制度ワーキング・グループ（第３回）議事次第"


def test_egov_pubcom_malformed_dc_date_deadline_and_categories():
    items = _parse("egov-pubcom", "egov_pubcom_rss1.xml")
    first, second = items
    # "2026-04-30T15:00:Z" is 15:00 UTC, i.e. 00:00 JST on 1 May (the day the call for comments opened).
    assert first.published_at == dt.datetime(2026, 4, 30, 15, 0, tzinfo=UTC)
    assert first.published_at.astimezone(JST) == dt.datetime(2026, 5, 1, 0, 0, tzinfo=JST)
    assert first.deadline_on == dt.date(2026, 7, 10)
    assert first.categories == ["労働・雇用", "社会保障"]
    assert "受付締切日時：2026/07/10 23:59" in first.summary
    assert "<br>" not in first.summary
    # Full-width digits in the deadline are read too.
    assert second.deadline_on == dt.date(2026, 6, 1)
    assert second.categories == ["財政・税制"]
    # Query-string identity is kept (sorted), so two cases stay two updates.
    assert first.url == ("https://public-comment.e-gov.go.jp/pcm/detail?CLASSNAME=PCMMSTDETAIL&Mode=0&id=495260101")
    assert first.url != second.url


def test_egov_news_noon_utc_stamp_is_stored_as_the_day_at_midnight_jst():
    items = _parse("egov-news", "egov_news_rss2.xml")
    assert [i.published_at for i in items] == [
        dt.datetime(2026, 5, 12, 0, 0, tzinfo=JST),
        dt.datetime(2026, 5, 1, 0, 0, tzinfo=JST),
    ]


def test_without_date_only_the_same_stamp_keeps_its_time():
    items = _parse("egov-news", "egov_news_rss2.xml", settings={})
    assert items[0].published_at == dt.datetime(2026, 5, 12, 12, 0, tzinfo=UTC)


def test_mhlw_rss1_dc_date_with_offset():
    items = _parse("mhlw-news", "mhlw_rss1.rdf")
    assert items[0].published_at == dt.datetime(2026, 5, 1, 16, 0, tzinfo=JST)
    assert items[0].title == "「雇用保険の適用拡大」に関する事業主向けＱ＆Ａを公表します"  # full-width Ｑ＆Ａ kept
    assert items[1].summary == ""


def test_meti_atom_html_summary_and_relative_link():
    first, second = _parse("meti-news", "meti_atom.xml")
    assert first.summary == "中小企業の電子帳簿保存対応状況を調査しました。"
    assert first.published_at == dt.datetime(2026, 5, 1, 14, 0, tzinfo=JST)
    assert second.url == "https://www.meti.go.jp/press/2026/04/20260430002/20260430002.html"
    assert second.title == "鉱工業生産指数（令和８年３月分速報）"


def test_hmrc_atom_english_with_utm_params_dropped():
    first, second = _parse("hmrc", "hmrc_atom.xml")
    assert first.language == "en"
    assert first.published_at == dt.datetime(2026, 5, 1, 9, 15, 4, tzinfo=UTC)
    assert second.url == "https://www.gov.uk/government/statistics/hmrc-monthly-receipts"


def test_zone_less_date_is_jst_for_japanese_and_utc_for_english_sources():
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>a</title><link>https://example.jp/a</link><pubDate>2026-05-01 10:00</pubDate></item>"
            b"</channel></rss>")
    ja = parse(get_source(BUILTIN_SOURCES, "mof-news"), body, url="https://example.jp/feed")
    en = parse(get_source(BUILTIN_SOURCES, "hmrc"), body, url="https://example.jp/feed")
    assert ja[0].published_at == dt.datetime(2026, 5, 1, 10, 0, tzinfo=JST)
    assert en[0].published_at == dt.datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def test_malformed_feed_keeps_the_entries_it_has():
    items = _parse("mof-news", "malformed_feed.xml")
    assert items[0].title == "国債の入札結果（５年利付国債）"
    assert items[0].published_at == dt.datetime(2026, 5, 1, 12, 35, tzinfo=JST)
    assert all(i.title and i.url for i in items)


def test_shift_jis_feed_is_decoded():
    body = ('<?xml version="1.0" encoding="Shift_JIS"?><rss version="2.0"><channel><title>法務省</title>'
            "<item><title>商業登記の手続①（髙島屋方式）</title><link>https://www.moj.go.jp/a.html</link>"
            "<pubDate>Fri, 01 May 2026 10:00:00 +0900</pubDate></item></channel></rss>").encode("cp932")
    items = parse(get_source(BUILTIN_SOURCES, "moj-news"), body, url="https://www.moj.go.jp/news.xml",
                  headers={"Content-Type": "application/xml"})
    assert items[0].title == "商業登記の手続①（髙島屋方式）"


def test_repeated_entry_is_one_item():
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>a</title><link>https://example.jp/a#x</link></item>"
            b"<item><title>a</title><link>https://example.jp/a</link></item></channel></rss>")
    assert len(parse(get_source(BUILTIN_SOURCES, "mof-news"), body, url="https://example.jp/")) == 1


def test_relative_xml_base_is_chained_from_the_feed_url():
    body = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="/news/"><title>t</title>'
            b'<entry xml:base="r8/"><title>a</title><link href="a.html"/><id>1</id></entry>'
            b'<entry><title>b</title><link href="../b.html"/><id>2</id></entry></feed>')
    items = parse(get_source(BUILTIN_SOURCES, "meti-news"), body, url="https://example.jp/feeds/atom.xml")
    assert [i.url for i in items] == ["https://example.jp/news/r8/a.html", "https://example.jp/b.html"]


def test_feed_without_entries_is_empty_not_an_error():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse(get_source(BUILTIN_SOURCES, "mof-news"), body, url="https://example.jp/") == []


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("not_a_feed.html", "HTML page"), ("garbage.bin", "not a feed"), ("nta_news_sjis.htm", "HTML page")],
)
def test_not_a_feed_is_one_line_parse_error(fixture, message):
    with pytest.raises(ParseError) as excinfo:
        _parse("mof-news", fixture)
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_empty_body_is_a_parse_error():
    with pytest.raises(ParseError, match="empty"):
        parse(get_source(BUILTIN_SOURCES, "mof-news"), b"  \n", url="https://example.jp/")


@pytest.mark.parametrize("body", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf  \n"])
def test_a_byte_order_mark_alone_is_a_parse_error(body):
    with pytest.raises(ParseError) as excinfo:
        parse(get_source(BUILTIN_SOURCES, "mof-news"), body, url="https://example.jp/")
    assert "\n" not in str(excinfo.value)


def test_feed_body_is_never_opened_as_a_file_name(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><item><title>leak</title><link>https://x/</link></item>'
                      "</channel></rss>")
    with pytest.raises(ParseError):
        parse(get_source(BUILTIN_SOURCES, "mof-news"), str(secret).encode(), url="https://example.jp/")
