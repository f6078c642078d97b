"""The real ``kaisei tui`` in a real terminal (tmux): press keys, read the screen, then read the database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import seed_world
from tracker.db import create_db_engine, session_scope
from tracker.departments import sync_departments
from tracker.models import Status
from tracker.people import get_person
from tracker.status import history

TMUX = shutil.which("tmux") or ("/usr/bin/tmux" if Path("/usr/bin/tmux").exists() else None)
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Terminal:
    """One tmux server of our own (its own socket), holding one window of 120×30."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"kaisei-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        # COLUMNS/LINES inherited from the test runner would override the window's size in Textual.
        shell_command = f"env -u COLUMNS -u LINES {exports} " + " ".join(_quote(c) for c in command) + "; sleep 30"
        self.tmux("new-session", "-d", "-x", "120", "-y", "30", "-s", "kaisei", shell_command)

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-u", "-L", self.socket, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True, timeout=20).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "kaisei")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "kaisei", *(["-l"] if literal else []), *keys)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline or screen.startswith(("kaisei:", "Traceback")):
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def _wait_db(check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_kaisei_tui_in_tmux(tmp_path, settings):
    url = f"sqlite:///{tmp_path / 'kaisei.db'}"
    engine = create_db_engine(url)
    with session_scope(engine) as session:
        sync_departments(session=session, settings=settings)
    ids = seed_world(engine)
    first = ids["nta/1"]

    def state():
        with session_scope(engine) as session:
            person = get_person(session=session, handle="hanako")
            row = session.get(Status, (person.id, first))
            return (row.state, row.note) if row else ("unread", None)

    kaisei = Path(sys.executable).with_name("kaisei")
    command = [str(kaisei)] if kaisei.exists() else [sys.executable, "-m", "tracker"]
    (tmp_path / "kaisei.toml").write_text("# defaults\n")
    env = {"LANG": "C.UTF-8", "TERM": "xterm-256color", "KAISEI_CONFIG": str(tmp_path / "kaisei.toml"),
           "TEXTUAL_ANIMATIONS": "none"}
    term = Terminal(command + ["--db", url, "tui", "--as", "hanako", "--lang", "ja"], env)
    try:
        term.wait_for("未読 3・既読 1・学習済 0・適用済 1")
        screen = term.wait_for("Revised guidance")  # the last row drawn
        assert "山田 花子 さん" in screen and "インボイス制度に関する" in screen
        assert "[bold]重要[/bold]" in screen  # a title's markup is shown as typed
        # The CJK-wide columns line up: every row's date starts in the same terminal column.
        rows = [line for line in screen.splitlines() if "2026-11-1" in line]
        assert len(rows) == 5
        assert len({_cell_column(line, "2026-11-1") for line in rows}) == 1

        term.keys("r")
        assert _wait_db(lambda: state()[0] == "read")
        term.wait_for("未読 2・既読 2")
        term.keys("a")
        term.wait_for("証跡メモ")
        term.keys("規程を改定済み", literal=True)
        term.keys("Enter")
        assert _wait_db(lambda: state() == ("applied", "規程を改定済み")), state()
        term.wait_for("適用済 2")
        term.keys("q")
        _wait_db(lambda: "山田 花子" not in term.screen())
    finally:
        term.close()
    with session_scope(engine) as session:
        steps = [(e.from_state, e.to_state, e.note) for e in history(session=session, update_id=first)]
    assert steps == [("unread", "read", None), ("read", "applied", "規程を改定済み")]
    engine.dispose()


def _cell_column(line: str, text: str) -> int:
    """The terminal column where ``text`` starts in ``line`` (wide characters count two)."""
    import unicodedata

    prefix = line[:line.index(text)]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in prefix)
