"""One exception root: the CLI turns any ``KaiseiError`` into one line on stderr and an exit code."""


class KaiseiError(Exception):
    """A domain error a user can act on; its message is one line, no traceback."""

    exit_code = 1


class ConfigError(KaiseiError):
    """A bad kaisei.toml or sources file: the message names the file and the key."""


class DatabaseError(KaiseiError):
    """The database cannot be opened or migrated."""


class NotFoundError(KaiseiError):
    """An unknown person, update, source or department."""


class CrawlError(KaiseiError):
    """A source could not be fetched or parsed."""


class MailError(KaiseiError):
    """The SMTP server is unreachable or refused a message."""
