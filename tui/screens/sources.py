"""Sources: last crawl, status, error and item count per source; ``c`` runs ``kaisei crawl`` in the background."""

from __future__ import annotations

import logging

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Log, ProgressBar, Static

from tui import messages
from tui.bindings import key
from tui.screens.base import KaiseiTable, MainScreen, local_datetime
from tui.text import literal

log = logging.getLogger(__name__)

STATUS_STYLES = {"ok": "green", "not_modified": "dim", "error": "bold red", "running": "yellow"}


class SourcesScreen(MainScreen):
    BINDINGS = [key("c", "crawl", "crawl"), key("ctrl+r", "reload", "refresh", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.crawling = False

    def compose(self) -> ComposeResult:
        yield Static(id="sources-header", classes="screen-header")
        yield KaiseiTable(id="sources-table", opens_detail=False)
        yield ProgressBar(total=None, show_eta=False, id="crawl-progress", classes="hidden")
        yield Log(id="crawl-log", classes="hidden", max_lines=500)
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.query_one("#sources-header", Static).update(Text(tr("screen.sources"), style="bold"))
        table = self.query_one(KaiseiTable)
        table.add_column(tr("col.name"), width=18, key="name")
        table.add_column(tr("col.title"), width=22, key="title")
        table.add_column(tr("col.last_crawl"), width=16, key="last")
        table.add_column(tr("col.status"), width=12, key="status")
        table.add_column(Text(tr("col.items"), justify="right"), width=7, key="items")
        table.add_column(tr("col.error"), width=max(20, self.app.size.width - 100), key="error")
        table.focus()  # the rows come with ScreenResume, sent when the screen is first shown too

    def action_reload(self) -> None:
        self.app.load_sources(self)

    def on_screen_resume(self) -> None:
        self.action_reload()

    @on(messages.RowsLoaded)
    def _loaded(self, message: messages.RowsLoaded) -> None:
        if message.kind != "sources":
            return
        from crawlers.failure_ja import failure_text

        table = self.query_one(KaiseiTable)
        table.clear()
        for source in message.rows:
            status = self._status_label(source.last_status)
            last = Text(local_datetime(source.last_crawled_at, self.app.zone))
            table.add_row(literal(source.name), literal(source.title), last,
                          literal(status, STATUS_STYLES.get(source.last_status or "", "dim")),
                          Text(str(source.items), justify="right"),
                          literal(failure_text(source.last_error, self.app.lang), "red"), key=source.name)

    def _status_label(self, status: str | None) -> str:
        """The last crawl's status in the UI's language (a status this version does not know, as stored)."""
        from tui.strings import STRINGS

        if not status:
            return self.app.tr("sources.never")
        name = f"sources.status.{status}"
        return self.app.tr(name) if name in STRINGS else status

    def action_crawl(self) -> None:
        if self.crawling:
            self.app.notify(self.app.tr("crawl.busy"), severity="warning", markup=False)
            return
        self.crawling = True
        self.query_one("#crawl-progress").remove_class("hidden")
        output = self.query_one("#crawl-log", Log)
        output.remove_class("hidden")
        output.clear()
        output.write_line(self.app.tr("crawl.running"))
        log.info("crawl started from the Sources screen: %s", " ".join(self.app.crawl_command()))
        self.app.run_crawl(self)

    @on(messages.CrawlProgress)
    def _progress(self, message: messages.CrawlProgress) -> None:
        # Log.write_line shows the line as plain text: crawl output is never read as markup.
        self.query_one("#crawl-log", Log).write_line(message.line)

    @on(messages.CrawlFinished)
    def _finished(self, message: messages.CrawlFinished) -> None:
        self.crawling = False
        self.query_one("#crawl-progress").add_class("hidden")
        done = self.app.tr("crawl.done", code=message.returncode)
        self.query_one("#crawl-log", Log).write_line(done)
        self.app.notify(done, severity="information" if message.returncode == 0 else "warning", markup=False)
        self.action_reload()
        self.app.refresh_inbox()
