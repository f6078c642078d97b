"""Deadlines: 施行日 and 締切 of my departments' updates in the next 90 days, and passed ones I have not applied."""

from __future__ import annotations

from typing import Optional

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from tui import messages
from tui.bindings import key
from tui.screens.base import UPDATE_KEYS, KaiseiTable, MainScreen, Target, UpdateActions, state_cell, title_cell
from tui.text import literal


class DeadlinesScreen(UpdateActions, MainScreen):
    BINDINGS = UPDATE_KEYS + [key("ctrl+r", "reload", "refresh", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="deadlines-header", classes="screen-header")
        yield KaiseiTable(id="deadlines-table")
        yield Static(self.app.tr("loading"), id="deadlines-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        header = Text(tr("screen.deadlines"), style="bold")
        header.append(f"  {self.app.person_label()}  {self.app.store.today().isoformat()}", style="dim")
        self.query_one("#deadlines-header", Static).update(header)
        table = self.query_one(KaiseiTable)
        table.add_column(tr("col.date"), width=10, key="date")
        table.add_column(tr("col.kind"), width=4 if self.app.lang == "ja" else 5, key="kind")
        table.add_column(tr("col.state"), width=9, key="state")  # "  studied" in English
        table.add_column(tr("col.title"), width=max(24, self.app.size.width - 74), key="title")
        table.add_column(tr("col.source"), width=14, key="source")
        table.add_column(tr("col.overdue"), width=10, key="overdue")
        table.focus()
        self.action_reload()

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
        today = self.app.store.today()
        tr = self.app.tr
        for item in message.rows:
            row_key = f"{item.update_id}:{item.kind}"
            self.items[row_key] = item
            overdue = item.overdue(today)
            table.add_row(Text(item.date.isoformat(), style="bold red" if overdue else ""),
                          Text(tr("effective" if item.kind == "effective" else "deadline")),
                          state_cell(self.app, item.state), title_cell(item.title, item.state),
                          literal(item.source_title or item.source),
                          Text(tr("overdue"), style="bold red") if overdue else Text(""), key=row_key)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        empty = self.query_one("#deadlines-empty", Static)
        empty.update(tr("empty.deadlines"))
        empty.set_class(table.row_count > 0, "hidden")

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
