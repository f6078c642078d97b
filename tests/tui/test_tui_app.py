"""Pilot tests: every screen and key of the TUI, on SQLite and PostgreSQL, asserting on the database first."""

from __future__ import annotations

import datetime as dt
import re
import webbrowser
from pathlib import Path

import pytest
from rich.text import Text
from sqlmodel import select
from textual.widgets import Input, Select, SelectionList, Static

from conftest import ESCAPE_TITLE, MARKUP_TITLE, TODAY
from tracker.db import session_scope
from tracker.models import Source, Status, Tag, Update
from tracker.status import history
from tracker.tags import effective_labels
from tui.app import make_app
from tui.screens.deadlines import DeadlinesScreen
from tui.screens.detail import DetailScreen
from tui.screens.inbox import InboxScreen, InboxTable
from tui.screens.modals import ErrorModal, FilterModal, KeysModal, NoteModal, TagsModal
from tui.screens.picker import PickerScreen
from tui.screens.sources import SourcesScreen
from tui.screens.team import TeamScreen

SIZE = (120, 30)


async def settle(pilot) -> None:
    """Wait until every worker (loads and queued writes) is done and their messages are handled.

    The inbox asks for its counts only after its rows are painted, so an inbox whose counts are behind its rows
    is not settled either.
    """
    app = pilot.app

    def quiet() -> bool:
        inboxes = [s for s in app.live_screens if isinstance(s, InboxScreen)]
        return (not app.busy_writing and not any(w.is_running for w in app.workers)
                and all(s.loading or s.counts_generation == s.generation for s in inboxes))

    for _ in range(500):
        await app.workers.wait_for_complete()
        await pilot.pause(0)  # lets the screen handle what the workers posted
        if quiet():
            await pilot.pause(0)
            if quiet():
                return
        else:
            await pilot.pause(0.005)
    raise AssertionError("the app did not settle")


def state_of(engine, handle: str, update_id: int) -> tuple[str, str | None]:
    from tracker.people import get_person

    with session_scope(engine) as session:
        person = get_person(session=session, handle=handle)
        row = session.get(Status, (person.id, update_id))
        return (row.state, row.note) if row is not None else ("unread", None)


def inbox_ids(app) -> list[int]:
    table = app.screen.query_one(InboxTable)
    return [int(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]


def _plain(app) -> str:
    """What the screen shows, as plain text (from the SVG screenshot: tags and entities removed)."""
    text = re.sub(r"<[^>]+>", "", app.export_screenshot())
    return text.replace("&#160;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def make(settings, engine, person="hanako", lang="ja", **kwargs):
    return make_app(settings, person, engine=engine, lang=lang, today=TODAY, **kwargs)


async def test_inbox_lists_my_departments_newest_first_with_counts(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        # hanako is in accounting and hr: the legal/it update (ppc/1) is not hers.
        assert inbox_ids(app) == [world["nta/1"], world["mhlw/1"], world["nta/2"], world["nta/3"], world["fsa/1"]]
        assert app.screen.counts == {"unread": 3, "read": 1, "studied": 0, "applied": 1}
        header = app.screen.query_one("#inbox-header", Static).render()
        assert "未読 3・既読 1・学習済 0・適用済 1" in str(header)
        assert "山田 花子" in str(header)
        table = app.screen.query_one(InboxTable)
        row = table.get_row(str(world["nta/2"]))
        # Web text is shown as typed: markup characters stay, escape sequences go.
        assert isinstance(row[3], Text) and row[3].plain == MARKUP_TITLE and not row[3].spans
        escaped = table.get_row(str(world["nta/3"]))[3]
        assert "\x1b" not in escaped.plain and escaped.plain == ESCAPE_TITLE.replace("\x1b[31m", "").replace(
            "\x1b[0m", "") == "赤字 年末調整の手引き"
        assert row[4].plain == "経理・人事"
        assert table.get_row(str(world["nta/1"]))[1].plain == "2026-11-19"  # 01:00 UTC is 10:00 JST
        assert table.get_row(str(world["nta/1"]))[5].plain == "施行 2027-04-01"
        assert "未読" in table.get_row(str(world["nta/1"]))[0].plain
        assert "bold" in str(table.get_row(str(world["nta/1"]))[3].style)  # unread stands out
        text = _plain(app)
        assert "[bold]重要[/bold] [link=" in text  # cut to the column, still literal


async def test_keys_r_s_u_move_the_state_and_write_history(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = world["nta/1"]
        await pilot.press("r")
        await settle(pilot)
        assert state_of(engine, "hanako", first) == ("read", None)
        await pilot.press("s")
        await settle(pilot)
        assert state_of(engine, "hanako", first) == ("studied", None)
        assert app.screen.counts == {"unread": 2, "read": 1, "studied": 1, "applied": 1}
        await pilot.press("u")
        await settle(pilot)
        assert state_of(engine, "hanako", first) == ("read", None)
        assert app.screen.rows[first].state == "read"
        assert "既読" in app.screen.query_one(InboxTable).get_row(str(first))[0].plain
        # Pressed quickly, the writes land in order.
        await pilot.press("s", "u", "u", "r")
        await settle(pilot)
        assert state_of(engine, "hanako", first) == ("read", None)
        with session_scope(engine) as session:
            steps = [(e.from_state, e.to_state) for e in history(session=session, update_id=first)]
        assert steps == [("unread", "read"), ("read", "studied"), ("studied", "read"), ("read", "studied"),
                         ("studied", "read"), ("read", "unread"), ("unread", "read")]


async def test_applied_asks_for_a_note_and_escape_cancels(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteModal)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert state_of(engine, "hanako", world["nta/1"]) == ("unread", None)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#note", Input).value = "給与規程を改定（チケット #42）"
        await pilot.press("enter")
        await settle(pilot)
        assert state_of(engine, "hanako", world["nta/1"]) == ("applied", "給与規程を改定（チケット #42）")
        # Without a note is fine too.
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert state_of(engine, "hanako", world["mhlw/1"]) == ("applied", None)


async def test_detail_shows_tags_with_reasons_note_and_history(settings, engine, world, monkeypatch):
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")  # o opens the selected update's link in the browser
        await settle(pilot)
        assert opened == ["https://nta.example.jp/nta/1"]
        await pilot.press("down", "down")  # the title with markup in it
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.update_id == world["nta/2"]
        await pilot.press("r")
        await settle(pilot)
        assert state_of(engine, "hanako", world["nta/2"]) == ("read", None)
        text = _plain(app)
        assert MARKUP_TITLE in text
        assert "国税庁 新着情報 (nta)" in text
        assert "締切" in text and "2026-11-30" in text
        assert "経理 (ルール: 源泉徴収)" in text and "人事 (モデル 0.90: model 0.61)" in text
        assert "未読 → 既読" in text
        assert "https://nta.example.jp/nta/2" in text
        await pilot.press("o")
        await settle(pilot)
        assert opened[-1] == "https://nta.example.jp/nta/2"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert app.screen.rows[world["nta/2"]].state == "read"

        await pilot.press("down", "down", "down", "down", "enter")  # fsa/1: applied, with a note
        await settle(pilot)
        assert "電子帳簿保存の規程を改定" in _plain(app)


async def test_o_without_a_browser_says_so_with_the_link(settings, engine, world, monkeypatch):
    # Found in QA: over ssh (no browser) `o` said "opened in the browser" and nothing happened.
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: False)
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert messages == ["ブラウザが見つかりません。リンク: https://nta.example.jp/nta/1"]


async def test_t_edits_department_tags_which_win(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "t")  # nta/2: accounting (rule) and hr (model)
        await settle(pilot)
        assert isinstance(app.screen, TagsModal)
        tags = app.screen.query_one(SelectionList)
        assert sorted(tags.selected) == ["accounting", "hr"]
        tags.deselect("hr")
        tags.select("legal")
        await pilot.click("#ok")
        await settle(pilot)
        with session_scope(engine) as session:
            assert effective_labels(session=session, update_ids=[world["nta/2"]])[world["nta/2"]] == \
                ["accounting", "legal"]
            manual = session.exec(select(Tag).where(Tag.update_id == world["nta/2"], Tag.origin == "manual")).all()
            assert {(t.label, t.negated) for t in manual} == {("hr", True), ("legal", False)}
            assert all("hanako" in (t.reason or "") for t in manual)
        assert app.screen.query_one(InboxTable).get_row(str(world["nta/2"]))[4].plain == "経理・法務"


async def test_filter_modal_and_japanese_search(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterModal)
        app.screen.query_one("#state", Select).value = "unread"
        app.screen.query_one("#source", Select).value = "nta"
        await pilot.click("#ok")
        await settle(pilot)
        assert inbox_ids(app) == [world["nta/1"], world["nta/2"], world["nta/3"]]
        assert "絞り込み: 未読 / nta" in str(app.screen.query_one("#inbox-header", Static).render())

        await pilot.press("slash")
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        assert search.has_focus
        search.value = "年末"
        await pilot.press("enter")
        await settle(pilot)
        assert inbox_ids(app) == [world["nta/3"]]
        assert app.screen.counts["unread"] == 1  # counts follow the search and source, not the state

        await pilot.press("escape")  # clears search and filter
        await settle(pilot)
        assert len(inbox_ids(app)) == 5

        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#department", Select).value = "hr"
        await pilot.click("#ok")
        await settle(pilot)
        assert inbox_ids(app) == [world["mhlw/1"], world["nta/2"]]

        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = "存在しない件名"
        await pilot.press("enter")
        await settle(pilot)
        assert inbox_ids(app) == []
        assert not app.screen.query_one("#inbox-empty").has_class("hidden")
        await pilot.press("r")  # nothing selected: nothing happens
        await settle(pilot)


async def test_tab_cycles_screens_and_question_mark_lists_every_key(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            await settle(pilot)
            seen.append(type(app.screen))
        assert seen == [DeadlinesScreen, TeamScreen, SourcesScreen, InboxScreen]
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysModal)
        text = _plain(app)
        for expected in ("既読にする", "学習済にする", "適用済にする", "状態を一つ戻す", "リンクをブラウザで開く",
                         "部門タグを編集する", "件名を検索する", "絞り込む", "次の画面", "すべてのキー", "終了する",
                         "詳細を開く"):
            assert expected in text, expected
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0


def test_every_binding_has_an_id_and_a_tooltip():
    from textual.widgets import DataTable

    from tui.app import KaiseiApp
    from tui.screens import base, deadlines, detail, inbox, modals, picker, sources, team

    classes = [KaiseiApp, base.MainScreen, base.KaiseiTable, inbox.InboxScreen, detail.DetailScreen,
               deadlines.DeadlinesScreen, team.TeamScreen, sources.SourcesScreen, picker.PickerScreen,
               modals._Modal]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id and binding.id.startswith("kaisei."), (cls, binding)
            assert binding.tooltip, (cls, binding)
    shown = {b.id for b in inbox.InboxScreen.BINDINGS if b.show}
    assert {"kaisei.read", "kaisei.studied", "kaisei.applied", "kaisei.search", "kaisei.filter"} <= shown
    assert not any(b.show for b in inbox.InboxScreen.BINDINGS if b.id in ("kaisei.back", "kaisei.open",
                                                                          "kaisei.tags", "kaisei.clear"))
    assert DataTable  # the table's own bindings are replaced by KaiseiTable's enter


async def test_deadlines_screen_lists_dates_and_overdue(settings, engine, world):
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeadlinesScreen)
        keys = list(screen.items)
        # by date: the passed deadline of nta/3 (not applied) first, then the next 90 days.
        assert keys == [f"{world['nta/3']}:deadline", f"{world['nta/2']}:deadline", f"{world['mhlw/1']}:effective"]
        table = screen.query_one("#deadlines-table")
        assert table.get_row(keys[0])[5].plain == "期限切れ"
        assert table.get_row(keys[1])[5].plain == ""
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # no note
        await settle(pilot)
        assert state_of(engine, "hanako", world["nta/3"]) == ("applied", None)
        # applied: the passed deadline is no longer listed
        assert list(screen.items) == keys[1:]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.update_id == world["nta/2"]


async def test_team_screen_counts_per_department_and_person(settings, engine, world):
    app = make(settings, engine, person="taro")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TeamScreen)
        table = screen.query_one("#team-table")
        accounting = [c.plain for c in table.get_row("accounting:hanako")]
        # accounting: nta/1, nta/2, nta/3, fsa/1 — fsa/1 applied; nta/2 and nta/3 dates passed? nta/3 only.
        assert accounting == ["経理", "山田 花子 (hanako)", "3", "0", "0", "1", "1"]
        hr = [c.plain for c in table.get_row("hr:hanako")]
        assert hr == ["人事", "山田 花子 (hanako)", "1", "1", "0", "0", "0"]
        legal = [c.plain for c in table.get_row("legal:taro")]
        assert legal == ["法務", "佐藤 太郎 (taro)", "0", "0", "1", "0", "0"]
        # Found in QA: the footer offered "⏎ 詳細" here, and enter did nothing. Nor does `?` list it; q quits from `?`.
        assert "詳細" not in _plain(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysModal) and "詳細を開く" not in _plain(app) and "次の画面" in _plain(app)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0


async def test_sources_screen_and_background_crawl(settings, engine, world, tmp_path):
    script = tmp_path / "crawl_child.py"
    go_on = tmp_path / "go-on"
    # A stand-in child that prints progress, then waits until the test has checked the UI answers keys.
    script.write_text("import pathlib, sys, time\n"
                      "for i in range(3):\n    print(f'source {i} [bold]ok[/bold]', flush=True)\n"
                      f"deadline = time.monotonic() + 20\nwhile not pathlib.Path({str(go_on)!r}).exists() "
                      "and time.monotonic() < deadline:\n    time.sleep(0.01)\nsys.exit(1)\n")
    import sys

    app = make(settings, engine, crawl_argv=[sys.executable, str(script)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab", "tab")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        table = screen.query_one("#sources-table")
        fsa = [c.plain for c in table.get_row("fsa")]
        assert fsa[0] == "fsa" and fsa[3] == "エラー" and fsa[4] == "1"  # the status in the UI's language (QA)
        assert [c.plain for c in table.get_row("nta")][3] == "正常"
        assert "詳細" not in _plain(app)
        # The stored (English) reason in the UI's language, the server's words kept as text, never as markup.
        assert fsa[5] == "https://fsa.example.jp/rss が HTTP 503 [bold]Service Unavailable[/bold] を返しました"
        assert [c.plain for c in table.get_row("nta")][4] == "3"
        await pilot.press("c")
        assert screen.crawling
        await pilot.press("c")  # a second crawl is refused while one runs
        await pilot.press("down")  # the UI answers while the child runs
        assert table.cursor_row == 1 and screen.crawling
        go_on.touch()
        await settle(pilot)
        assert not screen.crawling
        assert app.crawl_lines == ["source 0 [bold]ok[/bold]", "source 1 [bold]ok[/bold]",
                                   "source 2 [bold]ok[/bold]"]
        log_text = "\n".join(screen.query_one("#crawl-log").lines)
        assert "source 2 [bold]ok[/bold]" in log_text and "終了コード 1" in log_text


async def test_picker_asks_who_you_are(settings, engine, world):
    app = make(settings, engine, person=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert [p.handle for p in app.screen.people] == ["hanako", "taro"]
        assert "山田 花子" in _plain(app) and "あなたは誰ですか" in _plain(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert app.person.handle == "taro"
        assert inbox_ids(app) == [world["ppc/1"]]


async def test_picker_lines_up_handles_after_wide_and_narrow_names(settings, engine, world):
    # Found in QA: after "デモ 担当" and "Alex Smith" the handles did not line up.
    from rich.cells import cell_len

    from tracker.people import add_person

    with session_scope(engine) as session:
        add_person(session=session, handle="smith", name="Alex Smith", email="smith@example.jp", departments=["it"])
    app = make(settings, engine, person=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#picker-list")
        labels = [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]
        assert len(labels) == 3 and len({cell_len(label.rsplit(" ", 1)[0]) for label in labels}) == 1, labels


@pytest.mark.parametrize(("lang", "words"), [("ja", "更新 {} は見つかりません"), ("en", "unknown update {}")])
async def test_a_failure_shows_one_error_modal(settings, engine, world, lang, words):
    """In the person's language: the TUI shows a domain error as the CLI would print it."""
    app = make(settings, engine, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        gone = world["nta/1"]
        with session_scope(engine) as session:  # removed behind the app's back
            for tag in session.exec(select(Tag).where(Tag.update_id == gone)).all():
                session.delete(tag)
            session.flush()
            session.delete(session.get(Update, gone))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert words.format(gone) in _plain(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("down", "r")  # the app goes on working
        await settle(pilot)
        assert state_of(engine, "hanako", world["mhlw/1"]) == ("read", None)


async def test_inbox_and_deadlines_load_rows_as_the_cursor_moves(settings, engine, world):
    with session_scope(engine) as session:
        source = session.exec(select(Source).where(Source.name == "nta")).one()
        base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        updates = [Update(source_id=source.id, url=f"https://nta.example.jp/bulk/{i}", title=f"通達 {i}",
                          published_at=base + dt.timedelta(minutes=i),
                          deadline_on=TODAY - dt.timedelta(days=1 + i)) for i in range(250)]
        session.add_all(updates)
        session.flush()
        session.add_all(Tag(update_id=u.id, kind="department", label="accounting", origin="rule") for u in updates)
    app = make(settings, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        first_page = screen.page_size
        assert len(screen.rows) == first_page < 255
        assert sum(screen.counts.values()) == 255
        await pilot.press("pagedown", "pagedown", "pagedown")  # the cursor nears the last loaded row
        await settle(pilot)
        assert len(screen.rows) > first_page
        table = screen.query_one(InboxTable)
        for _ in range(10):
            if screen.exhausted:
                break
            table.move_cursor(row=table.row_count - 1)
            await settle(pilot)
        assert len(screen.rows) == 255 and screen.exhausted
        ids = inbox_ids(app)
        assert len(ids) == len(set(ids)) == 255

        # Deadlines: 250 passed deadlines not applied, added to the table as the cursor goes down.
        await pilot.press("tab")
        await settle(pilot)
        deadlines = app.screen
        assert isinstance(deadlines, DeadlinesScreen)
        assert deadlines.total == 253 and len(deadlines.items) < 253
        table = deadlines.query_one("#deadlines-table")
        for _ in range(10):
            if not deadlines.pending:
                break
            table.move_cursor(row=table.row_count - 1)
            await settle(pilot)
        assert len(deadlines.items) == table.row_count == 253


def test_tui_issues_no_sql():
    """The TUI reads and writes only through tracker's functions."""
    root = Path(__file__).resolve().parents[2] / "tui"
    forbidden = re.compile(r"\b(sqlalchemy|sqlmodel|session\.exec|session\.execute|select\(|text\(|"
                           r"SELECT|INSERT|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")
    offenders = [f"{path.name}:{n}: {line.strip()}" for path in root.rglob("*.py")
                 for n, line in enumerate(path.read_text().splitlines(), 1) if forbidden.search(line)]
    assert offenders == []


async def test_english_ui_and_resize(settings, engine, world):
    if engine.dialect.name != "sqlite":
        pytest.skip("display only: the data paths are the same as in the Japanese tests")
    app = make(settings, engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = _plain(app)
        assert "unread 3 · read 1 · studied 0 · applied 1" in text
        assert "Title" in text and "Accounting, HR" in text and "eff 2027-04-01" in text
        # A wider terminal: the title column takes the new width.
        await pilot.press("down")
        narrow = app.screen.title_width
        await pilot.resize_terminal(160, 30)
        await settle(pilot)
        assert app.screen.title_width == narrow + 40
        assert inbox_ids(app)[0] == world["nta/1"] and app.screen.query_one(InboxTable).cursor_row == 1


async def test_team_department_column_fits_every_name(settings, engine, world):
    # Found in QA: "General affairs" was cut to "General affair" (a fixed 14 columns).
    if engine.dialect.name != "sqlite":
        pytest.skip("display only")
    app = make(settings, engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        assert app.screen.query_one("#team-table").columns["department"].width == len("General affairs")


def test_cli_unknown_person_and_no_terminal(db_url, world, capsys):
    from tracker.cli import main

    if not db_url.startswith("sqlite"):
        pytest.skip("no database difference in the CLI's checks")

    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db_url, "tui", "--as", "nobody"])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == "kaisei: unknown person 'nobody'"
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db_url, "tui", "--as", "hanako"])  # pytest's stdin is not a terminal
    assert exit_info.value.code == 1
    assert "needs a terminal" in capsys.readouterr().err
