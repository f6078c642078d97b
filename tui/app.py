"""The kaisei TUI: the app, its factory (``make_app``) and the workers that do every database call.

Slow work (every database call, the crawl subprocess) runs in thread workers that post a message from
``tui.messages`` to the screen that asked; failures are handled once, in ``on_worker_state_changed``, with an
error modal. Status and tag writes run one at a time, in the order the keys were pressed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import weakref
from collections import deque
from typing import Any, Callable, Optional

from textual import on, work
from textual.app import App
from textual.worker import Worker, WorkerState, get_current_worker

from tui import messages
from tui.bindings import key, localize
from tui.screens.deadlines import DeadlinesScreen
from tui.screens.inbox import InboxScreen
from tui.screens.sources import SourcesScreen
from tui.screens.team import TeamScreen
from tui.store import InboxFilter, Store
from tui.strings import state_name, t
from tui.text import clean

log = logging.getLogger(__name__)

SCREENS_IN_ORDER = ("inbox", "deadlines", "team", "sources")


class KaiseiApp(App[None]):
    """One person's view of kaisei: inbox, detail, deadlines, team and sources."""

    CSS_PATH = "kaisei.tcss"
    TITLE = "kaisei"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        key("q", "quit", "quit"),
        key("question_mark", "show_keys", "help", key_display="?"),
    ]

    MODES = {"inbox": InboxScreen, "deadlines": DeadlinesScreen, "team": TeamScreen, "sources": SourcesScreen}

    def __init__(self, store: Store, *, person: Any = None, lang: str = "en",
                 crawl_argv: Optional[list[str]] = None) -> None:
        super().__init__()
        self.store = store
        self.lang = lang
        self.person = person
        self.crawl_argv = crawl_argv
        self.title = t(lang, "app.title")
        self.departments = store.departments()
        self.zone = _zone(getattr(store.settings, "timezone", None))
        self._writes: deque[Callable[[], None]] = deque()
        self._writing = False
        self.crawl_lines: list[str] = []
        # The screens showing data, in any mode (each adds itself when mounted, leaves when unmounted).
        self.live_screens: weakref.WeakSet = weakref.WeakSet()
        localize(self, lang)

    # language helpers the screens use
    def tr(self, key_: str, **values: object) -> str:
        return t(self.lang, key_, **values)

    def state_label(self, state: str) -> str:
        return state_name(self.lang, state)

    def department_name(self, key_: str) -> str:
        for dep in self.departments:
            if dep.key == key_:
                return dep.name_ja if self.lang == "ja" else dep.name_en
        return key_

    def person_label(self) -> str:
        return clean(self.person.name or self.person.handle) if self.person is not None else ""

    # start and screens
    def on_mount(self) -> None:
        if self.person is None:
            from tui.screens.picker import PickerScreen

            self.push_screen(PickerScreen(), callback=self._picked)
        else:
            self.switch_mode("inbox")

    def _picked(self, person: Any) -> None:
        if person is None:
            self.exit()
            return
        self.person = person
        self.switch_mode("inbox")

    def action_next_screen(self) -> None:
        current = self.current_mode if self.current_mode in SCREENS_IN_ORDER else SCREENS_IN_ORDER[-1]
        self.switch_mode(SCREENS_IN_ORDER[(SCREENS_IN_ORDER.index(current) + 1) % len(SCREENS_IN_ORDER)])

    def action_show_keys(self) -> None:
        from tui.screens.modals import KeysModal

        if not isinstance(self.screen, KeysModal):
            self.push_screen(KeysModal(self.screen.active_bindings))

    def refresh_inbox(self) -> None:
        """Reload the inbox (after a crawl brought new updates)."""
        for screen in list(self.live_screens):
            if isinstance(screen, InboxScreen):
                screen.reload()

    def open_link(self, url: str) -> None:
        """Open ``url`` in the person's browser (``App.open_url``: webbrowser locally, the browser under serve)."""
        url = clean(url)
        if not url:
            self.notify(self.tr("no_link"), severity="warning", markup=False)
            return
        if self.is_web:
            self.open_url(url)  # the browser the app is served to
        else:
            import webbrowser

            # On a server reached by ssh there is no browser: say so, with the URL to copy, instead of "opened".
            try:
                opened = webbrowser.open(url)
            except webbrowser.Error:
                opened = False
            if not opened:
                self.notify(self.tr("no_browser", url=url), severity="warning", markup=False)
                return
        self.notify(self.tr("opened", url=url), markup=False)  # the URL is web text

    # failures, handled once
    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "write" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                             WorkerState.CANCELLED):
            self._writing = False
            self._pump_writes()
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            log.error("%s failed: %s", event.worker.name, error, exc_info=error)
            self.show_error(f"{type(error).__name__}: {error}" if not _is_domain_error(error)
                            else error.message(self.lang) if hasattr(error, "message") else str(error))

    def show_error(self, message: str) -> None:
        from tui.screens.modals import ErrorModal

        self.push_screen(ErrorModal(self.tr("error.title"), message))

    # reads: one worker group each, the newest request wins
    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox")
    def load_inbox_page(self, screen, flt: InboxFilter, offset: int, limit: int, generation: int) -> None:
        rows = self.store.inbox(self.person.id, flt, offset=offset, limit=limit)
        if not get_current_worker().is_cancelled:
            screen.post_message(messages.InboxPageLoaded(generation=generation, offset=offset, rows=rows,
                                                         limit=limit))

    @work(thread=True, exclusive=True, exit_on_error=False, group="counts")
    def load_counts(self, screen, flt: InboxFilter, generation: int) -> None:
        counts = self.store.counts(self.person.id, flt)
        if not get_current_worker().is_cancelled:
            screen.post_message(messages.CountsLoaded(generation=generation, counts=counts))

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load_detail(self, screen, update_id: int) -> None:
        screen.post_message(messages.DetailLoaded(self.store.detail(self.person.id, update_id)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="deadlines")
    def load_deadlines(self, screen) -> None:
        screen.post_message(messages.RowsLoaded("deadlines", self.store.deadlines(self.person.id)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="team")
    def load_team(self, screen) -> None:
        screen.post_message(messages.RowsLoaded("team", self.store.team()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sources")
    def load_sources(self, screen) -> None:
        screen.post_message(messages.RowsLoaded("sources", self.store.sources()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="choices")
    def load_choices(self, screen) -> None:
        screen.post_message(messages.ChoicesLoaded(self.store.departments(), self.store.source_choices()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="people")
    def load_people(self, screen) -> None:
        screen.post_message(messages.PeopleLoaded(self.store.active_people()))

    # writes: queued, one at a time, in the order asked
    def change_status(self, update_id: int, state: Optional[str], *, note: Optional[str] = None,
                      title: str = "") -> None:
        """Set ``state`` (or one step back when ``state`` is None) on an update for the current person."""
        self._writes.append(lambda: self._write_status(update_id, state, note, title))
        self._pump_writes()

    def change_departments(self, update_id: int, labels: list[str]) -> None:
        self._writes.append(lambda: self._write_tags(update_id, labels))
        self._pump_writes()

    def _pump_writes(self) -> None:
        if self._writing or not self._writes:
            return
        self._writing = True
        self.run_write(self._writes.popleft())

    @property
    def busy_writing(self) -> bool:
        return self._writing or bool(self._writes)

    @work(thread=True, exclusive=False, exit_on_error=False, group="write")
    def run_write(self, job: Callable[[], None]) -> None:
        job()

    def _write_status(self, update_id: int, state: Optional[str], note: Optional[str], title: str) -> None:
        if state is None:
            new_state = self.store.step_back(self.person.id, update_id)
        else:
            new_state = self.store.set_state(self.person.id, update_id, state, note)
        self.call_from_thread(self._broadcast, lambda: messages.StatusChanged(update_id, new_state, title))

    def _write_tags(self, update_id: int, labels: list[str]) -> None:
        now = self.store.set_departments(self.person.handle, update_id, labels)
        self.call_from_thread(self._broadcast, lambda: messages.TagsChanged(update_id, now))

    def _broadcast(self, make_message: Callable[[], Any]) -> None:
        """Tell every mounted screen of every mode (each keeps its rows) about a change."""
        for screen in list(self.live_screens):
            screen.post_message(make_message())

    # the crawl, a subprocess
    def crawl_command(self) -> list[str]:
        if self.crawl_argv is not None:
            return list(self.crawl_argv)
        argv = [sys.executable, "-m", "tracker", "--db", self.store.engine.url.render_as_string(hide_password=False)]
        config_path = getattr(self.store.settings, "config_path", None)
        if config_path:
            argv += ["--config", str(config_path)]
        return argv + ["--lang", self.lang, "crawl"]  # its lines in the language the screen speaks

    @work(thread=True, exclusive=True, exit_on_error=False, group="crawl")
    def run_crawl(self, screen) -> None:
        """Run ``kaisei crawl`` as a child process, posting each line it prints; the UI stays responsive."""
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
        lines: list[str] = []
        returncode = -1
        try:
            with subprocess.Popen(self.crawl_command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env, text=True, encoding="utf-8",
                                  errors="replace", bufsize=1) as proc:
                assert proc.stdout is not None
                for raw in proc.stdout:
                    line = clean(raw)
                    if line:
                        lines.append(line)
                        screen.post_message(messages.CrawlProgress(line))
                returncode = proc.wait()
        finally:
            # Also when the command could not start (the error modal tells why): the screen stops waiting.
            self.crawl_lines = lines
            screen.post_message(messages.CrawlFinished(returncode, lines))


def _zone(name: Optional[str]) -> dt.tzinfo:
    """kaisei.toml's ``timezone`` (times are stored in UTC and shown in it); JST when unset or unknown."""
    from tracker.dates import JST

    if not name:
        return JST
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (KeyError, ValueError):
        log.warning("unknown timezone %r in kaisei.toml: showing times in JST", name)
        return JST


def _is_domain_error(error: BaseException | None) -> bool:
    from tracker.errors import KaiseiError

    return isinstance(error, KaiseiError)


def make_app(settings, person: Any = None, *, engine=None, lang: Optional[str] = None,
             today: Optional[dt.date] = None, crawl_argv: Optional[list[str]] = None) -> KaiseiApp:
    """Build the TUI for ``person`` (a Person, a handle, or None to ask who you are).

    ``engine`` defaults to the configured database (opened, migrated, departments synced); ``lang`` to
    ``--lang``/kaisei.toml/the locale; ``today`` (for deadlines and overdue counts) to today in JST;
    ``crawl_argv`` to ``kaisei crawl`` on the same database.
    """
    from tracker.i18n import detect_lang

    if engine is None:
        from tracker.db import create_db_engine, session_scope
        from tracker.departments import sync_departments

        engine = create_db_engine(settings.database_url)
        with session_scope(engine) as session:
            sync_departments(session=session, settings=settings)
    store = Store(engine, settings=settings, today=today)
    if isinstance(person, str):
        person = store.person(person)
    # --lang, then the person's own language, then kaisei.toml, then the locale.
    chosen = detect_lang(lang, getattr(person, "lang", None) or settings.lang)
    return KaiseiApp(store, person=person, lang=chosen, crawl_argv=crawl_argv)
