"""Detail: one update — title, source, dates, tags with their reasons, summary, link, my note and my history."""

from __future__ import annotations

import logging
from typing import Optional

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from tracker.tagger.labels import topic_name
from tui import messages
from tui.bindings import key
from tui.screens.base import UPDATE_KEYS, LiveScreen, Target, UpdateActions, local_datetime
from tui.text import clean, literal

log = logging.getLogger(__name__)


class DetailScreen(UpdateActions, LiveScreen):
    """Pushed over the inbox or the deadlines by ``enter``; ``escape`` goes back."""

    BINDINGS = UPDATE_KEYS + [
        key("escape", "app.pop_screen", "close"),
        key("tab", "app.next_screen", "next", show=False),
    ]

    def __init__(self, update_id: int) -> None:
        super().__init__()
        self.update_id = update_id
        self.detail = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-title", classes="detail-title")
            yield Static(id="detail-facts")
            yield Static(id="detail-summary", classes="detail-block")
            yield Static(id="detail-history", classes="detail-block")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-title", Static).update(self.app.tr("loading"))
        self.app.load_detail(self, self.update_id)

    @on(messages.DetailLoaded)
    def _loaded(self, message: messages.DetailLoaded) -> None:
        if message.detail.update_id != self.update_id:
            return
        self.detail = detail = message.detail
        app = self.app
        tr = app.tr
        self.query_one("#detail-title", Static).update(literal(detail.title, "bold", block=True))

        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        facts.add_row(tr("detail.state"), Text(app.state_label(detail.state)))
        facts.add_row(tr("detail.source"), literal(f"{detail.source_title or detail.source_name} "
                                                   f"({detail.source_name})"))
        facts.add_row(tr("detail.published"), Text(local_datetime(detail.published_at, app.zone)))
        facts.add_row(tr("effective_on"), Text(detail.effective_on.isoformat() if detail.effective_on else "—"))
        facts.add_row(tr("deadline_on"), Text(detail.deadline_on.isoformat() if detail.deadline_on else "—"))
        facts.add_row(tr("detail.link"), literal(detail.url, "underline"))
        facts.add_row(tr("detail.tags"), self._tags_text())
        facts.add_row(tr("detail.note"), literal(detail.note, block=True) if detail.note else Text(tr("detail.none"),
                                                                                                 style="dim"))
        self.query_one("#detail-facts", Static).update(facts)

        summary = Text()
        summary.append(tr("detail.summary") + "\n", style="bold")
        summary.append_text(literal(detail.summary or "—", block=True))
        self.query_one("#detail-summary", Static).update(summary)

        history = Table(title=tr("detail.history"), title_justify="left", title_style="bold", expand=True,
                        box=box.SIMPLE_HEAD, show_edge=False)
        history.add_column(tr("col.when"), no_wrap=True)
        history.add_column(tr("col.what"), no_wrap=True)
        history.add_column(tr("detail.note"))
        for event in detail.history:
            history.add_row(Text(local_datetime(event.at, app.zone)),
                            Text(f"{app.state_label(event.from_state)} → {app.state_label(event.to_state)}"),
                            literal(event.note or "", block=True))
        if not detail.history:
            history.add_row(Text(tr("detail.none"), style="dim"), Text(""), Text(""))
        self.query_one("#detail-history", Static).update(history)

    def _tags_text(self) -> Text:
        """Each tag with where it came from and why: ``経理 (ルール: 源泉徴収)``; removed ones struck through."""
        app = self.app
        text = Text()
        for tag in self.detail.tags:
            if text:
                text.append("\n")
            kind = _get(tag, "kind", "department")
            label = _get(tag, "label", "")
            name = app.department_name(label) if kind == "department" else clean(topic_name(label, app.lang))
            style = "strike dim" if _get(tag, "negated", False) or not _get(tag, "in_effect", True) else ""
            text.append(name, style=style or "bold")
            origin = _get(tag, "origin", "")
            reason = clean(_get(tag, "reason", "") or "")
            if reason.lower().startswith(f"{origin}:"):  # "rule: 労働" under ルール says rule twice
                reason = reason[len(origin) + 1:].strip()
            why = app.tr(f"origin.{origin}") if origin in ("model", "rule", "manual") else clean(origin)
            if _get(tag, "negated", False):
                why += " " + app.tr("removed")
            score = _get(tag, "score", None)
            if origin == "model" and isinstance(score, float):
                why += f" {score:.2f}"
            text.append(f" ({why}{': ' + reason if reason else ''})", style="dim")
        return text or Text(app.tr("detail.none"), style="dim")

    def current_target(self) -> Optional[Target]:
        if self.detail is None:
            return None
        return Target(self.detail.update_id, self.detail.title, self.detail.url, list(self.detail.departments))

    @on(messages.StatusChanged)
    @on(messages.TagsChanged)
    def _changed(self, message) -> None:
        if message.update_id == self.update_id:
            self.app.load_detail(self, self.update_id)


def _get(tag: dict, name: str, default=None):
    return tag.get(name, default)
