"""Which language a person sees (ja or en), and the few strings the domain layer itself prints."""

from __future__ import annotations

import locale
import os

LANGS = ("ja", "en")


def detect_lang(explicit: str | None = None, configured: str | None = None) -> str:
    """``explicit`` (``--lang``) wins, then kaisei.toml's ``lang``, then the locale: ja when it is Japanese."""
    for choice in (explicit, configured):
        if choice:
            if choice not in LANGS:
                from tracker.errors import KaiseiError

                raise KaiseiError(f"unknown language {choice!r}: use ja or en")
            return choice
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ja" if loc.lower().startswith("ja") else "en"


def pick(lang: str, ja: str, en: str) -> str:
    """The Japanese or English form of a short string."""
    return ja if lang == "ja" else en
