"""``kaisei db``: the database itself."""

from __future__ import annotations

import typer

from tracker.cli.common import ConfigOpt, DbOpt, app, get_context

db_app = typer.Typer(help="Database: create or migrate the schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None,
            revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Create the tables or migrate them to the newest schema (also done automatically on first use)."""
    from tracker.db import create_db_engine, current_revision, upgrade as do_upgrade

    app_ctx = get_context(ctx, db=db, config=config)
    engine = create_db_engine(app_ctx.database_url, migrate=False)
    before = current_revision(engine)
    do_upgrade(engine, revision)
    after = current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    if before == after:
        typer.echo(f"{url}: already at {after}")
    else:
        typer.echo(f"{url}: {before or 'empty'} -> {after}")


@db_app.command("current")
def current(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Print the schema revision of the database."""
    from tracker.db import create_db_engine, current_revision

    app_ctx = get_context(ctx, db=db, config=config)
    engine = create_db_engine(app_ctx.database_url, migrate=False)
    typer.echo(current_revision(engine) or "empty")
