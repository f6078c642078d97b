"""Modal questions: the evidence note, the filter, the tags, the keys list and an error."""

from __future__ import annotations

import logging
from typing import Optional

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, SelectionList, Static

from tui import messages
from tui.bindings import key, localize
from tui.store import InboxFilter
from tui.text import clean, literal

log = logging.getLogger(__name__)


class _Modal(ModalScreen):
    BINDINGS = [key("escape", "cancel", "close")]

    def __init__(self) -> None:
        super().__init__()
        localize(self, self.app.lang)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class NoteModal(_Modal):
    """Asks for the evidence of "applied". Dismisses with the note ("" for none), or None when cancelled."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.update_title = title

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(classes="dialog"):
            yield Static(Text(tr("note.title"), style="bold"))
            yield Static(literal(self.update_title, "dim"))
            yield Input(placeholder=tr("note.placeholder"), id="note")
            with Horizontal(classes="buttons"):
                yield Button(tr("ok"), variant="primary", id="ok")
                yield Button(tr("cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(self.query_one("#note", Input).value.strip())


class FilterModal(_Modal):
    """Filter by state, department and source. Dismisses with an InboxFilter (search kept by the caller)."""

    def __init__(self, current: InboxFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        app = self.app
        tr = app.tr
        states = [(app.state_label(s), s) for s in ("unread", "read", "studied", "applied")]
        departments = [(Text(app.department_name(d.key)), d.key) for d in app.departments]
        with Vertical(classes="dialog"):
            yield Static(Text(tr("filter.title"), style="bold"))
            yield Static(tr("filter.state"), markup=False)
            yield Select(states, prompt=tr("filter.any"), value=self.current.state or Select.NULL, id="state")
            yield Static(tr("filter.department"), markup=False)
            yield Select(departments, prompt=tr("filter.any"), value=self.current.department or Select.NULL,
                         id="department")
            yield Static(tr("filter.source"), markup=False)
            yield Select([], prompt=tr("filter.any"), id="source")
            with Horizontal(classes="buttons"):
                yield Button(tr("apply"), variant="primary", id="ok")
                yield Button(tr("cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#state", Select).focus()
        self.app.load_choices(self)

    @on(messages.ChoicesLoaded)
    def _choices(self, message: messages.ChoicesLoaded) -> None:
        select = self.query_one("#source", Select)
        select.set_options([(Text(clean(title or name)), name) for name, title in message.sources])
        if self.current.source and any(name == self.current.source for name, _ in message.sources):
            select.value = self.current.source

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(InboxFilter(state=_value(self.query_one("#state", Select)),
                                 department=_value(self.query_one("#department", Select)),
                                 source=_value(self.query_one("#source", Select)),
                                 search=self.current.search))


def _value(select: Select) -> Optional[str]:
    return None if select.is_blank() else select.value


class TagsModal(_Modal):
    """Check the departments an update belongs to. Dismisses with the checked keys, or None when cancelled."""

    def __init__(self, departments: list, current: list[str]) -> None:
        super().__init__()
        self.departments = departments
        self.current = current

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(classes="dialog"):
            yield Static(Text(tr("tags.title"), style="bold"))
            yield SelectionList[str](*[(Text(self.app.department_name(d.key)), d.key, d.key in self.current)
                                       for d in self.departments], id="tags")
            with Horizontal(classes="buttons"):
                yield Button(tr("ok"), variant="primary", id="ok")
                yield Button(tr("cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#tags", SelectionList).focus()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(list(self.query_one("#tags", SelectionList).selected))


class KeysModal(_Modal):
    """Every key of the screen below, including those the footer does not show."""

    # A modal hides the app's keys; this one has no input, so q quits here too, as the keys list says.
    BINDINGS = [key("q", "app.quit", "quit")]

    def __init__(self, active_bindings) -> None:
        super().__init__()
        self.active = active_bindings

    def compose(self) -> ComposeResult:
        app = self.app
        table = Table(title=app.tr("help.title"), title_style="bold", expand=True, show_edge=False)
        table.add_column(app.tr("help.key"), no_wrap=True, style="bold")
        table.add_column(app.tr("help.action"))
        seen = set()
        for active in self.active.values():
            binding = active.binding
            if not binding.id or not binding.id.startswith("kaisei.") or binding.id in seen:
                continue
            seen.add(binding.id)
            shown = binding.key_display or app.get_key_display(binding)
            table.add_row(Text(shown), Text(f"{binding.description} — {binding.tooltip}"))
        with VerticalScroll(classes="dialog"):
            yield Static(table, id="keys")


class ErrorModal(_Modal):
    """A failure, shown once; escape or enter closes it."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Static(Text(self.title_text, style="bold red"))
            yield Static(literal(self.message, block=True), id="error-message")
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="error", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Button).focus()
