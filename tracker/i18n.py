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

                raise KaiseiError(f"unknown language {choice!r}: use ja or en",
                                  ja=f"言語{ja_quote(choice)}には対応していません（ja か en を指定してください）")
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


def ja_quote(value: object) -> str:
    """``value`` in 「」 for a Japanese message; control characters escaped as repr() does, so it stays one line."""
    text = str(value)
    if not text.isprintable():
        text = repr(text)[1:-1]
    return f"「{text}」"


# Why a file or a connection failed, in Japanese, for the errno values a person meets; else the system's words.
_OS_REASONS_JA = {
    "ENOENT": "ファイルまたはフォルダがありません",
    "EACCES": "アクセス権がありません",
    "EPERM": "操作が許可されていません",
    "EISDIR": "フォルダです",
    "ENOTDIR": "途中の名前がフォルダではありません",
    "EEXIST": "既にあります",
    "ENOSPC": "ディスクの空きがありません",
    "EROFS": "読み取り専用です",
    "ECONNREFUSED": "接続を拒否されました",
    "ECONNRESET": "接続が切られました",
    "ETIMEDOUT": "時間切れです",
    "EHOSTUNREACH": "ホストに到達できません",
    "ENETUNREACH": "ネットワークに到達できません",
}


def os_reason_ja(exc: BaseException) -> str:
    """Why ``exc`` (an OSError, usually) happened, in Japanese when the reason is a common one."""
    import errno
    import socket

    if isinstance(exc, socket.gaierror):
        return "ホスト名が見つかりません"
    name = errno.errorcode.get(getattr(exc, "errno", None) or 0, "")
    if name in _OS_REASONS_JA:
        return _OS_REASONS_JA[name]
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
