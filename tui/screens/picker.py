"""Who are you? Shown when ``kaisei tui`` is started without ``--as``: a list of the active people."""

from __future__ import annotations

import logging

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui import messages
from tui.bindings import key, localize
from tui.text import clean

log = logging.getLogger(__name__)


class PickerScreen(Screen):
    """Dismisses with the chosen Person, or None when quit."""

    BINDINGS = [key("escape", "cancel", "quit")]

    def __init__(self) -> None:
        super().__init__()
        self.people: list = []
        localize(self, self.app.lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(self.app.tr("screen.picker"), style="bold"), id="picker-title")
            yield OptionList(id="picker-list")
        yield Footer()

    def on_mount(self) -> None:
        self.app.load_people(self)

    @on(messages.PeopleLoaded)
    def _loaded(self, message: messages.PeopleLoaded) -> None:
        self.people = message.people
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.people:
            self.query_one("#picker-title", Static).update(Text(self.app.tr("picker.empty"), style="bold red"))
            return
        names = [clean(person.name) for person in self.people]
        # Handles in one column: pad by display width, since a Japanese name is two cells a character.
        width = max(cell_len(name) for name in names)
        for index, (person, name) in enumerate(zip(self.people, names)):
            label = Text(name, style="bold")
            label.append(" " * (width - cell_len(name)) + f"  {clean(person.handle)}", style="dim")
            options.add_option(Option(label, id=str(index)))
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.people[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
