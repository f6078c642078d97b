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
from tracker.cli.common import AppContext, ConfigOpt, DbOpt, LangOpt, app, current_context, set_current_context
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
    set_current_context(ctx.obj)
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

    Typer (standalone mode) prints usage errors and exits 2 itself; domain errors surface here, in the run's
    language.
    """
    set_current_context(None)
    try:
        app(args=argv, prog_name="kaisei")
    except KaiseiError as exc:
        _print_error(exc, sys.argv[1:] if argv is None else argv)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        try:
            ja = error_lang(sys.argv[1:] if argv is None else argv) == "ja"
        except Exception:  # working out the language must not turn Ctrl-C into a traceback
            ja = False
        sys.stderr.write("kaisei: 中断しました\n" if ja else "kaisei: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # `kaisei updates | head`: the reader left; not an error.
        sys.stderr.close()
        sys.exit(0)


def _print_error(exc: KaiseiError, argv: list[str]) -> None:
    """``kaisei: <message>`` on stderr, in Japanese when the run's language is ja; printing never fails."""
    try:
        text = exc.message(error_lang(argv))
        # A stderr that cannot carry Japanese (an ASCII or Latin-1 terminal) gets the English form, not \u escapes.
        text.encode(getattr(sys.stderr, "encoding", None) or "utf-8")
    except Exception:  # nor must a broken Japanese form hide the error itself
        text = str(exc)
    try:
        sys.stderr.write(f"kaisei: {text}\n")
        sys.stderr.flush()
    except UnicodeEncodeError:
        sys.stderr.write(f"kaisei: {exc}\n".encode("ascii", "backslashreplace").decode("ascii"))
    except OSError:  # stderr is gone: the exit code still tells
        pass


def error_lang(argv: list[str]) -> str:
    """The language to print an error in, even when the error is a bad kaisei.toml or a bad ``--lang``.

    The command's own language (``--lang``, kaisei.toml, the locale) when it can still be worked out; else a valid
    ``--lang`` given (to the command, else before it), else a valid ``lang`` in kaisei.toml (even when another key
    of it is wrong), else the locale. Never raises.
    """
    from tracker.i18n import LANGS, detect_lang

    try:
        context = current_context()
        if context is not None:
            try:
                return context.lang
            except Exception:  # the bad kaisei.toml or --lang being reported
                pass
        for choice in ([context.lang_choice] if context is not None else []) + lang_options(argv)[::-1]:
            if choice in LANGS:
                return choice
        configured = _configured_lang(context)
        return detect_lang(None, configured if configured in LANGS else None)
    except Exception:
        return "en"


def _configured_lang(context: Optional[AppContext]) -> Optional[str]:
    """kaisei.toml's ``lang`` (else ``KAISEI_LANG``), read as plain TOML when the settings as a whole are wrong."""
    if context is not None:
        try:
            return context.settings.lang
        except Exception:
            pass
    import os

    from tracker.config import CONFIG_ENV, default_config_path, read_toml

    try:
        explicit = (context.config_path if context is not None else None) or os.environ.get(CONFIG_ENV)
        path = Path(explicit).expanduser() if explicit else default_config_path()
        value = read_toml(path).get("lang") if explicit or path.exists() else None
    except Exception:  # a missing or broken file: no language from it
        value = None
    return value if isinstance(value, str) else os.environ.get("KAISEI_LANG")


def lang_options(argv: list[str]) -> list[str]:
    """The values of the output-language ``--lang`` options in ``argv``, in order.

    ``people add`` and ``people edit`` take ``--lang`` for the person's own language: theirs are left out.
    """
    values: list[str] = []
    words: list[str] = []
    person_lang = False
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            break
        if token == "--lang" or token.startswith("--lang="):
            value = token.partition("=")[2] if "=" in token else next(tokens, "")
            if not person_lang:
                values.append(value)
            continue
        if not token.startswith("-"):
            words.append(token)
            if len(words) >= 2 and words[-2] == "people" and token in ("add", "edit"):
                person_lang = True
    return values


if __name__ == "__main__":  # pragma: no cover
    main()
