"""RSS 1.0 (RDF), RSS 2.0 and Atom through feedparser, with the regulators' date quirks corrected."""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING, Any, Mapping

import feedparser

from crawlers.encoding import decode_html
from crawlers.items import UpdateItem
from crawlers.normalize import canonical_url, clean_text, clean_title, is_web_url
from crawlers.parsers import ParseError, one_line
from crawlers.parsers.dates import entry_datetime
from tracker.dates import parse_date

if TYPE_CHECKING:
    from crawlers.registry import SourceSpec

log = logging.getLogger(__name__)

# e-Gov パブコメ descriptions carry labelled lines: 受付締切日時：2026/07/10 23:59, カテゴリー：労働・雇用.
_DEADLINE = re.compile(r"(?:受付締切日時|意見募集締切日|締切日時|受付締切日)\s*[：:]\s*([^\n<]+)")
_CATEGORY = re.compile(r"カテゴリー?\s*[：:]\s*([^\n<]+)")
_XML_ENCODING = re.compile(r"""(^\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
_BASE_ATTRIBUTE = re.compile(rb"\bbase\s*=")  # xml:base, or the plain base attribute feedparser also reads
_CATEGORY_SPLIT = re.compile(r"\s*[、,，/／;；]\s*")


def parse_feed(spec: "SourceSpec", body: bytes, *, url: str,
               headers: Mapping[str, str] | None = None) -> list[UpdateItem]:
    """The entries of an RSS/Atom feed as items; ParseError when ``body`` is not a feed at all."""
    # We decode, not feedparser: its Shift_JIS table lacks CP932's ①/髙, and it trusts a lying charset.
    text = decode_html(body, headers, force=spec.encoding)
    data = _XML_ENCODING.sub(r"\g<1>utf-8\g<2>", text.lstrip("\ufeff"), count=1).encode("utf-8")
    content_type = next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), "application/xml")
    response_headers = {"content-type": content_type.split(";")[0].strip() + "; charset=utf-8"}
    # With a base URI feedparser joins it with itself at every element, a third of its time. Links are resolved
    # against ``url`` by canonical_url anyway, so the base is only given when the feed sets xml:base (relative
    # bases are chained from it). URIs inside HTML are not resolved: clean_text drops the markup, attributes too.
    if _BASE_ATTRIBUTE.search(data):
        response_headers["content-location"] = url
    # A BytesIO, never the bytes themselves: feedparser treats a bytes/str argument as a possible file name.
    feed = feedparser.parse(io.BytesIO(data), response_headers=response_headers, sanitize_html=True,
                            resolve_relative_uris=False)
    if not feed.entries:
        if not feed.get("version"):  # absent altogether when the body is empty
            reason = feed.get("bozo_exception")
            head = body.lstrip()[:200].lower()
            if b"<html" in head or b"<!doctype html" in head:
                raise ParseError("not a feed: the server sent an HTML page")
            raise ParseError(f"not a feed: {_describe(reason) if reason else 'no RSS or Atom root element'}")
        return []
    if feed.bozo:
        log.info("%s: feed is malformed (%s); reading the %d entries found", spec.name,
                 _describe(feed.get("bozo_exception")), len(feed.entries))
    items: list[UpdateItem] = []
    seen: set[str] = set()
    skipped = 0
    for entry in feed.entries:
        item = _entry_item(spec, entry, page_url=url)
        if item is None:
            skipped += 1
            continue
        if item.url in seen:  # one URL is one update, even when a feed repeats an entry
            continue
        seen.add(item.url)
        items.append(item)
    if skipped:
        log.info("%s: skipped %d entries without a title or link", spec.name, skipped)
    if not items:
        raise ParseError(f"feed has {len(feed.entries)} entries but none with a title and link")
    return items


def _describe(exc: object) -> str:
    """feedparser's reason in words: "XML not well-formed (invalid token)" rather than "<unknown>:2:0: …".

    No line number: feedparser re-encodes the body first, so its positions do not match the bytes served.
    """
    get_message = getattr(exc, "getMessage", None)
    if callable(get_message):
        return one_line(f"XML {get_message()}")
    return one_line(exc)


def _entry_link(entry: Any) -> str:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
                link = candidate["href"]
                break
    if not link:
        ident = entry.get("id") or ""
        if ident.startswith(("http://", "https://")):
            link = ident
    return link


def _entry_summary(entry: Any) -> str:
    value = entry.get("summary") or ""
    if not value and entry.get("content"):
        value = entry["content"][0].get("value", "")
    # <br> separates the labelled lines of e-Gov descriptions: keep them apart before markup is dropped.
    return re.sub(r"<br\s*/?>", "\n", value, flags=re.I)


def _entry_item(spec: "SourceSpec", entry: Any, *, page_url: str) -> UpdateItem | None:
    title = clean_title(entry.get("title"))
    link = _entry_link(entry)
    if not title or not link:
        return None
    raw_summary = _entry_summary(entry)
    raw_date = entry.get("published") or entry.get("updated") or entry.get("created")
    parsed = entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
    published_at = entry_datetime(raw_date, language=spec.language,
                                  date_only=bool(spec.settings.get("date_only")), parsed=parsed)
    deadline_on = None
    categories: list[str] = []
    plain = clean_text(raw_summary)
    lines = [clean_text(line) for line in raw_summary.splitlines()]
    for line in lines:
        if deadline_on is None and (m := _DEADLINE.search(line)):
            deadline_on = parse_date(m.group(1))
        if m := _CATEGORY.search(line):
            categories.extend(c for c in _CATEGORY_SPLIT.split(m.group(1).strip()) if c)
    for tag in entry.get("tags") or []:
        term = clean_text(tag.get("term"))
        if term and term not in categories:
            categories.append(term)
    url = canonical_url(link, base=page_url)
    if not is_web_url(url):
        return None
    return UpdateItem(
        source=spec.name,
        url=url,
        title=title,
        summary=plain,
        published_at=published_at,
        deadline_on=deadline_on,
        language=spec.language,
        categories=categories,
    )
