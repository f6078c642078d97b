"""Canonical URLs, clean titles and content hashes: what makes "one URL is one update" hold across crawls.

Two fetches of the same announcement must produce the same key and the same hash, so everything here is
deterministic and independent of how the page happened to be served (tracking parameters, fragments, host case,
entity escaping, full-width spaces).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import re
from typing import TYPE_CHECKING, Optional
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from tracker.dates import JST

if TYPE_CHECKING:
    from crawlers.items import UpdateItem

log = logging.getLogger(__name__)

# Query parameters that only say where a click came from; they never select different content.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid",
    "ref_src", "spm", "cmpid", "wt.mc_id",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str, base: str | None = None) -> str:
    """The stable form of ``url`` (resolved against ``base``) used as an update's identity.

    Lowercases scheme and host, drops the default port, the fragment and tracking parameters (``utm_*``,
    ``fbclid`` …), sorts the remaining query parameters and percent-encodes stray spaces and non-ASCII path
    characters. Anything that is not an http(s) URL is returned resolved but otherwise untouched.
    """
    url = (url or "").strip()
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and friends: not a URL we can reason about; callers reject it
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:  # a label IDNA refuses (too long, empty): keep it as written
            pass
    netloc = host
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    try:
        port = parts.port
    except ValueError:  # not a number or out of range: keep it as written
        port, netloc = None, f"{netloc}:{parts.netloc.rsplit(':', 1)[-1]}"
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _quote_unsafe(parts.path) or "/"
    query_pairs = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING_PREFIXES) and key.lower() not in _TRACKING_PARAMS
    ]
    query = urlencode(sorted(query_pairs), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a plausible host (what an update may point at)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in _DEFAULT_PORTS and bool(host) and _SPACE.search(host) is None


_SPACE = re.compile(r"\s")  # what str.isspace calls a space
_UNSAFE = re.compile(r"[^\x21-\x7e]")  # a space, a control or a non-ASCII character


def _quote_unsafe(path: str) -> str:
    """Percent-encode spaces and non-ASCII characters, leaving existing escapes and reserved characters alone."""
    if _UNSAFE.search(path) is None:
        return path
    out = []
    for ch in path:
        if ch == " " or ord(ch) > 126 or ord(ch) < 33:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


# Only real tags: "<速報>" or "a < b" in a title is text, not markup.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<![^<>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
# Tags that break a line: they become a space; inline ones (<b>, <span>, <a>) vanish, so that
# "<b>電子帳簿</b>保存" stays one word — Japanese has no spaces to fall back on.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 header hr li main nav "
    "ol p pre section table tbody td tfoot th thead tr ul".split()
)


def _tag_space(match: re.Match[str]) -> str:
    name = re.match(r"</?([A-Za-z][A-Za-z0-9]*)", match.group(0))
    return " " if name is None or name.group(1).lower() in _BLOCK_TAGS else ""


# Every kind of space a page uses between words: ASCII, NBSP, ideographic U+3000, thin and zero-width ones.
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")


# Control characters (Unicode category Cc) a CMS sometimes leaves in, except tab and newline: those are spaces.
# With them the invisible bidirectional controls — LRM/RLM (U+200E/F), ALM (U+061C), the embeddings and overrides
# (U+202A–202E) and isolates (U+2066–2069) — which make a title or a CSV cell display other than it reads
# ("\u202egnp.exe"). Text from the web is untrusted; Arabic and Hebrew letters need none of them to show right.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Anything clean_text would change: markup or entities, control characters, any space but a single ASCII one
# between words (Python's \s beyond " ", NBSP, U+3000, zero-width ones). Text without any is returned as it is:
# parsers clean what they read, and the hash and the pipelines see the same text again.
_NOT_CLEAN = re.compile("[<&\x00-\x1f\x7f-\x9f\u00a0\u061c\u1680\u2000-\u200b\u200e\u200f\u2028\u2029"
                        "\u202a-\u202f\u205f\u2066-\u2069\u3000\ufeff]"
                        "|  |^ | $")


def is_clean(text: str) -> bool:
    """Whether :func:`clean_text` would return ``text`` unchanged (a cheap check: one regex search)."""
    return _NOT_CLEAN.search(text) is None


def clean_text(text: str | None) -> str:
    """Text without markup: tags removed, entities unescaped, every run of spaces (U+3000 too) one ASCII space.

    Full-width kana, kanji and punctuation stay as they are (no NFKC: ｶﾅ and （） are the page's own writing);
    only the spacing is normalized.
    """
    if not text:
        return ""
    if is_clean(text):
        return text
    text = _COMMENT.sub(" ", text)
    text = _SCRIPT.sub(" ", text)
    if "<" in text:
        text = _TAG.sub(_tag_space, text)
    text = html.unescape(text)
    # Drop control characters a CMS sometimes leaves in, and bidi controls (keep newlines: spaces below).
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_title(text: str | None) -> str:
    """A title as shown to people: :func:`clean_text` on one line."""
    return clean_text(text)


# A publication date is believed from 1900 (nothing a regulator's feed lists is older; zoneinfo would show
# earlier times in Tokyo's local mean time, +09:18:59) to two days after the crawl (a zone mistake, a page dated
# tomorrow). Outside that it is a typo or junk — 9999-01-01, 令和99年 — that would head every newest-first list for
# ever: the update is stored without one and listed by when it was fetched. 施行日 and deadlines are not
# publication dates and are left alone: they can be years ahead.
PUBLISHED_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
PUBLISHED_AHEAD = dt.timedelta(days=2)


def believable_published_at(value: Optional[dt.datetime], now: dt.datetime) -> Optional[dt.datetime]:
    """``value`` (an aware publication time) if a crawl at ``now`` can believe it, else None (logged)."""
    if value is None:
        return None
    if value.tzinfo is None:  # a zone-less time is Japan's: a fixed +09:00, never a zoneinfo's LMT
        value = value.replace(tzinfo=JST)
    try:
        believable = PUBLISHED_EARLIEST <= value <= now + PUBLISHED_AHEAD
    except OverflowError:  # 0001-01-01 +09:00 or 9999-12-31 -05:00: no UTC time at all
        believable = False
    if not believable:
        log.debug("publication time %s not believed (crawled %s): none stored", value.isoformat(), now.isoformat())
        return None
    return value


def content_hash(item: "UpdateItem") -> str:
    """SHA-256 of what a reader sees (title, summary, dates), so an unchanged re-crawl hashes the same.

    The URL is the identity, not content; ``published_at`` is left out because some sources restamp it on
    every build of the feed without changing the announcement. Stored hashes are compared with this on every
    crawl: changing what it covers makes every stored update look changed once.
    """
    parts = [
        clean_title(item.title),
        clean_text(item.summary),
        item.effective_on.isoformat() if item.effective_on else "",
        item.deadline_on.isoformat() if item.deadline_on else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
