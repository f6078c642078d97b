"""``kaisei tui``: the Textual interface. Textual is imported inside the command so other commands stay light."""

from __future__ import annotations

import logging
import sys
from typing import Optional

import typer

from tracker.cli.common import ConfigOpt, DbOpt, LangOpt, app, get_context
from tracker.errors import KaiseiError
from tracker.i18n import ja_quote

log = logging.getLogger(__name__)


@app.command("tui")
def tui(
    ctx: typer.Context,
    as_: Optional[str] = typer.Option(None, "--as", metavar="HANDLE",
                                      help="Whose inbox to open. Without it kaisei asks who you are."),
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Open the TUI: inbox, detail, deadlines, team and sources (press ? inside for every key)."""
    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    person = None
    if as_:
        from tracker.people import get_person

        with app_ctx.session() as session:
            person = get_person(session=session, handle=as_)
        if not person.active:
            raise KaiseiError(f"person {as_!r} is deactivated",
                              ja=f"担当者{ja_quote(as_)}は無効になっています（kaisei people reactivate {as_} で有効に"
                                 "戻せます）")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise KaiseiError("kaisei tui needs a terminal (use kaisei status / updates in scripts)",
                          ja="kaisei tui は端末で実行してください（スクリプトでは kaisei status / updates を使います）")
    from tui.app import make_app

    tui_app = make_app(app_ctx.settings, person, engine=app_ctx.engine, lang=app_ctx.lang_choice)
    tui_app.run()
    if tui_app.return_code:
        raise typer.Exit(tui_app.return_code)
