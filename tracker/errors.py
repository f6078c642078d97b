"""One exception root: the CLI turns any ``KaiseiError`` into one line on stderr and an exit code.

Each error carries its message in English (``str(exc)``: logs, the job history and the tests read it) and, given
as ``ja=``, in Japanese; ``message(lang)`` picks the one a person reads. Names, handles, paths, keys and values
appear in both forms exactly as given.
"""

from __future__ import annotations

from typing import Optional


class KaiseiError(Exception):
    """A domain error a user can act on; its message is one line, no traceback."""

    exit_code = 1
    # Leads an English message that came without a Japanese form, so a Japanese reader still learns what failed.
    ja_kind = "エラー"

    def __init__(self, message: str = "", *, ja: Optional[str] = None) -> None:
        super().__init__(message)
        self.ja = ja

    def message(self, lang: str) -> str:
        """The message in ``lang`` (ja or en). Without a Japanese form, ja is the English one after ``ja_kind``."""
        english = str(self)
        if lang != "ja":
            return english
        return self.ja or f"{self.ja_kind}: {english}"


class ConfigError(KaiseiError):
    """A bad kaisei.toml or sources file: the message names the file and the key."""

    ja_kind = "設定の誤り"


class DatabaseError(KaiseiError):
    """The database cannot be opened or migrated."""

    ja_kind = "データベースのエラー"


class NotFoundError(KaiseiError):
    """An unknown person, update, source or department."""

    ja_kind = "見つかりません"


class CrawlError(KaiseiError):
    """A source could not be fetched or parsed."""

    ja_kind = "取得のエラー"


class MailError(KaiseiError):
    """The SMTP server is unreachable or refused a message."""

    ja_kind = "メールのエラー"
