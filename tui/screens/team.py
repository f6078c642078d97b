"""Team: per department and person, how many updates are unread, read, studied, applied, and overdue."""

from __future__ import annotations

import logging

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from tui import messages
from tui.bindings import key
from tui.screens.base import KaiseiTable, MainScreen
from tui.text import literal

log = logging.getLogger(__name__)


class TeamScreen(MainScreen):
    BINDINGS = [key("ctrl+r", "reload", "refresh", show=False)]

    def compose(self) -> ComposeResult:
        yield Static(id="team-header", classes="screen-header")
        yield KaiseiTable(id="team-table", zebra_stripes=False, opens_detail=False)
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        header = Text(tr("screen.team"), style="bold")
        header.append(f"  {self.app.store.today().isoformat()}", style="dim")
        self.query_one("#team-header", Static).update(header)
        table = self.query_one(KaiseiTable)
        # As wide as the longest department name ("General affairs", 情報システム), so none is cut.
        from rich.cells import cell_len

        names = [self.app.department_name(d.key) for d in self.app.departments] + [tr("col.department")]
        table.add_column(tr("col.department"), width=max(cell_len(n) for n in names), key="department")
        table.add_column(tr("col.person"), width=24, key="person")
        for state in ("unread", "read", "studied", "applied"):
            table.add_column(Text(self.app.state_label(state), justify="right"), width=8, key=state)
        table.add_column(Text(tr("col.overdue"), justify="right"), width=8, key="overdue")
        table.focus()  # the rows come with ScreenResume, sent when the screen is first shown too

    def action_reload(self) -> None:
        self.app.load_team(self)

    def on_screen_resume(self) -> None:
        self.action_reload()

    @on(messages.RowsLoaded)
    def _loaded(self, message: messages.RowsLoaded) -> None:
        if message.kind != "team":
            return
        table = self.query_one(KaiseiTable)
        table.clear()
        previous = None
        for row in message.rows:
            department = self.app.department_name(row.department) if row.department != previous else ""
            previous = row.department
            person = literal(f"{row.name} ({row.handle})", "bold" if row.handle == self.app.person.handle else "")
            table.add_row(Text(department, style="bold"), person,
                          *[_count(getattr(row, s), warn=s == "unread") for s in ("unread", "read", "studied",
                                                                                "applied")],
                          _count(row.overdue, warn=True, style="bold red"),
                          key=f"{row.department}:{row.handle}")

    @on(messages.StatusChanged)
    def _changed(self, message) -> None:
        if self.is_current:
            self.action_reload()


def _count(n: int, *, warn: bool = False, style: str = "bold") -> Text:
    return Text(str(n), justify="right", style=style if warn and n else ("dim" if not n else ""))
