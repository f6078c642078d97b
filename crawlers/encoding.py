"""Decoding a page to text: the HTTP header, then the page's own declaration, then the BOM, then sniffing.

Japanese government sites still serve Shift_JIS (really Windows-31J/CP932: ①, 髙 and ㈱ appear in titles) and
EUC-JP, and now and then declare one charset while sending another. A declaration is trusted only when the
bytes decode cleanly with it; otherwise the bytes decide.

ISO-2022-JP (7-bit JIS, old mail-style pages and feeds) is all ASCII bytes, so it "decodes cleanly" as UTF-8,
Shift_JIS or Latin-1 too — into raw escape sequences and ASCII soup. A 7-bit body that switches to a Japanese
character set with those escape sequences (ESC $ B, ESC $ @, ESC $ ( D, ESC ( J, ESC ( I …) is therefore read as
ISO-2022-JP whatever its header or declaration says, unless the declared charset itself interprets the escapes.
So is one with a few stray 8-bit bytes in much JIS text: each such byte costs one character, not the page.
"""

from __future__ import annotations

import codecs
import functools
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

# An ISO-2022-JP switch into a non-ASCII set: JIS X 0208 (ESC $ @, ESC $ B), JIS X 0212 (ESC $ ( D), JIS X 0213
# (ESC $ ( O/P/Q), the ISO-2022-JP-2 sets GB 2312 (ESC $ A) and KS X 1001 (ESC $ ( C), JIS Roman (ESC ( J) and
# half-width katakana (ESC ( I). ESC ( B alone is no evidence: terminals' "tput sgr0" writes it into plain ASCII.
_JIS_SHIFT = re.compile(rb"\x1b(?:\$[@AB]|\$\([CDOPQ]|\([IJ])")
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")
# Text shifted into a two-byte set, up to the next escape: what makes a body ISO-2022-JP beyond doubt.
_JIS_TWO_BYTE_RUN = re.compile(rb"\x1b(?:\$[@AB]|\$\([CDOPQ])([^\x1b]*)")
# A 7-bit JIS body with a few stray 8-bit bytes (a byte flipped in transit, one pasted character in another
# encoding) is still JIS when those bytes are at most this share of its two-byte text.
STRAY_EIGHT_BIT_SHARE = 0.02
# Strict codecs tried in turn on such a body; the first is what a declared ISO-2022-JP maps to.
_JIS_CODECS = ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004")
# For the lenient reading: every escape sequence the Python codecs know, and the set each one selects.
_JIS_ESCAPE = re.compile(rb"(\x1b(?:\$[@AB]|\$\([CDOPQ]|\([BIJ]|&@))")
_JIS_SETS = {
    b"\x1b(B": "ascii", b"\x1b(J": "roman", b"\x1b(I": "kana", b"\x1b$@": "jis0208", b"\x1b$B": "jis0208",
    b"\x1b$(D": "jis0212", b"\x1b$(O": "jis0213-1", b"\x1b$(Q": "jis0213-1", b"\x1b$(P": "jis0213-2",
    b"\x1b$A": "gb2312", b"\x1b$(C": "ksc5601",
}
_ROMAN = str.maketrans({"\\": "\u00a5", "~": "\u203e"})  # JIS X 0201 Roman: yen sign and overline
_KANA = str.maketrans({chr(b): chr(0xFF40 + b) for b in range(0x21, 0x60)})  # 0x21 → U+FF61 ｡ … 0x5F → U+FF9F ﾟ
_STRAY = str.maketrans({"\x1b": "\ufffd", **{chr(b): "\ufffd" for b in range(0x80, 0x100)}})
_PAIRS = re.compile(r"[\x21-\x7e]{1,2}")
_PAIRS_WITH_STRAYS = re.compile(r"[\x21-\x7e\ufffd]+")
# A run of a 94×94 set in EUC form (each byte | 0x80) is one C-speed decode; only a run that fails goes pair by pair.
_EUC_FORM = bytes.maketrans(bytes(range(0x21, 0x7F)), bytes(range(0xA1, 0xFF)))
_EUC_CODECS = {"jis0208": "euc_jp", "jis0213-1": "euc_jis_2004", "gb2312": "gb2312", "ksc5601": "euc_kr"}


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

    ISO-2022-JP first when a 7-bit body carries its escape sequences (:func:`iso2022_jp`), then UTF-8 (a strict
    decode of non-ASCII bytes almost never succeeds by accident), then CP932 and EUC-JP, preferring the one whose
    text looks more like Japanese when both decode.
    """
    if not body:
        return "utf-8", ""
    jis = iso2022_jp(body)
    if jis is not None:  # 7-bit: it "decodes" as UTF-8 too, escape sequences and all, so look for them first
        return jis
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


def iso2022_jp(body: bytes) -> Optional[tuple[str, str]]:
    """(codec, text) when ``body`` is 7-bit and shifts into a Japanese set by ISO-2022-JP escapes, else None.

    The strict Python codecs first (their text is what a declared ISO-2022-JP has always given); when none
    decodes the whole body — Microsoft's NEC/IBM extensions (①, ㈱, 髙) sent as JIS, a cut-off body, an odd
    escape — a lenient reading that keeps every character it can and puts U+FFFD for the rest. The codec
    reported is then still ``iso2022_jp_ext``, the nearest Python codec.
    """
    if b"\x1b" not in body or not _JIS_SHIFT.search(body):
        return None
    if _EIGHT_BIT.search(body) and not _jis_despite_eight_bit(body):
        return None
    for codec in _JIS_CODECS:
        text = _strict(body, codec)
        # CPython's ISO-2022 decoders pass an unknown escape through raw (and may drop what follows it).
        if text is not None and "\x1b" not in text:
            break
    else:
        codec, text = _JIS_CODECS[0], _lenient_jis(body)
    # Escape sequences and nothing else are no evidence of anything: leave such a body to the other rules.
    return (codec, text) if text else None


def _jis_despite_eight_bit(body: bytes) -> bool:
    """Whether a body with 8-bit bytes is still ISO-2022-JP: much two-byte JIS text, hardly any 8-bit bytes.

    A UTF-8, Shift_JIS or EUC-JP page is made of 8-bit bytes wherever it is Japanese, so it never passes; an escape
    sequence quoted in one of them has no JIS text of its own to outweigh them.
    """
    eight_bit = len(_EIGHT_BIT.findall(body))
    jis_text = sum(len(run) for run in _JIS_TWO_BYTE_RUN.findall(body))
    return jis_text >= 8 and eight_bit <= STRAY_EIGHT_BIT_SHARE * jis_text


def _lenient_jis(body: bytes) -> str:
    """ISO-2022-JP read run by run between escape sequences; never raises."""
    out: list[str] = []
    charset = "ascii"
    for index, part in enumerate(_JIS_ESCAPE.split(body)):
        if index % 2:  # an escape sequence: switch sets (ESC & @ only announces JIS X 0208-1990)
            charset = _JIS_SETS.get(part, charset)
            continue
        euc = _EUC_CODECS.get(charset)
        # (A stray 8-bit byte would pair up with its neighbour in EUC form: such a run goes pair by pair.)
        if part and euc is not None and part.isascii() and (quick := _strict(part.translate(_EUC_FORM), euc)) is not None:
            out.append(quick.replace("\x1b", "\ufffd"))
            continue
        text = part.decode("latin-1")
        if b"\x1b" in part or not part.isascii():
            text = text.translate(_STRAY)
        if charset == "roman":
            text = text.translate(_ROMAN)
        elif charset == "kana":
            text = text.translate(_KANA)
        elif charset != "ascii":
            table = _jis_table(charset)
            if part.isascii():
                text = _PAIRS.sub(lambda m: table.get(m.group(), "\ufffd"), text)
            else:
                text = _PAIRS_WITH_STRAYS.sub(lambda m: _stray_run(m.group(), table), text)
        out.append(text)
    return "".join(out)


def _stray_run(run: str, table: dict[str, str]) -> str:
    """A run of two-byte JIS text with stray 8-bit bytes in it (each already U+FFFD).

    Of even length, each stray byte took the place of one of a pair's bytes (a bit flipped in transit): pairs
    are kept by position, and each stray costs its one character. Of odd length, the stray bytes were put in
    between: each is a character of its own, and the text around it pairs as it did before.
    """
    if len(run) % 2 == 0:
        return "".join(table.get(run[i:i + 2], "\ufffd") for i in range(0, len(run), 2))
    return _PAIRS.sub(lambda m: table.get(m.group(), "\ufffd"), run)


@functools.lru_cache(maxsize=None)
def _jis_table(charset: str) -> dict[str, str]:
    """Every two-byte code of a 94×94 set (as two characters 0x21–0x7E) → its character."""
    table = {}
    for b1 in range(0x21, 0x7F):
        for b2 in range(0x21, 0x7F):
            char = _jis_char(charset, b1, b2)
            if char is not None:
                table[chr(b1) + chr(b2)] = char
    return table


def _jis_char(charset: str, b1: int, b2: int) -> Optional[str]:
    euc = bytes((b1 | 0x80, b2 | 0x80))
    if charset == "jis0208":
        # JIS X 0208 as Python maps it, then Microsoft's rows (NEC row 13 ①㈱, NEC-selected IBM rows 89–92 髙)
        # through the same row/cell in Shift_JIS form, which CP932 reads.
        row1 = b1 - 0x21
        lead = (row1 >> 1) + (0x81 if row1 < 62 else 0xC1)
        trail = b2 + (0x1F if b2 < 0x60 else 0x20) if row1 % 2 == 0 else b2 + 0x7E
        return _strict(euc, "euc_jp") or _strict(bytes((lead, trail)), "cp932")
    codec, prefix = {
        "jis0212": ("euc_jp", b"\x8f"), "jis0213-1": ("euc_jis_2004", b""), "jis0213-2": ("euc_jis_2004", b"\x8f"),
        "gb2312": ("gb2312", b""), "ksc5601": ("euc_kr", b""),
    }[charset]
    return _strict(prefix + euc, codec)


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

    A declared charset whose strict decode fails is ignored (the page lied); the bytes are sniffed instead. So is
    one that leaves ISO-2022-JP escape sequences raw in a 7-bit body (UTF-8, Shift_JIS, Latin-1 …): that body is
    read as ISO-2022-JP. Never raises: undecodable bytes become U+FFFD as a last resort.
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
    jis = iso2022_jp(body)
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
        if jis is not None and text is not None and "\x1b" in text:
            # UTF-8, Shift_JIS, Latin-1 … all read a 7-bit body as ASCII, leaving the escape sequences raw.
            log.info("page declares %s in its %s but its bytes are ISO-2022-JP; using %s", name, origin, jis[0])
            return jis
        if text is not None and codec in _MULTIBYTE_JA:
            # EUC-JP bytes often decode "cleanly" as Shift_JIS (into half-width kana soup), and vice versa.
            alt_codec, alt_text = sniff(body)
            if alt_codec != codec and _japanese_score(alt_text) > _japanese_score(text) + 0.1:
                log.info("page declares %s in its %s but reads as %s; using %s", name, origin, alt_codec, alt_codec)
                return alt_codec, alt_text
        if text is not None:
            return codec, text
        log.info("page declares %s in its %s but does not decode with it; sniffing", name, origin)
    return jis if jis is not None else sniff(body)
