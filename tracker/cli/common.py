"""The Typer application, its shared options and the context every command works in.

The CLI is a thin layer: each command parses its options, calls a function of the tracker API and prints.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Iterable, Optional

import typer

from tracker.errors import KaiseiError

log = logging.getLogger(__name__)

app = typer.Typer(
    name="kaisei",
    help="kaisei (改正): watch regulators, tag each update to the departments that must know it, "
    "and track who has read, studied and applied it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DbOpt = Annotated[
    Optional[str],
    typer.Option("--db", help="Database URL (SQLAlchemy). Default: $KAISEI_DATABASE_URL, else SQLite in the "
                 "user data dir.", show_default=False),
]
ConfigOpt = Annotated[
    Optional[Path],
    typer.Option("--config", help="kaisei.toml to read. Default: $KAISEI_CONFIG, else the user config dir.",
                 show_default=False),
]
LangOpt = Annotated[
    Optional[str],
    typer.Option("--lang", help="Language of the output: ja or en. Default: kaisei.toml, else the locale.",
                 show_default=False),
]


@dataclass
class AppContext:
    """What a command needs: settings, the database (opened and migrated on first use) and the language."""

    db_url: Optional[str] = None
    config_path: Optional[Path] = None
    lang_choice: Optional[str] = None
    _settings: Any = field(default=None, repr=False)
    _engine: Any = field(default=None, repr=False)

    @property
    def settings(self):
        if self._settings is None:
            from tracker.config import load_settings

            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def database_url(self) -> str:
        from tracker.db import resolve_database_url

        return resolve_database_url(self.db_url or self.settings.database_url)

    @property
    def engine(self):
        if self._engine is None:
            from tracker.db import create_db_engine, session_scope
            from tracker.departments import sync_departments

            self._engine = create_db_engine(self.database_url)
            with session_scope(self._engine) as session:
                sync_departments(session=session, settings=self.settings)
        return self._engine

    def session(self):
        """A commit-on-success session on the database."""
        from tracker.db import session_scope

        return session_scope(self.engine)

    @property
    def lang(self) -> str:
        from tracker.i18n import detect_lang

        return detect_lang(self.lang_choice, self.settings.lang)


# The context of the command running now: main() reads its language to print an error the command raised.
_current: Optional[AppContext] = None


def set_current_context(context: Optional[AppContext]) -> None:
    global _current
    _current = context


def current_context() -> Optional[AppContext]:
    """The running command's context (None before the root callback has run)."""
    return _current


def get_context(ctx: typer.Context, *, db: Optional[str] = None, config: Optional[Path] = None,
                lang: Optional[str] = None) -> AppContext:
    """The command's context: options given to the command win over the same options given before it."""
    root = ctx.find_root().obj
    if not isinstance(root, AppContext):
        root = AppContext()
        ctx.find_root().obj = root
        set_current_context(root)
    if db:
        root.db_url = db
    if config:
        root.config_path = config
    if lang:
        root.lang_choice = lang
    root.settings  # a bad kaisei.toml stops every command, not only those that read the bad key
    root.lang  # so does a bad --lang, before the command has done anything
    return root


def parse_date_option(value: Optional[str], option: str = "--since") -> Optional[dt.date]:
    """YYYY-MM-DD (or a 和暦 / full-width form the date parser reads) for a --since style option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        from tracker.dates import parse_date

        parsed = parse_date(value)
    except ImportError:  # pragma: no cover - dates module always ships
        parsed = None
    if parsed is None:
        raise typer.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)", param_hint=option)
    return parsed


def write_json(rows: Any) -> None:
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def write_csv(rows: list[dict[str, Any]], columns: Iterable[str]) -> None:
    columns = list(columns)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in columns})
    sys.stdout.write(buf.getvalue())


def _csv_value(value: Any) -> Any:
    from tracker.export import spreadsheet_cell

    if isinstance(value, (list, tuple)):
        return spreadsheet_cell(";".join(str(v) for v in value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return spreadsheet_cell(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def fail(message: str, code: int = 1, *, ja: Optional[str] = None) -> None:
    """Stop the command with one line on stderr (``ja``: the same line in Japanese)."""
    raise KaiseiError(message, ja=ja) if code == 1 else typer.Exit(code)
