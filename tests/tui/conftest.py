"""TUI fixtures: a small, fixed world (people, sources, updates with tags, statuses) seeded through the tracker API."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect

import pytest

from tracker.db import session_scope
from tracker.models import Source, Tag, Update
from tracker.people import add_person
from tracker.status import set_status

TODAY = dt.date(2026, 11, 20)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests (Textual's Pilot) on a fresh event loop, without an asyncio plugin."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
UTC = dt.timezone.utc

# Titles from the web are untrusted: one holds Rich markup, one a terminal escape sequence.
MARKUP_TITLE = "[bold]重要[/bold] [link=https://evil.example]源泉徴収[/link]の取扱い"
ESCAPE_TITLE = "\x1b[31m赤字\x1b[0m 年末調整の手引き"

UPDATES = [
    # (url path, source, title, published (UTC), effective_on, deadline_on, departments with origin and reason)
    ("nta/1", "nta", "インボイス制度に関するＱ＆Ａを改訂しました", dt.datetime(2026, 11, 19, 1, 0, tzinfo=UTC),
     dt.date(2027, 4, 1), None, [("accounting", "rule", "インボイス")]),
    ("mhlw/1", "mhlw", "育児・介護休業法の改正について", dt.datetime(2026, 11, 18, 3, 0, tzinfo=UTC),
     dt.date(2026, 12, 1), None, [("hr", "model", "model 0.93")]),
    ("nta/2", "nta", MARKUP_TITLE, dt.datetime(2026, 11, 17, 2, 0, tzinfo=UTC), None, dt.date(2026, 11, 30),
     [("accounting", "rule", "源泉徴収"), ("hr", "model", "model 0.61")]),
    ("nta/3", "nta", ESCAPE_TITLE, dt.datetime(2026, 11, 16, 2, 0, tzinfo=UTC), None, dt.date(2026, 11, 10),
     [("accounting", "rule", "年末調整")]),
    ("ppc/1", "ppc", "個人情報保護法ガイドライン（通則編）の一部改正", dt.datetime(2026, 11, 15, 6, 0, tzinfo=UTC),
     dt.date(2027, 1, 1), dt.date(2026, 12, 20), [("legal", "rule", "個人情報"), ("it", "model", "model 0.88")]),
    ("fsa/1", "fsa", "Revised guidance on electronic books", dt.datetime(2026, 11, 14, 0, 0, tzinfo=UTC),
     None, None, [("accounting", "model", "model 0.71")]),
]

SOURCES = {
    "nta": "国税庁 新着情報",
    "mhlw": "厚生労働省 新着",
    "ppc": "個人情報保護委員会",
    "fsa": "金融庁",
}


def seed_world(engine, *, statuses: bool = True) -> dict[str, int]:
    """People hanako (経理, 人事) and taro (法務, 情シス), four sources, six updates; returns url path → id."""
    ids: dict[str, int] = {}
    with session_scope(engine) as session:
        add_person(session=session, handle="hanako", name="山田 花子", email="hanako@example.jp",
                   departments=["accounting", "hr"])
        add_person(session=session, handle="taro", name="佐藤 太郎", email="taro@example.jp",
                   departments=["legal", "it"])
        sources = {}
        for name, title in SOURCES.items():
            source = Source(name=name, title=title, kind="feed", url=f"https://{name}.example.jp/rss",
                            last_crawled_at=dt.datetime(2026, 11, 19, 21, 0, tzinfo=UTC), last_status="ok")
            session.add(source)
            sources[name] = source
        sources["fsa"].last_status = "error"
        sources["fsa"].last_error = "HTTP 503 [bold]Service Unavailable[/bold] from https://fsa.example.jp/rss"
        session.flush()
        for path, source, title, published, effective, deadline, tags in UPDATES:
            update = Update(source_id=sources[source].id, url=f"https://{source}.example.jp/{path}", title=title,
                            summary=f"{title}。詳しくはリンク先をご覧ください。", published_at=published,
                            effective_on=effective, deadline_on=deadline)
            session.add(update)
            session.flush()
            ids[path] = update.id
            for label, origin, reason in tags:
                session.add(Tag(update_id=update.id, kind="department", label=label, origin=origin,
                                score=0.9, reason=reason))
        session.flush()
        if statuses:
            at = dt.datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
            set_status(session=session, person="hanako", update_id=ids["mhlw/1"], state="read", at=at)
            set_status(session=session, person="hanako", update_id=ids["fsa/1"], state="applied",
                       note="電子帳簿保存の規程を改定", at=at)
            set_status(session=session, person="taro", update_id=ids["ppc/1"], state="studied", at=at)
    return ids


@pytest.fixture
def world(engine):
    return seed_world(engine)
