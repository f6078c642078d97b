"""``kaisei``: the command line. Commands live in one module per concept and register on ``common.app``.

Heavy libraries (scrapy, spacy, textual) are imported inside the commands that need them, so ``kaisei --help``
stays fast.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from tracker import __version__
from tracker.cli.common import AppContext, ConfigOpt, DbOpt, LangOpt, app
from tracker.errors import KaiseiError


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kaisei {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: DbOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output (-vv for debug)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    ctx.obj = AppContext(db_url=db, config_path=config, lang_choice=lang)
    configure_logging(verbose)


def configure_logging(verbose: int = 0) -> None:
    """Handlers are configured once, here: warnings by default, -v info, -vv debug, all to stderr."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    root = logging.getLogger()
    if not any(getattr(h, "_kaisei", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._kaisei = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("scrapy", "twisted", "filelock", "asyncio", "apscheduler", "mail.log", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _register_commands() -> None:
    # Each module adds its commands to ``app`` when imported.
    from tracker.cli import db_cmd  # noqa: F401
    import importlib

    for name in ("crawl_cmd", "tag_cmd", "people_cmd", "status_cmd", "tui_cmd", "digest_cmd", "serve_cmd"):
        try:
            importlib.import_module(f"tracker.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tracker.cli.{name}":
                raise


_register_commands()


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: a user's mistake is one line on stderr and exit 1 (domain) or 2 (usage), never a traceback.

    Typer (standalone mode) prints usage errors and exits 2 itself; domain errors surface here.
    """
    try:
        app(args=argv, prog_name="kaisei")
    except KaiseiError as exc:
        sys.stderr.write(f"kaisei: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("kaisei: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # `kaisei updates | head`: the reader left; not an error.
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
