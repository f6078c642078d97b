"""``kaisei people``: who is on the team and in which departments.

Also holds the small plain-text table printer the tracking commands share (CJK-wide aware, control characters
shown escaped so a title from the web can never drive the terminal).
"""

from __future__ import annotations

import logging
import sys
import unicodedata
from enum import Enum
from typing import Any, Iterable, Optional, Sequence

import typer

from tracker.cli.common import ConfigOpt, DbOpt, LangOpt, app, get_context, write_json

log = logging.getLogger(__name__)

people_app = typer.Typer(help="People and their departments: add, list, edit, deactivate.", no_args_is_help=True)
app.add_typer(people_app, name="people")


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


# --- a plain table: East Asian wide characters take two columns ---------------------------------------------

def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def safe_text(value: Any) -> str:
    """A cell's text with control characters (ESC, CR, …) made visible as ``\\xNN``."""
    text = "" if value is None else str(value)
    return "".join(ch if ch.isprintable() else " " if ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in text)


def truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, max_width: Optional[dict[int, int]] = None,
                file=None) -> None:
    """Columns padded to the widest cell (by display width), two spaces apart; ``max_width`` caps columns."""
    file = file or sys.stdout
    cells = [[safe_text(c) for c in row] for row in rows]
    for i, limit in (max_width or {}).items():
        for row in cells:
            row[i] = truncate(row[i], limit)
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], display_width(c))

    def line(row: Sequence[str]) -> str:
        parts = [c + " " * (widths[i] - display_width(c)) for i, c in enumerate(row)]
        return "  ".join(parts).rstrip()

    file.write(line(list(headers)) + "\n")
    file.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        file.write(line(row) + "\n")


# --- commands -------------------------------------------------------------------------------------------------

HEADERS = {
    "ja": ("ハンドル", "氏名", "メール", "部署", "言語", "状態"),
    "en": ("handle", "name", "email", "departments", "lang", "active"),
}


def _dept_names(session, keys: list[str], lang: str) -> str:
    from tracker.departments import department_name, list_departments

    names = {d.key: department_name(d, lang) for d in list_departments(session=session)}
    return ", ".join(names.get(k, k) for k in keys)


@people_app.command("add")
def add(
    ctx: typer.Context,
    handle: str = typer.Argument(..., help="Short unique name: lowercase letters, digits, '.', '_', '-'."),
    name: str = typer.Option(..., "--name", help="Full name, e.g. 山田 太郎."),
    email: str = typer.Option(..., "--email", help="Where the digest is sent."),
    department: list[str] = typer.Option(..., "--department", "-d",
                                         help="Department key (repeat for several), e.g. accounting."),
    person_lang: Optional[str] = typer.Option(None, "--lang",
                                              help="The person's own language (ja or en) for mail and TUI; "
                                              "default: the configured one."),
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Add a person to one or more departments."""
    from tracker.people import add_person, person_departments

    app_ctx = get_context(ctx, db=db, config=config)
    with app_ctx.session() as session:
        person = add_person(session=session, handle=handle, name=name, email=email, departments=department,
                            lang=person_lang)
        # What was stored (a department given twice is one membership), not what was typed.
        deps = _dept_names(session, person_departments(session=session, person_id=person.id), app_ctx.lang)
    if app_ctx.lang == "ja":
        typer.echo(f"{person.handle} を追加しました（{deps}）")
    else:
        typer.echo(f"added {person.handle} ({deps})")


@people_app.command("list")
def list_(
    ctx: typer.Context,
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json."),
    all_: bool = typer.Option(False, "--all", help="Include deactivated people."),
    department: Optional[str] = typer.Option(None, "--department", "-d", help="Only members of this department."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """List people (active ones unless --all)."""
    from tracker.people import departments_of, list_people

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    with app_ctx.session() as session:
        people = list_people(session=session, include_inactive=all_, department=department)
        deps = departments_of(session=session, person_ids=[p.id for p in people])
        if fmt == TableOrJson.json:
            write_json([{"handle": p.handle, "name": p.name, "email": p.email, "departments": deps[p.id],
                         "lang": p.lang, "active": p.active, "created_at": p.created_at} for p in people])
            return
        ja = app_ctx.lang == "ja"
        active = ("有効", "無効") if ja else ("yes", "no")
        print_table(HEADERS[app_ctx.lang],
                    [(p.handle, p.name, p.email, _dept_names(session, deps[p.id], app_ctx.lang), p.lang or "",
                      active[0] if p.active else active[1]) for p in people])


@people_app.command("edit")
def edit(
    ctx: typer.Context,
    handle: str = typer.Argument(..., help="The person to change."),
    name: Optional[str] = typer.Option(None, "--name", help="New full name."),
    email: Optional[str] = typer.Option(None, "--email", help="New email address."),
    person_lang: Optional[str] = typer.Option(None, "--lang",
                                              help="The person's language: ja, en, or '' for the configured one."),
    department: Optional[list[str]] = typer.Option(None, "--department", "-d",
                                                   help="Replace the departments (repeat for several)."),
    add_department: Optional[list[str]] = typer.Option(None, "--add-department", help="Add a department."),
    remove_department: Optional[list[str]] = typer.Option(None, "--remove-department",
                                                          help="Remove a department."),
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Change a person's name, email, language or departments."""
    from tracker.people import edit_person, person_departments

    if not any((name is not None, email is not None, person_lang is not None, department, add_department,
                remove_department)):
        raise typer.BadParameter("nothing to change: give --name, --email, --lang or a department option",
                                 param_hint="HANDLE")
    app_ctx = get_context(ctx, db=db, config=config)
    with app_ctx.session() as session:
        person = edit_person(session=session, handle=handle, name=name, email=email, lang=person_lang,
                             departments=department or None, add_departments=add_department or (),
                             remove_departments=remove_department or ())
        deps = _dept_names(session, person_departments(session=session, person_id=person.id), app_ctx.lang)
    if app_ctx.lang == "ja":
        typer.echo(f"{person.handle} を更新しました: {person.name} <{person.email}>（{deps}）")
    else:
        typer.echo(f"updated {person.handle}: {person.name} <{person.email}> ({deps})")


@people_app.command("deactivate")
def deactivate(
    ctx: typer.Context,
    handle: str = typer.Argument(..., help="The person to deactivate."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Take a person out of queues, digests and team views; their history stays."""
    from tracker.people import deactivate_person

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    with app_ctx.session() as session:
        deactivate_person(session=session, handle=handle)
    typer.echo(f"{handle} を無効にしました" if app_ctx.lang == "ja" else f"deactivated {handle}")


@people_app.command("reactivate")
def reactivate(
    ctx: typer.Context,
    handle: str = typer.Argument(..., help="The person to bring back."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Bring a deactivated person back."""
    from tracker.people import reactivate_person

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    with app_ctx.session() as session:
        reactivate_person(session=session, handle=handle)
    typer.echo(f"{handle} を有効にしました" if app_ctx.lang == "ja" else f"reactivated {handle}")
