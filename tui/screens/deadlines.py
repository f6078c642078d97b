"""Deadlines: 施行日 and 締切 of my departments' updates in the next 90 days, and passed ones I have not applied."""

from __future__ import annotations

import logging
from typing import Optional

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from tui import messages
from tui.bindings import key
from tui.screens.base import UPDATE_KEYS, KaiseiTable, MainScreen, Target, UpdateActions, state_cell, title_cell
from tui.screens.inbox import LOAD_AHEAD, PAGE_MARGIN
from tui.text import literal

log = logging.getLogger(__name__)


class DeadlinesScreen(UpdateActions, MainScreen):
    BINDINGS = UPDATE_KEYS + [key("ctrl+r", "reload", "refresh", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, object] = {}  # row key → DeadlineItem, for the rows in the table
        self.pending: list = []  # loaded items not yet in the table
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Static(id="deadlines-header", classes="screen-header")
        yield KaiseiTable(id="deadlines-table")
        yield Static(self.app.tr("loading"), id="deadlines-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self._show_header()
        table = self.query_one(KaiseiTable)
        table.add_column(tr("col.date"), width=10, key="date")
        table.add_column(tr("col.kind"), width=4 if self.app.lang == "ja" else 5, key="kind")
        table.add_column(tr("col.state"), width=9, key="state")  # "  studied" in English
        table.add_column(tr("col.title"), width=max(24, self.app.size.width - 74), key="title")
        table.add_column(tr("col.source"), width=14, key="source")
        table.add_column(tr("col.overdue"), width=10, key="overdue")
        table.focus()  # the rows come with ScreenResume, sent when the screen is first shown too

    def action_reload(self) -> None:
        self.app.load_deadlines(self)

    def on_screen_resume(self) -> None:
        self.action_reload()

    @on(messages.RowsLoaded)
    def _loaded(self, message: messages.RowsLoaded) -> None:
        if message.kind != "deadlines":
            return
        table = self.query_one(KaiseiTable)
        cursor = table.cursor_row
        table.clear()
        self.items.clear()
        self.pending = list(message.rows)
        self.total = len(self.pending)
        # A long list (years of passed dates) is added to the table as the cursor nears its end: the cost of
        # showing the screen grows with what is on screen, not with the list.
        self.add_more(max(cursor + 1, self.app.size.height + PAGE_MARGIN))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        empty = self.query_one("#deadlines-empty", Static)
        empty.update(self.app.tr("empty.deadlines"))
        empty.set_class(table.row_count > 0, "hidden")
        self._show_header()

    def add_more(self, count: int) -> None:
        table = self.query_one(KaiseiTable)
        today = self.app.store.today()
        tr = self.app.tr
        batch, self.pending = self.pending[:count], self.pending[count:]
        for item in batch:
            row_key = f"{item.update_id}:{item.kind}"
            self.items[row_key] = item
            overdue = item.overdue(today)
            table.add_row(Text(item.date.isoformat(), style="bold red" if overdue else ""),
                          Text(tr("effective" if item.kind == "effective" else "deadline")),
                          state_cell(self.app, item.state), title_cell(item.title, item.state),
                          literal(item.source_title or item.source),
                          Text(tr("overdue"), style="bold red") if overdue else Text(""), key=row_key)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - LOAD_AHEAD:
            self.table_near_end()

    def table_near_end(self) -> None:
        if self.pending:
            self.add_more(self.app.size.height + PAGE_MARGIN)
            self._show_header()

    def _show_header(self) -> None:
        header = Text(self.app.tr("screen.deadlines"), style="bold")
        header.append(f"  {self.app.person_label()}  {self.app.store.today().isoformat()}", style="dim")
        header.append("  " + self.app.tr("header.rows", shown=len(self.items), total=self.total), style="dim")
        self.query_one("#deadlines-header", Static).update(header)

    def current_target(self) -> Optional[Target]:
        selected = self.query_one(KaiseiTable).selected_key()
        item = self.items.get(selected) if selected else None
        if item is None:
            return None
        return Target(item.update_id, item.title, item.url, list(item.departments))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        from tui.screens.detail import DetailScreen

        target = self.current_target()
        if target is not None:
            self.app.push_screen(DetailScreen(target.update_id))

    @on(messages.StatusChanged)
    @on(messages.TagsChanged)
    def _changed(self, message) -> None:
        if any(item.update_id == message.update_id for item in self.items.values()):
            self.action_reload()
