"""The Sources screen's ``c`` runs the real ``kaisei crawl`` in a child process against the offline sample site."""

from __future__ import annotations

import pytest

from conftest import TODAY
from test_tui_app import settle
from tracker.config import load_settings
from tracker.db import create_db_engine, session_scope
from tracker.departments import sync_departments
from tracker.people import add_person
from tui.app import make_app
from tui.screens.inbox import InboxScreen
from tui.screens.modals import KeysModal
from tui.screens.sources import SourcesScreen

sample_site = pytest.importorskip("crawlers.sample_site")


async def test_c_crawls_the_sample_site_in_the_background(tmp_path):
    with sample_site.serve() as base:
        sources = tmp_path / "sources.toml"
        sources.write_text(sample_site.sources_toml(base), encoding="utf-8")
        config = tmp_path / "kaisei.toml"
        config.write_text(f'sources_file = "{sources}"\n[crawl]\ndownload_delay = 0\nretries = 0\ntimeout = 5\n',
                          encoding="utf-8")
        settings = load_settings(config)
        engine = create_db_engine(f"sqlite:///{tmp_path / 'kaisei.db'}")
        with session_scope(engine) as session:
            sync_departments(session=session, settings=settings)
            add_person(session=session, handle="hanako", name="山田 花子", email="hanako@example.jp",
                       departments=["accounting", "hr", "legal", "general_affairs", "it"])
        app = make_app(settings, "hanako", engine=engine, lang="ja", today=TODAY)
        # The command the key runs (same database, same kaisei.toml), kept to one source to stay quick.
        command = app.crawl_command()
        assert command[-1] == "crawl" and str(config) in command
        app.crawl_argv = command + ["--only", "nta-news", "--no-tag"]
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert app.screen.rows == {}
            await pilot.press("tab", "tab", "tab")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SourcesScreen)
            inbox = next(s for s in app.live_screens if isinstance(s, InboxScreen))
            generation = inbox.generation
            await pilot.press("c")
            assert screen.crawling
            await pilot.press("question_mark")  # the UI answers while the child starts Scrapy and crawls
            assert isinstance(app.screen, KeysModal) and screen.crawling
            await pilot.press("escape")
            await settle(pilot)
            assert not screen.crawling
            assert any("nta-news" in line for line in app.crawl_lines), app.crawl_lines
            table = screen.query_one("#sources-table")
            row = [cell.plain for cell in table.get_row("nta-news")]
            assert row[3] == "正常" and int(row[4]) > 0
            assert inbox.generation == generation + 1  # the inbox reloaded after the crawl
            await pilot.press("tab")
            await settle(pilot)
            assert isinstance(app.screen, InboxScreen)
        engine.dispose()
