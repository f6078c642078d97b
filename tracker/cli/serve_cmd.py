"""``kaisei serve`` (the scheduled service) and ``kaisei service status`` (how its jobs went)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import typer

from tracker.cli.common import ConfigOpt, DbOpt, LangOpt, app, get_context, write_json

service_app = typer.Typer(help="The scheduled service: how its jobs went and when they run next.",
                          no_args_is_help=True)
app.add_typer(service_app, name="service")


def _service(ctx: typer.Context, db: Optional[str], config: Optional[Path], sources: Optional[Path]):
    from tracker.service import Service

    app_ctx = get_context(ctx, db=db, config=config)
    settings = app_ctx.settings
    return Service(engine=app_ctx.engine, settings=settings, database_url=app_ctx.database_url,
                   config_path=app_ctx.config_path or settings.config_path,
                   sources_file=str(sources) if sources else None)


@app.command("serve")
def serve(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Run every job that is due now (its latest scheduled time has "
                              "no run yet), then exit: for cron. Exit 1 if a job failed."),
    sources: Optional[Path] = typer.Option(None, "--sources", help="Sources file passed on to each crawl "
                                           "(default: kaisei.toml's sources_file).", show_default=False),
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Crawl and send the digest on kaisei.toml's schedule, in the foreground, until SIGTERM/SIGINT.

    One log line per event. Each crawl runs in a child process; a lock per job keeps several services on one database from doing the same job at once (a file lock beside SQLite, an advisory lock on PostgreSQL).
    """  # noqa: E501  (one line per paragraph: the help renderer keeps line breaks)
    # The service's own events are its output: one line each, whatever -v says.
    logging.getLogger("tracker.service").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    service = _service(ctx, db, config, sources)
    if once:
        runs = service.run_once()
        failed = [r for r in runs if r.result == "error"]
        if failed:
            from tracker.errors import KaiseiError

            jobs = "; ".join(f"{r.job}: {r.message}" for r in failed)
            raise KaiseiError(jobs, ja=f"{len(failed)} 件のジョブが失敗しました: {jobs}")
        return
    if not service.serve():
        # A job stuck in I/O (an SMTP server that stopped answering): its thread would hold the interpreter open
        # until its timeout. Nothing it was doing is recorded as done, so leaving now loses nothing.
        import os

        logging.shutdown()
        os._exit(0)


@service_app.command("status")
def status(
    ctx: typer.Context,
    output: str = typer.Option("table", "--format", help="table or json."),
    sources: Optional[Path] = typer.Option(None, "--sources", help="Sources file (to know per-source jobs).",
                                           show_default=False),
    db: DbOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """Each job's last run, its result and message, its last success and its next run."""
    from zoneinfo import ZoneInfo

    from tracker.i18n import pick
    from tracker.service import job_status

    if output not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    lang_ = get_context(ctx, lang=lang).lang
    service = _service(ctx, db, config, sources)
    with get_context(ctx).session() as session:
        rows = job_status(session=session, jobs=service.jobs)
    if output == "json":
        write_json([r.as_dict() for r in rows])
        return
    zone = ZoneInfo(service.settings.schedule.timezone)

    def when(value):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if value else "-"

    from tracker.cli.people_cmd import display_width

    headers = (("ジョブ", "スケジュール", "前回実行", "結果", "前回成功", "次回実行", "メッセージ") if lang_ == "ja" else
               ("JOB", "SCHEDULE", "LAST RUN", "RESULT", "LAST OK", "NEXT RUN", "MESSAGE"))
    results = {"ok": "成功", "error": "エラー", "skipped": "スキップ", "running": "実行中"} if lang_ == "ja" else {}
    table = [headers]
    for r in rows:
        result = results.get(r.result, r.result) if r.result else pick(lang_, "未実行", "never")
        table.append((r.job, r.schedule, when(r.last_run), result, when(r.last_ok), when(r.next_run),
                      " ".join((r.message or "").split())[:120]))
    widths = [max(display_width(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        typer.echo("  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths))
                   + "  " + row[-1])
    zone = service.settings.schedule.timezone
    typer.echo(pick(lang_, f"（時刻は {zone}）", f"(times in {zone})"))
