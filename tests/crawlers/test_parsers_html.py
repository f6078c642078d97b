"""List pages through selectors: NTA's Shift_JIS 和暦 table, PPC's news list, ASBJ, and user-defined sources."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawlers.parsers import ParseError, parse
from crawlers.registry import BUILTIN_SOURCES, SourceSpec, get_source, with_overrides

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"
JST = dt.timezone(dt.timedelta(hours=9))
NTA_URL = "https://www.nta.go.jp/information/news/index.htm"
SJIS = {"Content-Type": "text/html; charset=Shift_JIS"}


def _day(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, tzinfo=JST)


def _nta(headers=SJIS):
    spec = get_source(BUILTIN_SOURCES, "nta-news")
    return parse(spec, (FIXTURES / "nta_news_sjis.htm").read_bytes(), url=NTA_URL, headers=headers)


def test_nta_shift_jis_wareki_rows():
    items = _nta()
    assert [(i.published_at, i.title) for i in items] == [
        (_day(2026, 11, 20), "「令和８年分 年末調整のしかた」を掲載しました"),
        (_day(2026, 11, 18), "①源泉徴収税額表（令和９年分）を掲載しました"),
        (_day(2026, 11, 12), "仙台国税局長に髙田 次郎が就任しました"),
        (_day(2019, 7, 1), "NEW 令和元年分の路線価等を公開しました"),
        (_day(2019, 4, 26), "改元に伴う申告書等の元号表記について"),
    ]


def test_nta_links_resolved_and_canonical():
    urls = [i.url for i in _nta()]
    assert urls[1] == "https://www.nta.go.jp/publication/pamph/gensen/01.htm"  # relative, fragment dropped
    assert urls[2] == "https://www.nta.go.jp/about/organization/sendai/director.htm"  # host case, :443, utm_*


def test_nta_same_link_twice_keeps_the_newest_row():
    items = _nta()
    nenmatsu = [i for i in items if i.url.endswith("/users/gensen/nenmatsu/index.htm")]
    assert len(nenmatsu) == 1
    assert nenmatsu[0].published_at == _day(2026, 11, 20)
    assert not nenmatsu[0].title.endswith("（速報版）")


def test_same_link_twice_a_date_not_to_be_believed_never_wins():
    """令和99年 (a typo for 令和6年) is later than the real row's date, but normalization will drop it: the row
    with the date it would keep is the one kept."""
    body = """<html><body><ul class="news">
        <li><span class="date">令和99年4月1日</span><a href="/f">様式を改訂しました</a></li>
        <li><span class="date">令和6年4月1日</span><a href="/f">様式を改訂しました（再掲）</a></li>
        <li><span class="date">令和6年3月1日</span><a href="/g">別のお知らせ</a></li>
        <li><span class="date">令和5年3月1日</span><a href="/g">別のお知らせ（旧）</a></li>
        </ul></body></html>""".encode()
    items = {i.url.rsplit("/", 1)[1]: i for i in parse(TOKYO, body, url=TOKYO.url)}
    assert (items["f"].title, items["f"].published_at) == ("様式を改訂しました（再掲）", _day(2024, 4, 1))
    assert (items["g"].title, items["g"].published_at) == ("別のお知らせ", _day(2024, 3, 1))


def test_nta_page_decodes_from_its_meta_tag_without_a_header_charset():
    assert _nta(headers={"Content-Type": "text/html"})[2].title == "仙台国税局長に髙田 次郎が就任しました"


def test_ppc_time_datetime_attribute_and_relative_links():
    spec = get_source(BUILTIN_SOURCES, "ppc-news")
    items = parse(spec, (FIXTURES / "ppc_news.html").read_bytes(), url="https://www.ppc.go.jp/information/")
    assert [i.published_at for i in items] == [_day(2026, 5, 1), _day(2026, 4, 24), _day(2026, 4, 17)]
    assert items[0].url == "https://www.ppc.go.jp/news/press/2026/20260501/"
    assert items[2].url == "https://www.ppc.go.jp/personalinfo/legal/kaiseihogohou/"
    assert items[0].title == "個人データの漏えい等の報告様式の改訂について"


def test_asbj_list():
    spec = get_source(BUILTIN_SOURCES, "asbj-news")
    items = parse(spec, (FIXTURES / "asbj_information.html").read_bytes(), url=spec.url)
    assert items[0].published_at == _day(2026, 4, 28)
    assert items[0].url == "https://www.asb-j.jp/jp/accounting_standards/accounting_standards/y2026/2026-0428.html"
    assert len(items) == 2


TOKYO = SourceSpec(name="tokyo-roudou", title="東京 新着", kind="html", url="https://www.example.lg.jp/news/",
                   select={"item": "ul.news > li", "title": "a::text", "link": "a::attr(href)",
                           "date": "span.date::text"})
TOKYO_EXPECTED = [
    (_day(2026, 11, 19), "労働相談の年末年始の受付体制についてお知らせします", "https://www.example.lg.jp/topics/2026/1119.html"),
    (_day(2026, 11, 5), "ハラスメント防止セミナー（事業主向け）を開催します", "https://www.example.lg.jp/topics/2026/1105.html"),
    (_day(2026, 10, 30), "「働くときに知っておきたい法律のはなし」を改訂しました", "https://www.example.lg.jp/topics/2026/1030.html"),
]


@pytest.mark.parametrize(
    ("fixture", "headers"),
    [
        ("tokyo_list_eucjp.html", {"Content-Type": "text/html"}),  # EUC-JP, declared in the meta tag
        ("tokyo_list_eucjp.html", {"Content-Type": "text/html; charset=Shift_JIS"}),  # header lies
        ("tokyo_list_wrong_charset.html", {"Content-Type": "text/html"}),  # UTF-8 bytes, meta says Shift_JIS
        ("tokyo_list_undeclared_sjis.html", {}),  # Shift_JIS, declared nowhere
        ("tokyo_list_undeclared_sjis.html", {"content-type": "text/html; charset=ISO-8859-1"}),  # server default
    ],
)
def test_user_source_in_every_encoding(fixture, headers):
    items = parse(TOKYO, (FIXTURES / fixture).read_bytes(), url=TOKYO.url, headers=headers)
    assert [(i.published_at, i.title, i.url) for i in items] == TOKYO_EXPECTED


def test_forced_encoding_wins():
    spec = with_overrides(TOKYO, encoding="euc-jp")
    items = parse(spec, (FIXTURES / "tokyo_list_eucjp.html").read_bytes(), url=TOKYO.url,
                  headers={"Content-Type": "text/html; charset=utf-8"})
    assert items[0].title == TOKYO_EXPECTED[0][1]


def test_summary_selector_and_undated_rows():
    body = """<html><body><div class="row"><h3><a href="/a">見出し<span>A</span></a></h3><p>概要の
        説明　です</p></div><div class="row"><h3><a href="/b">見出しB</a></h3></div></body></html>""".encode()
    spec = SourceSpec(name="x", title="x", kind="html", url="https://example.jp/list",
                      select={"item": "div.row", "title": "h3 a", "link": "h3 a::attr(href)", "summary": "p"})
    items = parse(spec, body, url=spec.url)
    assert [(i.title, i.summary, i.published_at) for i in items] == [("見出しA", "概要の 説明 です", None),
                                                                      ("見出しB", "", None)]


def test_base_href_is_honoured():
    body = b'<html><head><base href="https://cdn.example.jp/site/"></head><body><ul class="news"><li>' \
           b'<a href="p/1.html">t</a></li></ul></body></html>'
    items = parse(TOKYO, body, url=TOKYO.url)
    assert items[0].url == "https://cdn.example.jp/site/p/1.html"


def test_broken_html_is_still_read():
    # Unclosed <li>, unquoted attributes, a stray </div>, no </ul></body></html>.
    body = "<html><body><ul class=news><li><span class=date>2026/5/1</span><a href='/a'>閉じていない</a></div><li><a href=/b>次".encode()
    items = parse(TOKYO, body, url=TOKYO.url)
    assert [i.url for i in items] == ["https://www.example.lg.jp/a", "https://www.example.lg.jp/b"]
    assert items[0].published_at == _day(2026, 5, 1)


def test_item_selector_matching_nothing_is_an_error_naming_it():
    with pytest.raises(ParseError, match=r"select\.item 'ul\.news > li'"):
        parse(TOKYO, (FIXTURES / "ppc_news.html").read_bytes(), url=TOKYO.url)


def test_rows_without_links_only_is_an_error():
    body = "<html><body><ul class='news'><li>準備中</li><li>準備中</li></ul></body></html>".encode()
    with pytest.raises(ParseError, match="none has a title and link"):
        parse(TOKYO, body, url=TOKYO.url)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("fsa_rss2_jst.xml", "server sent a feed"), ("garbage.bin", "not an HTML page")],
)
def test_not_html(fixture, message):
    with pytest.raises(ParseError, match=message):
        parse(TOKYO, (FIXTURES / fixture).read_bytes(), url=TOKYO.url)


def test_plain_text_is_not_html():
    with pytest.raises(ParseError, match="no markup"):
        parse(TOKYO, "只今メンテナンス中です".encode(), url=TOKYO.url)


def test_rows_linking_to_scripts_or_nowhere_are_skipped():
    body = ("<html><body><ul class='news'><li><a href='javascript:void(0)'>印刷</a></li>"
            "<li><a href='http://[::1'>壊れたリンク</a></li><li><a href='#top'>先頭へ</a></li>"
            "<li><a href='/ok.html'>本物</a></li></ul></body></html>").encode()
    items = parse(TOKYO, body, url=TOKYO.url)
    assert [(i.title, i.url) for i in items] == [("本物", "https://www.example.lg.jp/ok.html")]


REAL_NTA = Path("/work/shared/samples/nta_news_index_2024-01.html")


@pytest.mark.skipif(not REAL_NTA.exists(), reason="the saved real NTA page is only on the development machine")
def test_builtin_nta_selectors_fit_the_real_page():
    # The saved copy has a two-line provenance header and was re-saved as UTF-8; the live page is Shift_JIS.
    text = REAL_NTA.read_text(encoding="utf-8").split("\n", 2)[2]
    items = parse(get_source(BUILTIN_SOURCES, "nta-news"), text.encode("cp932", "replace"), url=NTA_URL,
                  headers=SJIS)
    assert len(items) > 40
    assert items[0].published_at == _day(2024, 1, 4)
    assert all(i.url.startswith("https://") and "#" not in i.url for i in items)  # some rows link to YouTube
    assert sum(i.url.startswith("https://www.nta.go.jp/") for i in items) >= len(items) - 2
    assert all(i.published_at is not None for i in items)


def test_month_day_only_dates_take_the_latest_past_year(monkeypatch):
    from crawlers.parsers import dates

    monkeypatch.setattr(dates, "today_jst", lambda: dt.date(2027, 1, 10))
    body = ("<html><body><ul class='news'><li><span class='date'>１月９日</span><a href='/a'>年明けの案内</a></li>"
            "<li><span class='date'>12/25</span><a href='/b'>年末の案内</a></li>"
            "<li><span class='date'>2月30日</span><a href='/c'>ありえない日付</a></li></ul></body></html>").encode()
    items = parse(TOKYO, body, url=TOKYO.url)
    assert [i.published_at for i in items] == [_day(2027, 1, 9), _day(2026, 12, 25), None]
