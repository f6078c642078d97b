"""Render :mod:`crawlers.sample_site.content` into ``files/`` in each source's real format.

Run ``python -m crawlers.sample_site.generate`` after editing the content; the rendered files are committed
(they are the sample site, and tests read them), so regenerate only on purpose and review the diff.
"""

from __future__ import annotations

import datetime as dt
import sys
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from crawlers.sample_site import content

FILES = Path(__file__).parent / "files"
JST = dt.timezone(dt.timedelta(hours=9))
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _when(text: str) -> dt.datetime:
    fmt = "%Y-%m-%d %H:%M" if " " in text else "%Y-%m-%d"
    return dt.datetime.strptime(text, fmt).replace(tzinfo=JST)


def _rfc822(value: dt.datetime, zone: str) -> str:
    """RFC 822 date with the zone written as the source writes it (``+0900``, ``JST``, ``+0000``)."""
    return f"{_DAYS[value.weekday()]}, {value:%d} {_MONTHS[value.month - 1]} {value:%Y %H:%M:%S} {zone}"


def _wareki(day: dt.date, *, wide: bool) -> str:
    """令和8年11月20日 / 令和８年１１月２０日 / 令和元年7月1日 / 平成30年…."""
    if day >= dt.date(2019, 5, 1):
        era, year = "令和", day.year - 2018
    else:
        era, year = "平成", day.year - 1988
    year_text = "元" if year == 1 else str(year)
    text = f"{era}{year_text}年{day.month}月{day.day}日"
    return text.translate(_WIDE) if wide else text


def _write(path: str, data: bytes) -> None:
    target = FILES / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


# -- NTA: Shift_JIS list pages ------------------------------------------------------------------------------
def _nta_page(title: str, sections: list[tuple[str, list[tuple]]], host: str = "https://www.nta.go.jp") -> bytes:
    rows_html = []
    n = 0
    for heading, entries in sections:
        rows_html.append(f"<h2>{escape(heading)}</h2>\n<table class=\"index_news\">\n<tbody>")
        for when, path, headline, _summary in entries:
            n += 1
            day = _when(when).date()
            # Like the real page: mostly absolute links, the odd relative one, an accessibility link after a PDF.
            # Page-relative, so it stays under this host's folder on the sample site: ../../taxes/… from
            # /information/news/index.htm.
            href = "../.." + path if n % 7 == 3 else host + path
            extra = ""
            if n % 5 == 4:
                extra = ('<a href="https://docreader.example.jp/?url=' + escape(host + path) +
                         '" class="rspkr_dr_link"><img src="/template/img/icon_16px.gif" alt=""></a>')
            rows_html.append(
                f'<tr id="a{day:%Y%m%d}-{n:03d}">\n  <th scope="row">{_wareki(day, wide=n % 3 == 0)}</th>\n'
                f'  <td><a href="{escape(href)}">{escape(headline)}</a>{extra}</td>\n</tr>'
            )
        rows_html.append("</tbody></table>")
    page = f"""<!DOCTYPE html>
<html lang="ja"><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}｜国税庁</title>
<style>.index_news th{{ width:9em; vertical-align:top; text-align:left; font-weight:normal;}}</style>
</head><body>
<div id="header"><a href="/"><img src="/template/img/logo.png" alt="国税庁"></a>
<ul class="gnav"><li><a href="/taxes/">税の情報・手続・用紙</a></li><li><a href="/law/">法令等</a></li></ul></div>
<div id="contents"><div class="imp-cnt" id="bodyArea">
<ol class="breadcrumb"><li><a href="/">ホーム</a></li><li><a href="/information/index.htm">お知らせ</a></li>
<li class="active">{escape(title)}</li></ol>
<div class="page-header" id="page-top"><h1>{escape(title)}</h1></div>
{chr(10).join(rows_html)}
<h3>過去のお知らせ</h3>
<ul><li><a href="/information/news/r07.htm">令和７事務年度分（令和７年７月～令和８年６月）</a></li></ul>
</div></div>
<div id="footer"><p>国税庁　〒100-8978　東京都千代田区霞が関3-1-1</p></div>
</body></html>
"""
    return page.encode("cp932")


def nta() -> None:
    _write("/www.nta.go.jp/information/news/index.htm", _nta_page("トピックス一覧", [
        ("令和８事務年度分", content.NTA_NEWS), ("令和７事務年度分", content.NTA_NEWS_PREVIOUS)]))
    _write("/www.nta.go.jp/information/release/index.htm", _nta_page("報道発表", [
        ("令和８年", [e for e in content.NTA_RELEASE if e[0] >= "2026-07"]),
        ("令和７事務年度", [e for e in content.NTA_RELEASE if e[0] < "2026-07"]),
        ("令和元事務年度（抜粋）", content.NTA_RELEASE_ARCHIVE)]))


# -- RSS 2.0 ------------------------------------------------------------------------------------------------
def _rss2(title: str, link: str, entries: list[tuple], *, zone: str, host: str, date_only: bool = False,
          guid: bool = False) -> bytes:
    items = []
    for entry in entries:
        when, path, headline, summary = entry[:4]
        category = entry[4] if len(entry) > 4 else ""
        moment = _when(when)
        if date_only:  # e-Gov: every item stamped 12:00:00 +0000 on its day
            stamp = _rfc822(dt.datetime(moment.year, moment.month, moment.day, 12, 0), "+0000")
        elif zone == "JST":
            stamp = _rfc822(moment, "JST")
        else:
            stamp = _rfc822(moment, zone)
        url = path if path.startswith("http") else host + path
        parts = [f"<title>{xml_escape(headline)}</title>", f"<link>{xml_escape(url)}</link>"]
        if guid:
            parts.append(f'<guid isPermaLink="true">{xml_escape(url)}</guid>')
        parts.append(f"<description>{xml_escape(summary or headline)}</description>")
        if category:
            parts.append(f"<category>{xml_escape(category)}</category>")
        parts.append(f"<pubDate>{stamp}</pubDate>")
        items.append("<item>\n  " + "\n  ".join(parts) + "\n</item>")
    return (f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{xml_escape(title)}</title>
<link>{xml_escape(link)}</link>
<description>{xml_escape(title)}の新着情報</description>
<language>ja</language>
{chr(10).join(items)}
</channel>
</rss>
""").encode("utf-8")


# -- RSS 1.0 (RDF) ------------------------------------------------------------------------------------------
def _rss1(title: str, link: str, entries: list[tuple[str, str, str, str]]) -> bytes:
    """``entries``: (dc:date as written, url, title, description)."""
    seq = "\n".join(f'<rdf:li rdf:resource="{xml_escape(url)}"/>' for _, url, _, _ in entries)
    items = "\n".join(
        f"""<item rdf:about="{xml_escape(url)}">
  <title>{xml_escape(headline)}</title>
  <link>{xml_escape(url)}</link>
  <description>{xml_escape(summary)}</description>
  <dc:date>{stamp}</dc:date>
</item>""" for stamp, url, headline, summary in entries)
    return (f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns="http://purl.org/rss/1.0/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="ja">
<channel rdf:about="{xml_escape(link)}">
<title>{xml_escape(title)}</title>
<link>{xml_escape(link)}</link>
<description>{xml_escape(title)}</description>
<items><rdf:Seq>
{seq}
</rdf:Seq></items>
</channel>
{items}
</rdf:RDF>
""").encode("utf-8")


def _iso(when: str) -> str:
    return _when(when).isoformat()


def rss1_sources() -> None:
    _write("/www.mhlw.go.jp/stf/news.rdf", _rss1("厚生労働省 新着情報", "https://www.mhlw.go.jp/", [
        (_iso(w), "https://www.mhlw.go.jp" + p, t, s) for w, p, t, s in content.MHLW_NEWS]))
    _write("/www.chusho.meti.go.jp/rss/index.xml", _rss1("中小企業庁 新着情報", "https://www.chusho.meti.go.jp/", [
        (_iso(w), "https://www.chusho.meti.go.jp" + p, t, s) for w, p, t, s in content.CHUSHO_NEWS]))
    pubcom = []
    for stamp, number, headline, category, start, deadline, ministry in content.EGOV_PUBCOM:
        url = f"https://public-comment.e-gov.go.jp/pcm/detail?CLASSNAME=PCMMSTDETAIL&id={number}&Mode=0"
        description = (f"案件番号：{number}<br>所管府省・部局名等：{ministry}<br>カテゴリー：{category}<br>"
                       f"意見・情報受付開始日：{start}<br>受付締切日時：{deadline}")
        pubcom.append((stamp, url, headline, description))
    _write("/public-comment.e-gov.go.jp/rss/pcm_list.xml",
           _rss1("パブリック・コメント：意見募集中案件", "https://public-comment.e-gov.go.jp/", pubcom))


def rss2_sources() -> None:
    _write("/www.mof.go.jp/news.rss", _rss2("財務省 新着情報", "https://www.mof.go.jp/", content.MOF_NEWS,
                                            zone="+0900", host="https://www.mof.go.jp"))
    _write("/www.fsa.go.jp/fsaNewsListAll_rss2.xml", _rss2("金融庁 新着情報", "https://www.fsa.go.jp/",
                                                           content.FSA_NEWS, zone="JST", host="https://www.fsa.go.jp"))
    _write("/www.digital.go.jp/rss/news.xml", _rss2("デジタル庁 ニュース", "https://www.digital.go.jp/",
                                                    content.DIGITAL_NEWS, zone="+0900", host="https://www.digital.go.jp",
                                                    guid=True))
    _write("/www.moj.go.jp/news.xml", _rss2("法務省 新着情報", "https://www.moj.go.jp/", content.MOJ_NEWS,
                                            zone="+0900", host="https://www.moj.go.jp", guid=True))
    _write("/www.e-gov.go.jp/news/news.xml", _rss2("e-Gov お知らせ", "https://www.e-gov.go.jp/", content.EGOV_NEWS,
                                                   zone="+0000", host="https://www.e-gov.go.jp", date_only=True))


# -- Atom ---------------------------------------------------------------------------------------------------
def _atom(title: str, feed_url: str, site: str, entries: list[tuple], *, lang: str, zone: dt.timezone) -> bytes:
    rendered = []
    newest = None
    for when, path, headline, summary in entries:
        moment = _when(when).astimezone(zone)
        newest = newest or moment
        url = site + path
        summary_xml = f'\n  <summary type="html">{xml_escape(summary)}</summary>' if summary else ""
        rendered.append(f"""<entry>
  <id>{xml_escape(url)}</id>
  <title>{xml_escape(headline)}</title>
  <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>
  <updated>{moment.isoformat()}</updated>{summary_xml}
</entry>""")
    return (f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">
<id>{xml_escape(feed_url)}</id>
<title>{xml_escape(title)}</title>
<link rel="self" type="application/atom+xml" href="{xml_escape(feed_url)}"/>
<link rel="alternate" type="text/html" href="{xml_escape(site)}/"/>
<updated>{newest.isoformat() if newest else ""}</updated>
{chr(10).join(rendered)}
</feed>
""").encode("utf-8")


def atom_sources() -> None:
    _write("/www.meti.go.jp/ml_index_release_atom.xml", _atom(
        "経済産業省 ニュースリリース", "https://www.meti.go.jp/ml_index_release_atom.xml", "https://www.meti.go.jp",
        content.METI_NEWS, lang="ja", zone=JST))
    _write("/www.gov.uk/government/organisations/hm-revenue-customs.atom", _atom(
        "HM Revenue & Customs - Activity on GOV.UK",
        "https://www.gov.uk/government/organisations/hm-revenue-customs.atom", "https://www.gov.uk",
        content.HMRC_NEWS, lang="en", zone=dt.timezone.utc))


# -- HTML list pages (UTF-8) --------------------------------------------------------------------------------
def ppc() -> None:
    rows = []
    for when, path, headline, _summary in content.PPC_NEWS:
        day = _when(when).date()
        href = path if path.startswith("..") else "https://www.ppc.go.jp" + path
        rows.append(f"""  <li>
    <time class="news-date" datetime="{day:%Y-%m-%d}">{_wareki(day, wide=False)}</time>
    <div class="news-text"><a href="{escape(href)}">{escape(headline)}</a></div>
  </li>""")
    page = f"""<!DOCTYPE html>
<html lang="ja">
<head><meta charset="UTF-8"><title>お知らせ一覧 | 個人情報保護委員会</title></head>
<body>
<header class="site-header"><a href="/"><img src="/common/img/logo.svg" alt="個人情報保護委員会"></a></header>
<main>
<h1>お知らせ一覧</h1>
<ul class="news-list">
{chr(10).join(rows)}
</ul>
<nav class="pager"><a href="?page=2">次へ</a></nav>
</main>
<footer><p>&copy; Personal Information Protection Commission, Japan.</p></footer>
</body></html>
"""
    _write("/www.ppc.go.jp/information/index.html", page.encode("utf-8"))


def asbj() -> None:
    rows = []
    for when, path, headline in content.ASBJ_NEWS:
        day = _when(when).date()
        rows.append(f"""  <li><span class="date">{day:%Y年%m月%d日}</span>
    <a href="https://www.asb-j.jp{escape(path)}">{escape(headline)}</a></li>""")
    page = f"""<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8"><title>お知らせ｜企業会計基準委員会</title></head>
<body>
<div id="header"><p class="logo"><a href="/jp/">ASBJ 企業会計基準委員会</a></p></div>
<div id="main">
<h1>お知らせ</h1>
<ul class="information-list">
{chr(10).join(rows)}
</ul>
</div>
<div id="footer">公益財団法人 財務会計基準機構</div>
</body></html>
"""
    _write("/www.asb-j.jp/jp/information.html", page.encode("utf-8"))


def tokyo_roudou() -> None:
    """README's user-source example: ``ul.news > li`` with ``span.date`` and a link, in EUC-JP."""
    rows = []
    for n, (when, path, headline) in enumerate(content.TOKYO_ROUDOU):
        day = _when(when).date()
        date_text = f"{day:%Y年%-m月%-d日}" if n % 2 else _wareki(day, wide=True)
        href = path.removeprefix("/tokyo-roudoukyoku/") if n % 3 else "https://jsite.mhlw.go.jp" + path
        rows.append(f'  <li><span class="date">{date_text}</span> <a href="{escape(href)}">{escape(headline)}</a></li>')
    page = f"""<!DOCTYPE html>
<html lang="ja">
<head><meta http-equiv="Content-Type" content="text/html; charset=EUC-JP"><title>新着情報｜東京労働局</title></head>
<body>
<div id="main"><h1>新着情報</h1>
<ul class="news">
{chr(10).join(rows)}
</ul></div>
</body></html>
"""
    _write("/jsite.mhlw.go.jp/tokyo-roudoukyoku/index.html", page.encode("euc_jis_2004"))


# -- e-Gov 法令API v1 ---------------------------------------------------------------------------------------
_LAW_FIELDS = ("LawTypeName", "LawNo", "LawName", "LawNameKana", "OldLawName", "PromulgationDate", "AmendName",
               "AmendNo", "AmendPromulgationDate", "EnforcementDate", "EnforcementComment", "LawId", "LawUrl",
               "EnforcementFlg", "AuthFlg")


def egov_laws() -> None:
    for day, laws in content.EGOV_LAWS.items():
        infos = []
        for law in laws:
            values = dict(law)
            values.setdefault("OldLawName", "")
            values.setdefault("LawUrl", f"https://laws.e-gov.go.jp/law/{law['LawId']}" if law.get("LawId") else "")
            values.setdefault("EnforcementFlg", "1" if law["EnforcementDate"] > day else "0")
            values.setdefault("AuthFlg", "0")
            fields = "\n".join(
                f"      <{key}>{xml_escape(values.get(key, ''))}</{key}>" if values.get(key)
                else f"      <{key}/>" for key in _LAW_FIELDS)
            infos.append(f"    <LawNameListInfo>\n{fields}\n    </LawNameListInfo>")
        body = f"""<?xml version="1.0" encoding="UTF-8"?>
<DataRoot>
  <Result>
    <Code>0</Code>
    <Message/>
  </Result>
  <ApplData>
    <Date>{day}</Date>
{chr(10).join(infos)}
  </ApplData>
</DataRoot>
"""
        _write(f"/laws.e-gov.go.jp/api/1/updatelawlists/{day}", body.encode("utf-8"))


def robots() -> None:
    _write("/robots.txt", b"# kaisei sample site\nUser-agent: *\nDisallow: /private/\n\nUser-agent: BadBot\nDisallow: /\n")
    _write("/private/index.html", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>内部</title></head>"
                                  "<body><p>クローラーが取得してはいけないページです。</p></body></html>\n".encode("utf-8"))


def main() -> int:
    nta()
    rss1_sources()
    rss2_sources()
    atom_sources()
    ppc()
    asbj()
    tokyo_roudou()
    egov_laws()
    robots()
    count = sum(1 for p in FILES.rglob("*") if p.is_file())
    print(f"wrote {count} files under {FILES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
