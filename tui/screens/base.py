"""What the main screens share: the table widget, the next-screen key and the keys that act on one update."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Optional

from rich.text import Text
from textual import events, on
from textual.screen import Screen
from textual.widgets import DataTable

from tracker.dates import JST
from tui.bindings import key, localize
from tui.text import literal

log = logging.getLogger(__name__)


@dataclass
class Target:
    """The update a key acts on."""

    update_id: int
    title: str = ""
    url: str = ""
    departments: list[str] = field(default_factory=list)


NEAR_END_ROWS = 8


class KaiseiTable(DataTable):
    """A row-cursor table whose enter opens the detail (shown in the footer in the person's language)."""

    BINDINGS = [key("enter", "select_cursor", "detail")]

    def __init__(self, *, opens_detail: bool = True, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.opens_detail = opens_detail

    def on_mount(self) -> None:
        localize(self, self.app.lang)
        if not self.opens_detail:
            # Team and Sources rows have no detail: enter is neither offered in the footer nor in `?`.
            self._bindings.key_to_bindings["enter"] = [
                b for b in self._bindings.key_to_bindings.get("enter", []) if b.id != "kaisei.detail"]

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # Scrolled (wheel, page keys) near the last row: a screen that loads lazily adds the next rows.
        super().watch_scroll_y(old_value, new_value)
        near_end = getattr(self.screen, "table_near_end", None)
        if near_end is not None and self.row_count and new_value >= self.max_scroll_y - NEAR_END_ROWS:
            near_end()

    def selected_key(self) -> Optional[str]:
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # the cursor is outside the rows (table just cleared)
            return None


class LiveScreen(Screen):
    """A screen that hears about changes made elsewhere (the app broadcasts them to every live screen)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        localize(self, self.app.lang)

    @on(events.Mount)
    def _join(self) -> None:
        self.app.live_screens.add(self)

    @on(events.Unmount)
    def _leave(self) -> None:
        self.app.live_screens.discard(self)


class MainScreen(LiveScreen):
    """A screen that ``tab`` leaves for the next one (inbox → deadlines → team → sources)."""

    BINDINGS = [key("tab", "app.next_screen", "next", key_display="tab")]


UPDATE_KEYS = [
    key("r", "mark('read')", "read"),
    key("s", "mark('studied')", "studied"),
    key("a", "mark_applied", "applied"),
    key("u", "step_back", "back", show=False),
    key("o", "open_link", "open", show=False),
    key("t", "edit_tags", "tags", show=False),
]


class UpdateActions:
    """The keys that act on one update (r, s, a, u, o, t), for screens that can say which one is selected."""

    def current_target(self) -> Optional[Target]:
        """The selected update; screens override this (nothing is selected by default)."""
        return None

    def action_mark(self, state: str) -> None:
        target = self.current_target()
        if target is not None:
            self.app.change_status(target.update_id, state, title=target.title)

    def action_mark_applied(self) -> None:
        from tui.screens.modals import NoteModal

        target = self.current_target()
        if target is None:
            return

        def done(note: Optional[str]) -> None:
            if note is not None:  # None: cancelled
                self.app.change_status(target.update_id, "applied", note=note or None, title=target.title)

        self.app.push_screen(NoteModal(target.title), callback=done)

    def action_step_back(self) -> None:
        target = self.current_target()
        if target is not None:
            self.app.change_status(target.update_id, None, title=target.title)

    def action_open_link(self) -> None:
        target = self.current_target()
        if target is not None:
            self.app.open_link(target.url)

    def action_edit_tags(self) -> None:
        from tui.screens.modals import TagsModal

        target = self.current_target()
        if target is None:
            return

        def done(labels: Optional[list[str]]) -> None:
            if labels is not None and sorted(labels) != sorted(target.departments):
                self.app.change_departments(target.update_id, labels)

        self.app.push_screen(TagsModal(self.app.departments, target.departments), callback=done)


def local_date(value: Optional[dt.datetime], zone: dt.tzinfo = JST) -> str:
    """A stored UTC time as a date in ``zone`` (kaisei.toml's ``timezone``, JST by default)."""
    return value.astimezone(zone).strftime("%Y-%m-%d") if value is not None else "—"


def local_datetime(value: Optional[dt.datetime], zone: dt.tzinfo = JST) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def state_cell(app, state: str) -> Text:
    """The state column: unread stands out with a dot."""
    label = app.state_label(state)
    if state == "unread":
        return Text("● " + label, style="bold")
    return Text("  " + label, style="dim" if state == "applied" else "")


def title_cell(title: str, state: str) -> Text:
    return literal(title, "bold" if state == "unread" else ("dim" if state == "applied" else ""))
