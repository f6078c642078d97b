"""SVG snapshots of the screens a person sees (pytest-textual-snapshot), on fixed data and a fixed today.

They show that CJK-wide titles, sources and departments line up in their columns and that markup and escape
sequences in titles are shown as typed. Regenerate on purpose with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import TODAY, seed_world
from test_tui_app import settle
from tracker.db import create_db_engine, session_scope
from tracker.departments import sync_departments
from tracker.status import set_status
from tui.app import make_app

SIZE = (120, 30)


@pytest.fixture
def snapshot_app(tmp_path, settings):
    """A factory of apps on a fixed SQLite world (snapshots need the same ids and times on every run)."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'snap.db'}")
    with session_scope(engine) as session:
        sync_departments(session=session, settings=settings)
    ids = seed_world(engine)
    # History with fixed times, so the Detail snapshot does not show today's clock.
    with session_scope(engine) as session:
        for state, note, hour in (("read", None, 1), ("studied", "[red]研修資料[/red]を確認", 2)):
            set_status(session=session, person="hanako", update_id=ids["nta/2"], state=state, note=note,
                       at=dt.datetime(2026, 11, 18, hour, 30, tzinfo=dt.timezone.utc))

    def make(lang: str = "ja", person: str = "hanako"):
        return make_app(settings, person, engine=engine, lang=lang, today=TODAY)

    yield make
    engine.dispose()


async def _settle(pilot) -> None:
    await settle(pilot)
    await pilot.pause()


def test_inbox_snapshot_ja(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app("ja"), terminal_size=SIZE, run_before=_settle)


def test_inbox_snapshot_en(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app("en"), terminal_size=SIZE, run_before=_settle)


def test_detail_snapshot(snap_compare, snapshot_app):
    async def open_detail(pilot) -> None:
        await _settle(pilot)
        await pilot.press("down", "down", "enter")  # the title holding markup
        await _settle(pilot)

    assert snap_compare(snapshot_app("ja"), terminal_size=SIZE, run_before=open_detail)


def test_deadlines_snapshot(snap_compare, snapshot_app):
    async def to_deadlines(pilot) -> None:
        await _settle(pilot)
        await pilot.press("tab")
        await _settle(pilot)

    assert snap_compare(snapshot_app("ja"), terminal_size=SIZE, run_before=to_deadlines)


def test_team_snapshot(snap_compare, snapshot_app):
    async def to_team(pilot) -> None:
        await _settle(pilot)
        await pilot.press("tab", "tab")
        await _settle(pilot)

    assert snap_compare(snapshot_app("ja"), terminal_size=SIZE, run_before=to_team)
