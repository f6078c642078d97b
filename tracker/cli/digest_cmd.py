"""``kaisei digest``: send (or preview, or export) each person's digest of new and soon-due updates."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from tracker.cli.common import ConfigOpt, DbOpt, LangOpt, app, get_context


@app.command("digest")
def digest(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print who would get which digest (counts of new, due "
                                 "and revised updates; subject); send and record nothing."),
    to_dir: Optional[Path] = typer.Option(None, "--to-dir", help="Write each digest to DIR as an .eml file instead "
                                          "of sending it; records nothing, so a later run still sends them.",
                                          file_okay=False, show_default=False),
    only: Optional[list[str]] = typer.Option(None, "--only", help="Only this person's digest (a handle; repeatable).",
                                             show_default=False),
    db: DbOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """Send each active person the updates new to their departments and reminders of 施行日/締切 due soon.

    Sent by SMTP as set in kaisei.toml's smtp section. Each digest is recorded only once the server accepted it, so a failed run (exit 1) is finished by the next one without sending anything twice.
    """  # noqa: E501  (one line per paragraph: the help renderer keeps line breaks)
    from tracker.digest import deliver_digests, preview_digests, write_digests
    from tracker.errors import KaiseiError
    from tracker.locks import job_lock

    if dry_run and to_dir is not None:
        raise typer.BadParameter("use --dry-run or --to-dir, not both", param_hint="--to-dir")
    from tracker.i18n import pick

    app_ctx = get_context(ctx, db=db, config=config, lang=lang)
    settings, engine = app_ctx.settings, app_ctx.engine
    lang_ = app_ctx.lang  # of this command's own lines; each mail is in its person's language
    # A digest that cannot be made (a person's bad address) is one line on stderr; the others are still shown.
    unbuilt: list[str] = []
    if dry_run:
        digests = preview_digests(engine=engine, settings=settings, only=only, errors=unbuilt)
        for d in digests:
            typer.echo(f"{d.handle}\t{d.email}\t{d.lang}\t{_counts(d, lang_)}\t{d.subject}")
        typer.echo(pick(lang_, f"{len(digests)} 通のダイジェストを送る予定です（送信も記録もしていません）",
                        f"{len(digests)} digest(s) would be sent; nothing sent, nothing recorded"))
        _report_unbuilt(unbuilt)
        return
    if to_dir is not None:
        written = write_digests(engine=engine, settings=settings, directory=to_dir, only=only, errors=unbuilt)
        for d, path in written:
            typer.echo(f"{path}\t{_counts(d, lang_)}")
        typer.echo(pick(lang_, f"{len(written)} 通のダイジェストを {to_dir} に書き出しました（送信も記録もしていません）",
                        f"{len(written)} digest(s) written to {to_dir}; nothing sent, nothing recorded"))
        _report_unbuilt(unbuilt)
        return
    with job_lock(engine, "digest", lock_dir=settings.schedule.lock_dir) as got:
        if not got:
            raise KaiseiError("another kaisei is sending the digest right now (lock held); nothing sent",
                              ja="別の kaisei がダイジェストを送っている最中です（ロック中）。何も送っていません")
        report = deliver_digests(engine=engine, settings=settings, only=only)
    typer.echo(report.summary(lang_))


def _counts(digest, lang: str) -> str:
    """What one would-be mail holds, as tab-separated columns in the command's language: new, due soon, revised
    (the order of a real run's summary line; always three columns, so a script can cut them)."""
    from tracker.i18n import pick

    return "\t".join((pick(lang, f"新着 {digest.new_count} 件", f"{digest.new_count} new"),
                      pick(lang, f"期限間近 {digest.reminder_count} 件", f"{digest.reminder_count} due"),
                      pick(lang, f"改訂 {digest.revised_count} 件", f"{digest.revised_count} revised")))


def _report_unbuilt(unbuilt: list[str]) -> None:
    """One line per digest that could not be made, then exit 1."""
    if not unbuilt:
        return
    import sys

    for line in unbuilt:
        sys.stderr.write(f"kaisei: digest: {line}\n")
    raise typer.Exit(1)
