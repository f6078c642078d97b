"""``kaisei tag``, ``kaisei retag`` and ``kaisei tagger eval``: the tagger from the shell.

spaCy is imported inside the commands (through ``tracker.tagger.get_tagger``), never at module level.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Optional

import typer

from tracker.cli.common import ConfigOpt, DbOpt, app, get_context, parse_date_option
from tracker.errors import KaiseiError

log = logging.getLogger(__name__)

tagger_app = typer.Typer(help="The tagger itself: evaluate it on the corpus splits.", no_args_is_help=True)
app.add_typer(tagger_app, name="tagger")


@app.command("tag")
def tag(
    ctx: typer.Context,
    config: ConfigOpt = None,
    output_format: str = typer.Option("json", "--format", help="json (one object per line) or tsv."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date (YYYY-MM-DD) used to "
                                            "resolve year-less dates such as 4月1日から施行."),
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="Texts tagged together (nlp.pipe batch)."),
) -> None:
    """Tag text from stdin: one text per line in, one result per line out.

    JSON objects carry text, departments, topics, effective_on, deadline_on, reasons and scores.
    """
    if output_format not in ("json", "tsv"):
        raise typer.BadParameter("use json or tsv", param_hint="--format")
    app_ctx = get_context(ctx, config=config)
    published_on = parse_date_option(published, "--published")
    from tracker.tagger import get_tagger

    tagger = get_tagger(app_ctx.settings.department_keys())
    lines = (_decode(raw).rstrip("\r\n") for raw in sys.stdin.buffer)
    out = sys.stdout
    for count, (text, result) in enumerate(tagger.iter_tag(lines, batch_size=batch_size, published=published_on), 1):
        if output_format == "json":
            out.write(json.dumps(result.to_json(text), ensure_ascii=False) + "\n")
        else:
            out.write("\t".join([",".join(result.departments), ",".join(result.topics),
                                 result.effective_on.isoformat() if result.effective_on else "",
                                 result.deadline_on.isoformat() if result.deadline_on else "",
                                 text.replace("\t", " ")]) + "\n")
        if count % batch_size == 0:
            out.flush()
    out.flush()


def _decode(raw: bytes) -> str:
    """A stdin line as text: UTF-8, else CP932 (a Windows-made file), else UTF-8 with replacement characters —
    one odd line must not stop the other 9,999."""
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


@app.command("retag")
def retag(
    ctx: typer.Context,
    db: DbOpt = None,
    config: ConfigOpt = None,
    since: Optional[str] = typer.Option(None, "--since", help="Only updates published (or fetched) on or after "
                                        "this date (YYYY-MM-DD)."),
) -> None:
    """Re-tag stored updates with the current model; manual tags are never touched."""
    app_ctx = get_context(ctx, db=db, config=config)
    since_date = parse_date_option(since, "--since")
    from tracker.tagging import retag as do_retag

    with app_ctx.session() as session:
        count = do_retag(session=session, since=since_date)
    typer.echo(f"re-tagged {count} update{'s' if count != 1 else ''}")


@tagger_app.command("eval")
def evaluate_command(
    ctx: typer.Context,
    split: str = typer.Option("test", "--split", help="test, dev or holdout (hand-written real-style headlines)."),
    errors: int = typer.Option(0, "--errors", min=0, help="Also list this many department errors."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Per-label precision/recall/F1, micro and macro F1 and relevance accuracy on a frozen split."""
    if split not in ("test", "dev", "holdout", "train"):
        raise typer.BadParameter("use test, dev or holdout", param_hint="--split")
    from tracker.tagger import get_tagger
    from tracker.tagger.evaluate import evaluate, format_report, load_split

    try:
        records = load_split(split)
    except FileNotFoundError as exc:
        raise KaiseiError(f"split file missing: {exc.filename}",
                          ja=f"評価用の分割データ（{split}）のファイルがありません: {exc.filename}") from exc
    report = evaluate(get_tagger(), records, split=split)
    if output_format == "json":
        typer.echo(json.dumps(report.summary(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report, show_errors=errors))
