"""List pages read through the source's CSS selectors (parsel: ``::text`` and ``::attr()`` allowed).

Selector semantics (docs/sources.md): ``item`` picks one element per entry; the others are relative to it.
``title``/``summary`` without a pseudo-element take the whole text of the first match (so ``<a>`` with nested
``<span>`` reads right); with ``::text`` all matched text nodes are joined. ``link`` without a pseudo-element
takes the first match's ``href``. ``date`` without one takes the first match's ``datetime`` attribute when it
has one, else its text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Mapping, Optional

from parsel import Selector, SelectorList

from crawlers.encoding import decode_html
from crawlers.items import UpdateItem
from crawlers.normalize import believable_published_at, canonical_url, clean_text, clean_title, is_web_url
from crawlers.parsers import ParseError
from crawlers.parsers.dates import list_datetime

if TYPE_CHECKING:
    from crawlers.registry import SourceSpec

log = logging.getLogger(__name__)

_PSEUDO = re.compile(r"::(text|attr\([^)]*\))\s*$")
_FEED_ROOT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|rdf:RDF|feed)\b", re.S | re.I)
_HAS_TAG = re.compile(r"<\s*[A-Za-z!/]")


def parse_html(spec: "SourceSpec", body: bytes, *, url: str,
               headers: Mapping[str, str] | None = None) -> list[UpdateItem]:
    """The entries of a list page; ParseError when it is not HTML or the item selector matches nothing."""
    text = decode_html(body, headers, force=spec.encoding)
    _check_is_html(text)
    page = Selector(text=text, base_url=url)
    base = page.css("base::attr(href)").get()
    page_url = canonical_url(base, base=url) if base else url
    select = spec.select or {}
    rows = page.css(select["item"])
    if not rows:
        raise ParseError(f"no element matches select.item {select['item']!r}: the page layout may have changed")
    items: dict[str, UpdateItem] = {}
    skipped = 0
    now = dt.datetime.now(dt.timezone.utc)
    for row in rows:
        title = clean_title(_text(row, select["title"]))
        link = _link(row, select["link"])
        if not title or not link or link.startswith("#"):
            skipped += 1
            continue
        published_at = list_datetime(_date(row, select["date"]), language=spec.language) if "date" in select else None
        summary = clean_text(_text(row, select["summary"])) if "summary" in select else ""
        item = UpdateItem(source=spec.name, url=canonical_url(link, base=page_url), title=title, summary=summary,
                          published_at=published_at, language=spec.language)
        if not is_web_url(item.url):
            skipped += 1
            continue
        previous = items.get(item.url)
        # A list page links the same page from several rows (a form re-released): keep the newest row.
        if previous is None or _newer(item, previous, now):
            items[item.url] = item
    if skipped:
        log.info("%s: skipped %d of %d rows without a title or link", spec.name, skipped, len(rows))
    if not items:
        raise ParseError(f"{len(rows)} elements match select.item {select['item']!r} but none has a title and link")
    return list(items.values())


def _check_is_html(text: str) -> None:
    head = text[:2048]
    if _FEED_ROOT.match(head):
        raise ParseError("not an HTML page: the server sent a feed (should the source's kind be \"feed\"?)")
    if not _HAS_TAG.search(head) and not _HAS_TAG.search(text[:65536]):
        raise ParseError("not an HTML page: no markup found")
    sample = text[:4096]
    junk = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t"))
    if junk > len(sample) // 10:
        raise ParseError("not an HTML page: the body is binary or undecodable")


def _newer(item: UpdateItem, other: UpdateItem, now: dt.datetime) -> bool:
    """Whether ``item``'s row is newer than ``other``'s: a date normalization will not believe (令和99年, a
    typo) counts as none, so it never hides the row with the real date."""
    mine = believable_published_at(item.published_at, now)
    if mine is None:
        return False
    theirs = believable_published_at(other.published_at, now)
    return theirs is None or mine > theirs


def _matches(row: Selector, query: str) -> SelectorList:
    return row.css(query)


def _text(row: Selector, query: str) -> str:
    found = _matches(row, query)
    if not found:
        return ""
    if _PSEUDO.search(query):
        if query.rstrip().endswith("::text"):
            return " ".join(found.getall())
        return found.get() or ""
    return found[0].get()  # the element's markup: clean_text drops inline tags and spaces out block ones


def _link(row: Selector, query: str) -> Optional[str]:
    found = _matches(row, query)
    if not found:
        return None
    if _PSEUDO.search(query):
        values = [v.strip() for v in found.getall() if v and v.strip()]
        return values[0] if values else None
    href = found[0].attrib.get("href")
    return href.strip() if href else None


def _date(row: Selector, query: str) -> str:
    if _PSEUDO.search(query):
        values = [v.strip() for v in _matches(row, query).getall() if v and v.strip()]
        if values:
            return values[0]
        # time.news-date::attr(datetime) on a row whose <time> lacks the attribute: read what it shows.
        query = _PSEUDO.sub("", query)
    found = _matches(row, query)
    if not found:
        return ""
    first = found[0]
    return first.attrib.get("datetime") or clean_text(first.get())
