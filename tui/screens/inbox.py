"""Inbox: my departments' updates, newest first, loaded a page at a time as the cursor or the scroll nears the end."""

from __future__ import annotations

import logging
import time
from typing import Optional

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Input, Static

from tui import messages
from tui.bindings import key
from tui.screens.base import (NEAR_END_ROWS, UPDATE_KEYS, KaiseiTable, MainScreen, Target, UpdateActions,
                              local_date, state_cell, title_cell)
from tui.store import InboxFilter
from tui.text import clean, literal

log = logging.getLogger(__name__)

# Rows beyond the visible ones fetched with each page, and how close to the end the cursor gets before the next.
PAGE_MARGIN = 30
LOAD_AHEAD = NEAR_END_ROWS
FIXED_WIDTHS = {"date": 10, "source": 14, "departments": 14}


class InboxTable(KaiseiTable):
    """The inbox rows (the screen loads the next page when they are scrolled near the end)."""


class InboxScreen(UpdateActions, MainScreen):
    """The person's queue with counts per state, a filter (``f``) and a title search (``/``)."""

    BINDINGS = UPDATE_KEYS + [
        key("slash", "search", "search", key_display="/"),
        key("f", "filter", "filter"),
        key("escape", "clear", "clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = InboxFilter()
        self.generation = 0
        self.rows: dict[int, object] = {}  # update id → QueueRow, for the loaded rows
        self.loaded = 0
        self.exhausted = False
        self.loading = False
        self.counts: Optional[dict[str, int]] = None
        self.counts_generation = 0  # the generation the counts shown belong to
        self.painted_at: tuple[int, float] = (0, 0.0)  # generation and perf_counter of its first page painted
        self.page_size = 50

    def compose(self) -> ComposeResult:
        yield Static(id="inbox-header", classes="screen-header")
        yield Input(placeholder=self.app.tr("search.placeholder"), id="search", classes="hidden")
        yield InboxTable(id="inbox-table")
        yield Static(self.app.tr("loading"), id="inbox-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(InboxTable)
        self._add_columns(table)
        table.focus()
        self.reload()

    def _add_columns(self, table: InboxTable) -> None:
        tr = self.app.tr
        self.title_width = self._title_width()
        table.add_column(tr("col.state"), width=self._state_width(), key="state")
        table.add_column(tr("col.date"), width=FIXED_WIDTHS["date"], key="date")
        table.add_column(tr("col.source"), width=FIXED_WIDTHS["source"], key="source")
        table.add_column(tr("col.title"), width=self.title_width, key="title")
        table.add_column(tr("col.departments"), width=FIXED_WIDTHS["departments"], key="departments")
        table.add_column(tr("col.dates"), width=self._dates_width(), key="dates")

    def on_resize(self) -> None:
        """A wider or narrower terminal: the title column takes the new width (the loaded rows are kept)."""
        if not self.is_mounted or self._title_width() == getattr(self, "title_width", None):
            return
        table = self.query_one(InboxTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        self._add_columns(table)
        for row in self.rows.values():
            table.add_row(*self._cells(row), key=str(row.update_id))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def _state_width(self) -> int:
        """Room for "● " and the longest state name in the person's language."""
        return 2 + max(cell_len(self.app.state_label(state)) for state in ("unread", "read", "studied", "applied"))

    def _dates_width(self) -> int:
        """Room for "施行 2027-04-01 締切 2026-12-20" (or "eff … due …"): both dates, never cut."""
        return sum(cell_len(self.app.tr(kind)) + 12 for kind in ("effective", "deadline"))

    def _title_width(self) -> int:
        # Each column has one cell of padding either side; the title takes what the others leave.
        others = (sum(FIXED_WIDTHS.values()) + self._state_width() + self._dates_width()
                  + 2 * (len(FIXED_WIDTHS) + 3) + 2)
        return max(24, self.app.size.width - others)

    # loading
    def reload(self) -> None:
        """Start again from the first page (the filter or the data changed)."""
        self.generation += 1
        self.loaded = 0
        self.exhausted = False
        self.loading = True
        self.page_size = max(self.app.size.height, 20) + PAGE_MARGIN
        self.app.load_inbox_page(self, self.filter, 0, self.page_size, self.generation)
        self._show_header()

    def _painted(self, generation: int) -> None:
        """The first page of ``generation`` is on screen (bench/tui.py reads ``painted_at``)."""
        if generation != self.generation:
            return
        self.painted_at = (generation, time.perf_counter())
        # The counts scan more than a page: asked for once the rows are painted, so they never delay them.
        self.refresh_counts()

    def refresh_counts(self) -> None:
        self.app.load_counts(self, self.filter, self.generation)

    def table_near_end(self) -> None:
        self.maybe_load_more()

    def maybe_load_more(self) -> None:
        if self.loading or self.exhausted:
            return
        self.loading = True
        self.app.load_inbox_page(self, self.filter, self.loaded, self.page_size, self.generation)

    @on(messages.InboxPageLoaded)
    def _page_loaded(self, message: messages.InboxPageLoaded) -> None:
        if message.generation != self.generation:
            return
        table = self.query_one(InboxTable)
        if message.offset == 0:
            table.clear()
            self.rows.clear()
            self.call_after_refresh(self._painted, message.generation)
        for row in message.rows:
            if row.update_id in self.rows:  # a new update arrived between two pages and shifted them
                continue
            self.rows[row.update_id] = row
            table.add_row(*self._cells(row), key=str(row.update_id))
        log.debug("inbox page at %d: %d rows", message.offset, len(message.rows))
        self.loaded = message.offset + len(message.rows)
        self.exhausted = len(message.rows) < message.limit
        self.loading = False
        empty = self.query_one("#inbox-empty", Static)
        empty.update(self.app.tr("empty.inbox"))
        empty.set_class(table.row_count > 0, "hidden")
        self._show_header()

    def _cells(self, row) -> list:
        app = self.app
        dates = []
        if row.effective_on:
            dates.append(f"{app.tr('effective')} {row.effective_on.isoformat()}")
        if row.deadline_on:
            dates.append(f"{app.tr('deadline')} {row.deadline_on.isoformat()}")
        departments = "・".join(app.department_name(d) for d in row.departments) if app.lang == "ja" else \
            ", ".join(app.department_name(d) for d in row.departments)
        return [state_cell(app, row.state), Text(local_date(row.published_at, app.zone)),
                literal(row.source_title or row.source), title_cell(row.title, row.state),
                literal(departments), Text(" ".join(dates) or "—")]

    @on(messages.CountsLoaded)
    def _counts_loaded(self, message: messages.CountsLoaded) -> None:
        if message.generation == self.generation:
            self.counts = message.counts
            self.counts_generation = message.generation
            self._show_header()

    def _show_header(self) -> None:
        app = self.app
        line = Text(app.tr("header.person", name=app.person_label()), style="bold")
        if self.counts is not None:
            line.append("  ")
            line.append(app.tr("header.counts", **self.counts))
            total = sum(self.counts.values()) if self.filter.state is None else self.counts.get(self.filter.state, 0)
            line.append("  ")
            line.append(app.tr("header.rows", shown=len(self.rows), total=total), style="dim")
        if self.filter.state or self.filter.department or self.filter.source:
            parts = [app.state_label(self.filter.state) if self.filter.state else None,
                     app.department_name(self.filter.department) if self.filter.department else None,
                     self.filter.source]
            line.append("  ")
            line.append(app.tr("header.filter", what=" / ".join(clean(p) for p in parts if p)), style="italic")
        if self.filter.search:
            line.append("  ")
            line.append(app.tr("header.search", what=clean(self.filter.search)), style="italic")
        self.query_one("#inbox-header", Static).update(line)

    # the cursor and the selected update
    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - LOAD_AHEAD:
            self.maybe_load_more()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_detail()

    def current_target(self) -> Optional[Target]:
        selected = self.query_one(InboxTable).selected_key()
        if selected is None:
            return None
        row = self.rows.get(int(selected))
        if row is None:
            return None
        return Target(row.update_id, row.title, row.url, list(row.departments))

    def action_detail(self) -> None:
        from tui.screens.detail import DetailScreen

        target = self.current_target()
        if target is not None:
            self.app.push_screen(DetailScreen(target.update_id))

    # changes made here or on another screen
    @on(messages.StatusChanged)
    def _status_changed(self, message: messages.StatusChanged) -> None:
        row = self.rows.get(message.update_id)
        if message.state is None:
            if self.is_current:
                self.app.notify(self.app.tr("status.nothing"), markup=False)
            return
        if row is not None:
            row.state = message.state
            table = self.query_one(InboxTable)
            table.update_cell(str(row.update_id), "state", state_cell(self.app, row.state))
            table.update_cell(str(row.update_id), "title", title_cell(row.title, row.state))
        self.refresh_counts()

    @on(messages.TagsChanged)
    def _tags_changed(self, message: messages.TagsChanged) -> None:
        row = self.rows.get(message.update_id)
        if row is not None:
            row.departments = message.departments
            self.query_one(InboxTable).update_cell(str(row.update_id), "departments", self._cells(row)[4])
        self.refresh_counts()

    # search and filter
    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.remove_class("hidden")
        search.value = self.filter.search or ""
        search.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        value = clean(event.value) or None
        event.input.add_class("hidden")
        self.query_one(InboxTable).focus()
        self.apply_filter(InboxFilter(self.filter.state, self.filter.department, self.filter.source, value))

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if not search.has_class("hidden"):
            search.add_class("hidden")
            self.query_one(InboxTable).focus()
            return
        if not self.filter.is_empty():
            self.apply_filter(InboxFilter())

    def action_filter(self) -> None:
        from tui.screens.modals import FilterModal

        def done(flt: Optional[InboxFilter]) -> None:
            if flt is not None:
                self.apply_filter(InboxFilter(flt.state, flt.department, flt.source, self.filter.search))

        self.app.push_screen(FilterModal(self.filter), callback=done)

    def apply_filter(self, flt: InboxFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def on_screen_resume(self) -> None:
        self.query_one(InboxTable).focus()
