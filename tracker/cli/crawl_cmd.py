"""``kaisei crawl``, ``kaisei updates`` and ``kaisei sources``: gather updates and look at what was gathered.

Scrapy is imported only inside ``kaisei crawl`` (the reactor and its spiders are heavy; ``--help`` stays fast).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional, Sequence

import typer

from tracker.cli.common import ConfigOpt, DbOpt, LangOpt, app, get_context, parse_date_option, write_csv, write_json
from tracker.errors import KaiseiError, NotFoundError
from tracker.i18n import ja_quote, pick

log = logging.getLogger(__name__)

# Loggers that speak for Scrapy and Twisted: their messages duplicate the per-source lines kaisei prints.
_CRAWLER_LOGGERS = ("scrapy", "twisted", "protego", "asyncio", "filelock", "hpack")


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class SourcesFormat(str, Enum):
    table = "table"
    json = "json"


SourcesFileOpt = typer.Option(None, "--sources", help="A TOML sources file adding sources or overriding built-in "
                              "ones by name. Default: kaisei.toml's sources_file.", show_default=False)


def _zone(settings: Any) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(settings.timezone)
    except Exception as exc:
        raise KaiseiError(f"timezone: unknown zone {settings.timezone!r}",
                          ja=f"timezone: タイムゾーン{ja_quote(settings.timezone)}はありません") from exc


def _console(*, stderr: bool = False):
    """A rich console that wraps to the terminal, and never wraps or colours when writing to a pipe or file."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(file=stream, highlight=False)
    return Console(file=stream, width=100_000, no_color=True, highlight=False, soft_wrap=False,
                   color_system=None, emoji=False)


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, justify_right: Sequence[str] = (),
           title: Optional[str] = None):
    """A rich table of plain text cells: text from the web is never read as rich markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from tracker.cli.people_cmd import safe_text

    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(column, justify="right" if column in justify_right else "left",
                         overflow="fold")
    for row in rows:
        # A title may carry ESC sequences: shown as \x1b, never sent to the terminal.
        table.add_row(*(Text(safe_text(cell)) for cell in row))
    return table


# --- kaisei crawl ---------------------------------------------------------------------------------------------


def choose_sources(specs: Sequence[Any], only: Sequence[str]) -> list[Any]:
    """The specs named by ``--only`` (all when none is named); an unknown name is one clear error."""
    names = [n.strip() for value in only for n in value.split(",") if n.strip()]
    if not names:
        return [s for s in specs if getattr(s, "enabled", True)]
    by_name = {s.name: s for s in specs}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(sorted(by_name))
        raise NotFoundError(f"unknown source {unknown[0]!r} (known: {known})",
                            ja=f"情報源{ja_quote(unknown[0])}はありません（登録されている情報源: {known}）")
    return [by_name[n] for n in dict.fromkeys(names)]


class _Progress:
    """One line on the terminal (stderr) per source as it finishes."""

    def __init__(self, total: int, lang: str = "en") -> None:
        self.total, self.done, self.lang = total, 0, lang
        self.console = _console(stderr=True)

    def __call__(self, outcome: Any) -> None:
        from rich.text import Text

        from crawlers.failure_ja import failure_text

        self.done += 1
        style = {"ok": "green", "not_modified": "cyan", "error": "red"}.get(outcome.status, "")
        line = Text(f"[{self.done}/{self.total}] ")
        line.append(outcome.source, style="bold")
        line.append(f" {outcome.status}", style=style)
        if outcome.status != "error":
            line.append(pick(self.lang, f"  新規 {outcome.new}、変更 {outcome.changed}",
                             f"  new {outcome.new}, changed {outcome.changed}"))
        else:
            line.append(f"  {failure_text(outcome.message, self.lang)}")
        self.console.print(line)


def _quiet_crawler_logs() -> None:
    """Without -v, Scrapy's and Twisted's messages (start-up, retries, robots.txt, cancelled downloads) stay out
    of stderr: each failed source gets exactly one line of ours instead. Scrapy raises its own loggers to DEBUG
    when a crawl starts, so this is a filter on the handlers, not a logger level."""
    if logging.getLogger().getEffectiveLevel() < logging.WARNING:
        return

    def only_serious(record: logging.LogRecord) -> bool:
        return record.levelno >= logging.CRITICAL or not record.name.startswith(_CRAWLER_LOGGERS)

    for handler in logging.getLogger().handlers:
        if getattr(handler, "_kaisei", False):
            handler.addFilter(only_serious)


def print_crawl_summary(report: Any, lang: str) -> None:
    columns = [pick(lang, "ソース", "source"), pick(lang, "状態", "status"), pick(lang, "取得", "fetched"),
               pick(lang, "新規", "new"), pick(lang, "変更", "changed"), pick(lang, "未変更", "unchanged"),
               pick(lang, "エラー", "errors")]
    rows = [[o.source, o.status, o.fetched, o.new, o.changed, o.unchanged, o.errors]
            for o in sorted(report.outcomes, key=lambda o: o.source)]
    totals = report.totals()
    failed = len(report.failed)
    rows.append([pick(lang, "合計", "total"),
                 (pick(lang, f"{failed} 件失敗", f"{failed} failed") if failed else "ok"),
                 totals["fetched"], totals["new"], totals["changed"], totals["unchanged"], totals["errors"]])
    _console().print(_table(columns, rows, justify_right=columns[2:]))


@app.command("crawl")
def crawl(
    ctx: typer.Context,
    sources: Optional[Path] = SourcesFileOpt,
    only: list[str] = typer.Option([], "--only", help="Crawl only this source (repeat, or separate names with "
                                   "commas). Default: every enabled source.", show_default=False),
    no_tag: bool = typer.Option(False, "--no-tag", help="Store without tagging (tag later with kaisei retag)."),
    db: DbOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """Crawl the sources into the database: exit 0 when every source succeeded, 1 when any failed (each named on
    stderr, the others stored)."""
    from crawlers.registry import load_sources

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    settings = app_ctx.settings
    specs = load_sources(settings=settings, sources_file=sources, include_disabled=bool(only))
    chosen = choose_sources(specs, only)
    if not chosen:
        raise KaiseiError("no source to crawl (every source is disabled)",
                          ja="取得する情報源がありません（すべて無効になっています）")
    engine = app_ctx.engine
    _quiet_crawler_logs()

    from crawlers.runner import run_crawl

    progress = _Progress(len(chosen), app_ctx.lang) if sys.stderr.isatty() else None
    report = run_crawl(engine=engine, specs=chosen, settings=settings, tag=not no_tag, progress=progress)
    print_crawl_summary(report, app_ctx.lang)
    sys.stdout.flush()
    from crawlers.failure_ja import failure_text

    lang = app_ctx.lang
    for outcome in sorted(report.failed, key=lambda o: o.source):
        reason = failure_text(outcome.message, lang) or pick(lang, "失敗しました", "failed")
        sys.stderr.write(f"kaisei: crawl: {outcome.source}: {reason}\n")
    for problem in report.tagging_errors:
        sys.stderr.write(f"kaisei: crawl: {pick(lang, '部門の判定', 'tagging')}: {problem}\n")
    if report.interrupted:
        sys.stderr.write(f"kaisei: crawl: {pick(lang, '中断しました', 'interrupted')}\n")
        raise typer.Exit(130)
    if report.failed:
        raise typer.Exit(1)


# --- kaisei updates -------------------------------------------------------------------------------------------

updates_app = typer.Typer(help="List the stored updates (newest first), or change one with a subcommand.",
                          invoke_without_command=True, no_args_is_help=False)
app.add_typer(updates_app, name="updates")

UPDATE_CSV_COLUMNS = ("id", "source", "published_at", "title", "url", "effective_on", "deadline_on", "departments",
                      "topics", "revision")


def _check_filters(*, session: Any, sources: Sequence[str], departments: Sequence[str]) -> None:
    from sqlmodel import select

    from tracker.departments import get_department
    from tracker.models import Source

    if sources:
        known = set(session.exec(select(Source.name)).all())
        for name in sources:
            if name not in known:
                listed = ", ".join(sorted(known))
                raise NotFoundError(f"unknown source {name!r} (sources in the database: "
                                    f"{listed or 'none yet: run kaisei crawl'})",
                                    ja=f"情報源{ja_quote(name)}はありません（データベースにある情報源: "
                                       f"{listed or 'まだありません。先に kaisei crawl を実行してください'}）")
    for key in departments:
        get_department(session=session, key=key)


@updates_app.callback(invoke_without_command=True)
def updates(
    ctx: typer.Context,
    source: list[str] = typer.Option([], "--source", help="Only this source (by name; repeatable).",
                                     show_default=False),
    department: list[str] = typer.Option([], "--department", help="Only updates tagged with this department key "
                                         "(repeatable; manual tags win).", show_default=False),
    since: Optional[str] = typer.Option(None, "--since", help="Only updates published on or after this day "
                                        "(YYYY-MM-DD, JST).", show_default=False),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, max=1_000_000_000, help="At most this many (newest first).",
                                        show_default=False),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", help="table, json or csv."),
    db: DbOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """List the stored updates, newest first: kaisei updates [--source NAME] [--department KEY] [--since DATE]."""
    if ctx.invoked_subcommand is not None:
        get_context(ctx, db=db, config=config, lang=lang)
        return
    from tracker.store import list_updates, update_records

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    first_day = parse_date_option(since, "--since")
    zone = _zone(app_ctx.settings)
    with app_ctx.session() as session:
        _check_filters(session=session, sources=source, departments=department)
        rows = list_updates(session=session, sources=source, departments=department, since=first_day, limit=limit)
        records = update_records(session=session, updates=rows, tz=zone)
    if fmt == TableFormat.json:
        write_json(records)
    elif fmt == TableFormat.csv:
        write_csv(records, UPDATE_CSV_COLUMNS)
    else:
        _print_updates_table(records, app_ctx.lang)


def _print_updates_table(records: list[dict[str, Any]], lang: str) -> None:
    columns = ["id", pick(lang, "公表日", "published"), pick(lang, "ソース", "source"), pick(lang, "件名", "title"),
               pick(lang, "部門", "departments"), pick(lang, "施行日", "effective"), pick(lang, "締切", "deadline")]
    rows = [[r["id"], (r["published_at"] or "")[:10], r["source"],
             r["title"] + (f" (rev {r['revision']})" if r["revision"] > 1 else ""),
             ", ".join(r["departments"]), r["effective_on"] or "", r["deadline_on"] or ""] for r in records]
    console = _console()
    if not rows:
        console.print(pick(lang, "該当する更新はありません。", "No updates."), markup=False)
        return
    console.print(_table(columns, rows, justify_right=["id"]))


# --- kaisei sources -------------------------------------------------------------------------------------------


def source_records(*, specs: Sequence[Any], states: dict[str, Any], zone: dt.tzinfo) -> list[dict[str, Any]]:
    """The JSON form of ``kaisei sources``: each spec's fields plus its last crawl and update count."""
    records = []
    for spec in specs:
        state = states.get(spec.name)
        record = spec.as_dict()
        record.update({
            "last_crawled_at": state.last_crawled_at.astimezone(zone).isoformat()
            if state and state.last_crawled_at else None,
            "last_status": state.last_status if state else None,
            "last_error": state.last_error if state else None,
            "updates": state.updates if state else 0,
        })
        records.append(record)
    return records


@app.command("sources")
def sources_command(
    ctx: typer.Context,
    sources: Optional[Path] = SourcesFileOpt,
    fmt: SourcesFormat = typer.Option(SourcesFormat.table, "--format", help="table or json."),
    db: DbOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """List the sources (built-in and your own) with their last crawl, its status or error, and update counts."""
    from crawlers.failure_ja import failure_text
    from crawlers.registry import load_sources
    from tracker.store import source_states

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    specs = load_sources(settings=app_ctx.settings, sources_file=sources, include_disabled=True)
    with app_ctx.session() as session:
        states = source_states(session=session, names=[s.name for s in specs])
    records = source_records(specs=specs, states=states, zone=_zone(app_ctx.settings))
    if fmt == SourcesFormat.json:
        write_json(records)
        return
    lang_ = app_ctx.lang
    columns = [pick(lang_, "名前", "name"), pick(lang_, "種類", "kind"), pick(lang_, "名称", "title"),
               pick(lang_, "最終取得", "last crawl"), pick(lang_, "状態", "status"), pick(lang_, "件数", "updates"),
               pick(lang_, "エラー", "error")]
    rows = [[r["name"] + ("" if r["enabled"] else pick(lang_, " (無効)", " (disabled)")), r["kind"], r["title"],
             (r["last_crawled_at"] or "")[:16].replace("T", " "), r["last_status"] or "", r["updates"],
             failure_text(r["last_error"], lang_)] for r in records]
    _console().print(_table(columns, rows, justify_right=[columns[5]]))
