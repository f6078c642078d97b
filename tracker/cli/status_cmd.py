"""``kaisei status``, ``kaisei export``, ``kaisei calendar`` and ``kaisei updates tag``: tracking from the shell."""

from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from tracker.cli.common import ConfigOpt, DbOpt, LangOpt, app, get_context, parse_date_option, write_json
from tracker.cli.people_cmd import TableOrJson, print_table
from tracker.i18n import pick

log = logging.getLogger(__name__)

status_app = typer.Typer(help="Where each person stands: set a state, show a queue, show an update's history.",
                         no_args_is_help=True)
app.add_typer(status_app, name="status")

STATE_NAMES = {"unread": "未読", "read": "既読", "studied": "学習済", "applied": "適用済"}


def _state(state: str, lang: str) -> str:
    return STATE_NAMES.get(state, state) if lang == "ja" else state


def _jst(value) -> str:
    from tracker.dates import to_jst

    return to_jst(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _iso(value) -> Optional[str]:
    from tracker.dates import to_jst

    return to_jst(value).isoformat() if value is not None else None


@status_app.command("set")
def set_(
    ctx: typer.Context,
    handle: str = typer.Argument(..., help="Whose status."),
    update_id: int = typer.Argument(..., help="The update's id (see `kaisei updates`)."),
    state: str = typer.Argument(..., help="unread, read, studied or applied."),
    note: Optional[str] = typer.Option(None, "--note", "-n", help="Evidence: a changed 規程, a ticket, a setting."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Set a person's state on an update (any step forward or back); the change goes into the history."""
    from tracker.status import set_status

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    with app_ctx.session() as session:
        event = set_status(session=session, person=handle, update_id=update_id, state=state, note=note)
    lang_ = app_ctx.lang
    if event is None:
        typer.echo(pick(lang_, f"{handle}: 更新 {update_id} は既に{_state(state, lang_)}です",
                        f"{handle}: update {update_id} is already {state}"))
    elif event.from_state == event.to_state:  # the same state again with a new note: the note is the change
        typer.echo(pick(lang_, f"{handle}: 更新 {update_id} {_state(state, lang_)}のままメモを記録しました",
                        f"{handle}: update {update_id} stays {state}; note recorded"))
    else:
        typer.echo(f"{handle}: {pick(lang_, '更新', 'update')} {update_id} "
                   f"{_state(event.from_state, lang_)} -> {_state(event.to_state, lang_)}")


@status_app.command("show")
def show(
    ctx: typer.Context,
    handle: str = typer.Argument(..., help="Whose queue."),
    state: Optional[str] = typer.Option(None, "--state", "-s", help="Only this state: unread, read, studied, applied."),
    department: Optional[str] = typer.Option(None, "--department", "-d", help="Only this department's updates."),
    source: Optional[str] = typer.Option(None, "--source", help="Only this source (its name)."),
    search: Optional[str] = typer.Option(None, "--search", help="Only titles containing this text."),
    limit: int = typer.Option(0, "--limit", min=0, max=1_000_000_000, help="At most this many (newest first); 0 = all."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """A person's queue: their departments' updates, newest first, with their state."""
    from tracker.status import queue

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    rows = []
    page = 1000 if not limit else min(limit, 1000)
    with app_ctx.session() as session:
        while True:
            got = queue(session=session, person=handle, state=state, department=department, source=source,
                        search=search, offset=len(rows), limit=page if not limit else min(page, limit - len(rows)))
            rows += got
            if len(got) < page or (limit and len(rows) >= limit):
                break
    if fmt == TableOrJson.json:
        write_json([{"update_id": r.update_id, "state": r.state, "note": r.note, "at": _iso(r.at),
                     "title": r.title, "url": r.url, "source": r.source,
                     "published_at": _iso(r.published_at), "effective_on": r.effective_on,
                     "deadline_on": r.deadline_on, "departments": r.departments} for r in rows])
        return
    lang_ = app_ctx.lang
    headers = (("ID", "状態", "公開", "出典", "件名", "施行日", "締切", "メモ") if lang_ == "ja" else
               ("id", "state", "published", "source", "title", "effective", "deadline", "note"))
    print_table(headers, [(r.update_id, _state(r.state, lang_), _jst(r.published_at)[:10], r.source, r.title,
                           r.effective_on or "", r.deadline_on or "", r.note or "") for r in rows],
                max_width={4: 60, 7: 30})


class HistoryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@status_app.command("history")
def history_(
    ctx: typer.Context,
    update_id: int = typer.Argument(..., help="The update's id."),
    fmt: HistoryFormat = typer.Option(HistoryFormat.table, "--format", help="table, json or csv."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Every status change of an update: who, when, from what to what, with the note."""
    from tracker.export import audit_rows, to_csv

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    with app_ctx.session() as session:
        from tracker.status import get_update

        get_update(session=session, update_id=update_id)
        rows = audit_rows(session=session, update_id=update_id)
    if fmt == HistoryFormat.json:
        write_json(rows)
    elif fmt == HistoryFormat.csv:
        sys.stdout.write(to_csv(rows))
    else:
        lang_ = app_ctx.lang
        headers = (("日時", "ハンドル", "氏名", "変更前", "変更後", "メモ") if lang_ == "ja" else
                   ("at", "handle", "name", "from", "to", "note"))
        print_table(headers, [(r["at"][:16].replace("T", " "), r["handle"], r["name"], _state(r["from_state"], lang_),
                               _state(r["to_state"], lang_), r["note"] or "") for r in rows])


@status_app.command("team")
def team(
    ctx: typer.Context,
    department: Optional[str] = typer.Option(None, "--department", "-d", help="Only this department."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Per department and person: how many updates are unread, read, studied, applied and overdue."""
    from tracker.status import team_summary

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    from tracker.departments import department_name, list_departments

    with app_ctx.session() as session:
        rows = team_summary(session=session, department=department)
        names = {d.key: department_name(d, app_ctx.lang) for d in list_departments(session=session)}
    if fmt == TableOrJson.json:
        write_json([r.as_dict() for r in rows])
        return
    headers = (("部署", "ハンドル", "氏名", "未読", "既読", "学習済", "適用済", "期限超過") if app_ctx.lang == "ja" else
               ("department", "handle", "name", "unread", "read", "studied", "applied", "overdue"))
    print_table(headers, [(names.get(r.department, r.department), r.handle, r.name, r.unread, r.read, r.studied,
                           r.applied, r.overdue) for r in rows])


# --- kaisei export ---------------------------------------------------------------------------------------------

class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", help="csv or json."),
    since: Optional[str] = typer.Option(None, "--since", help="Only changes from this date (JST), YYYY-MM-DD."),
    department: Optional[str] = typer.Option(None, "--department", "-d",
                                             help="Only changes made by this department's members."),
    bom: bool = typer.Option(False, "--bom", help="Start the CSV with a UTF-8 BOM (for Excel)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Audit export: who read, studied and applied which update, when, with the note (for J-SOX reviews)."""
    from tracker.export import audit_rows, to_csv, to_json

    app_ctx = get_context(ctx, db=db, config=config)
    since_date = parse_date_option(since, "--since")
    with app_ctx.session() as session:
        rows = audit_rows(session=session, since=since_date, department=department)
    text = to_csv(rows, bom=bom) if fmt == ExportFormat.csv else to_json(rows)
    _write_out(text, output)


def _write_out(text: str, output: Optional[Path]) -> None:
    if output is None:
        # Bytes, so CRLF (CSV, iCalendar) and UTF-8 reach the file exactly, whatever the terminal's encoding.
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    from tracker.errors import KaiseiError
    from tracker.i18n import os_reason_ja

    try:
        output.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise KaiseiError(f"{output}: cannot write: {exc.strerror}",
                          ja=f"{output}: 書き込めません（{os_reason_ja(exc)}）") from exc


# --- kaisei calendar -------------------------------------------------------------------------------------------

@app.command("calendar")
def calendar_(
    ctx: typer.Context,
    person: Optional[str] = typer.Option(None, "--person", "-p",
                                         help="This person's deadlines (coming, and passed but not applied)."),
    days: Optional[int] = typer.Option(None, "--days", min=0,
                                       help="Dates up to this many days ahead (default 90 with --person, "
                                       "else all)."),
    department: Optional[str] = typer.Option(None, "--department", "-d",
                                             help="Only this department's updates (with --person: one of "
                                             "theirs)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """施行日 and 締切 as iCalendar (.ics) for Outlook or Google Calendar: one all-day event per date."""
    import datetime as dt

    from tracker.calendar import dated_updates, deadlines, to_ics
    from tracker.dates import JST

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    with app_ctx.session() as session:
        if person:
            items = deadlines(session=session, person=person, days=90 if days is None else days,
                              department=department)
            name = f"kaisei: {person}"
        else:
            today = dt.datetime.now(JST).date()
            until = today + dt.timedelta(days=days) if days is not None else None
            items = dated_updates(session=session, since=today if days is not None else None, until=until,
                                  department=department)
            name = "kaisei"
    _write_out(to_ics(items, lang=app_ctx.lang, name=name), output)


# --- kaisei updates tag (on the crawler's `updates` group) -------------------------------------------------------

def tag_update(
    ctx: typer.Context,
    update_id: int = typer.Argument(..., help="The update's id."),
    add: Optional[list[str]] = typer.Option(None, "--add", help="Department key to add (repeatable)."),
    remove: Optional[list[str]] = typer.Option(None, "--remove", help="Department key to remove (repeatable)."),
    topic: bool = typer.Option(False, "--topic", help="The labels are topics, not departments."),
    who: Optional[str] = typer.Option(None, "--by", help="Who is changing the tags (kept as the reason)."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Tag an update by hand: manual tags win over the model's and survive a re-tag."""
    from tracker.tags import effective_labels, set_manual_tags

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    kind = "topic" if topic else "department"
    with app_ctx.session() as session:
        if not add and not remove:
            from tracker.status import get_update

            get_update(session=session, update_id=update_id)
            labels = effective_labels(session=session, update_ids=[update_id], kind=kind)[update_id]
        else:
            if who is not None:  # the reason names a person: a typo there would sit in the tags' reasons for good
                from tracker.people import resolve_person

                who = resolve_person(session=session, person=who).handle
            labels = set_manual_tags(session=session, update_id=update_id, add=add or (), remove=remove or (),
                                     kind=kind, who=who)
    typer.echo(f"{update_id}: {', '.join(labels) or pick(app_ctx.lang, '（なし）', '(none)')}")


def _register_tag_command() -> None:
    try:
        from tracker.cli.crawl_cmd import updates_app
    except ImportError:  # the crawler's command group is not installed; nothing to attach to
        log.debug("no `updates` command group: `kaisei updates tag` not registered")
        return
    updates_app.command("tag")(tag_update)


_register_tag_command()
