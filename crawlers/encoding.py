"""Decoding a page to text: the HTTP header, then the page's own declaration, then the BOM, then sniffing.

Japanese government sites still serve Shift_JIS (really Windows-31J/CP932: ①, 髙 and ㈱ appear in titles) and
EUC-JP, and now and then declare one charset while sending another. A declaration is trusted only when the
bytes decode cleanly with it; otherwise the bytes decide.
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import Mapping, Optional

log = logging.getLogger(__name__)

# Shift_JIS as declared on the web is Microsoft's superset; decoding with the strict JIS table loses ①, 髙 ….
_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "csshiftjis": "cp932", "windows-31j": "cp932", "ms932": "cp932", "cp932": "cp932",
    "euc-jp": "euc_jis_2004", "x-euc-jp": "euc_jis_2004", "eucjp": "euc_jis_2004",
    "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SNIFF_ORDER = ("utf-8", "cp932", "euc_jis_2004")
_MULTIBYTE_JA = frozenset({"cp932", "euc_jis_2004", "euc_jp", "shift_jis"})
# Single-byte charsets servers declare by default: they decode any bytes, so "it decoded" proves nothing.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859-1", "ascii"})

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.I)


def python_codec(name: str | None) -> Optional[str]:
    """The Python codec for a declared charset name (Shift_JIS → cp932), or None when unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def header_charset(headers: Mapping[str, str] | None) -> Optional[str]:
    """The charset parameter of a Content-Type header (any key case), or None."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and value:
            match = _HEADER_CHARSET.search(value)
            return match.group(1) if match else None
    return None


def declared_charset(body: bytes) -> Optional[str]:
    """The charset the document declares itself: ``<?xml encoding>``, ``<meta charset>`` or http-equiv."""
    head = body[:4096]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(body: bytes, codec: str) -> Optional[str]:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def sniff(body: bytes) -> tuple[str, str]:
    """Guess a Japanese page's encoding from its bytes: (codec, text).

    UTF-8 first (a strict decode of non-ASCII bytes almost never succeeds by accident), then CP932 and
    EUC-JP, preferring the one whose text looks more like Japanese when both decode.
    """
    if not body:
        return "utf-8", ""
    if b"\x1b$B" in body[:65536] or b"\x1b$@" in body[:65536]:
        # ISO-2022-JP is 7-bit: it "decodes" as ASCII/UTF-8, escape sequences and all, so look for them first.
        text = _strict(body, "iso2022_jp_ext") or _strict(body, "iso2022_jp_2")
        if text is not None:
            return "iso2022_jp_ext", text
    candidates = [(codec, text) for codec in _SNIFF_ORDER if (text := _strict(body, codec)) is not None]
    if candidates:
        if candidates[0][0] == "utf-8":
            return candidates[0]
        return max(candidates, key=lambda c: _japanese_score(c[1]))
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return best.encoding, str(best)
    except ImportError:  # pragma: no cover - charset_normalizer ships with scrapy's dependencies
        pass
    return "utf-8", body.decode("utf-8", errors="replace")


def _japanese_decodes(body: bytes) -> bool:
    """Whether the bytes decode strictly as UTF-8, or as CP932/EUC-JP into text with real kana in it."""
    if _strict(body, "utf-8") is not None:
        return True
    for codec in _SNIFF_ORDER[1:]:
        text = _strict(body, codec)
        if text is not None:
            wide = [ch for ch in text if not ch.isascii()]
            kana = sum(1 for ch in wide if "\u3040" <= ch <= "\u30ff")
            # Latin-1 accents mis-read as CP932 give random kanji, almost never hiragana or katakana.
            if wide and kana / len(wide) >= 0.15:
                return True
    return False


def _japanese_score(text: str) -> float:
    """Share of hiragana, katakana and common kanji: a mis-decoded page is full of half-width kana and symbols."""
    text = text[:20000]  # a sample is enough, and keeps huge pages cheap
    if not text:
        return 0.0
    good = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or ch.isascii())
    halfwidth = sum(1 for ch in text if "\uff61" <= ch <= "\uff9f")
    return (good - 3 * halfwidth) / len(text)


def detect_encoding(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """The Python codec :func:`decode_html` would use for ``body``."""
    return _decode(body, headers)[0]


def decode_html(body: bytes, headers: Mapping[str, str] | None = None, *, force: str | None = None) -> str:
    """``body`` as text: forced codec, HTTP charset, then the document's declaration, BOM, then sniffing.

    A declared charset whose strict decode fails is ignored (the page lied); the bytes are sniffed instead.
    Never raises: undecodable bytes become U+FFFD as a last resort.
    """
    return _decode(body, headers, force=force)[1]


def _decode(body: bytes, headers: Mapping[str, str] | None, *, force: str | None = None) -> tuple[str, str]:
    if force:
        codec = python_codec(force) or "utf-8"
        return codec, body.decode(codec, errors="replace")
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _strict(body[len(bom):], codec)
            if text is not None:
                return codec, text
    for origin, name in (("header", header_charset(headers)), ("document", declared_charset(body))):
        codec = python_codec(name)
        if codec is None:
            if name:
                log.debug("unknown charset %r in %s", name, origin)
            continue
        if codec in _WESTERN and re.search(rb"[\x80-\xff]", body) and _japanese_decodes(body):
            # "iso-8859-1" on a page whose bytes are valid UTF-8 or Shift_JIS is a server default, not a fact.
            log.info("page declares %s in its %s but its bytes are Japanese; sniffing", name, origin)
            continue
        text = _strict(body, codec)
        if text is not None and codec in _MULTIBYTE_JA:
            # EUC-JP bytes often decode "cleanly" as Shift_JIS (into half-width kana soup), and vice versa.
            alt_codec, alt_text = sniff(body)
            if alt_codec != codec and _japanese_score(alt_text) > _japanese_score(text) + 0.1:
                log.info("page declares %s in its %s but reads as %s; using %s", name, origin, alt_codec, alt_codec)
                return alt_codec, alt_text
        if text is not None:
            return codec, text
        log.info("page declares %s in its %s but does not decode with it; sniffing", name, origin)
    return sniff(body)
