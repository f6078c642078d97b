"""The whole crawl against the offline sample site over real HTTP: every built-in source kind stored and tagged,
a re-crawl that costs one 304 per source and adds nothing, a changed feed that revises one update."""

from __future__ import annotations

from sqlmodel import Session, select

from crawlers.registry import BUILTIN_SOURCES
from crawlers.sample_site import sample_path, serve, sources_toml
from test_crawl_support import kaisei, write_config
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source, UpdateRevision
from tracker.store import list_updates, update_records

NAMES = [spec.name for spec in BUILTIN_SOURCES]
SINGLE_URL = [spec for spec in BUILTIN_SOURCES if spec.kind != "egov-laws"]


def _summary(stdout: str) -> dict[str, list[str]]:
    """The crawl's summary table as source name → its cells."""
    rows = {}
    for line in stdout.splitlines():
        cells = line.split()
        if cells and cells[0] in NAMES:
            rows[cells[0]] = cells[1:]
    return rows


def _updates(db_url: str, *sources: str) -> list[dict]:
    """What `kaisei updates --format json` prints (its own test is tests/test_cli_crawl.py), read in-process."""
    engine = create_db_engine(db_url)
    try:
        with Session(engine) as session:
            return update_records(session=session, updates=list_updates(session=session, sources=sources))
    finally:
        engine.dispose()


def test_crawl_recrawl_and_change(db_url, tmp_path):
    config = write_config(tmp_path / "kaisei.toml")
    with serve() as base:
        site = base.site
        sources = tmp_path / "sources.toml"
        sources.write_text(sources_toml(base), encoding="utf-8")
        argv = ["crawl", "--db", db_url, "--config", str(config), "--sources", str(sources)]

        # 1. First crawl: every built-in source, stored and tagged.
        first = kaisei(*argv)
        assert first.returncode == 0, first.stdout + first.stderr
        rows = _summary(first.stdout)
        assert set(rows) == set(NAMES)
        assert all(cells[0] == "ok" and int(cells[2]) > 0 for cells in rows.values()), first.stdout
        stored = _updates(db_url)
        assert len(stored) == sum(int(cells[2]) for cells in rows.values())
        assert len({u["url"] for u in stored}) == len(stored)
        for record in stored:
            assert {"id", "source", "title", "url", "published_at", "effective_on", "deadline_on", "departments",
                    "topics", "revision"} <= set(record)
            assert record["title"] and record["url"].startswith(("http://", "https://"))
            assert record["published_at"] is None or record["published_at"].endswith("+09:00")
        assert sum(1 for u in stored if u["departments"]) > len(stored) // 4, "the crawl did not tag"
        assert any(u["deadline_on"] for u in stored if u["source"] == "egov-pubcom")
        assert not any(r.headers.get("If-None-Match") for r in site.requests)

        # 2. Re-crawl with nothing changed: one conditional request per source, answered 304, nothing added.
        site.requests.clear()
        again = kaisei(*argv, "--no-tag")
        assert again.returncode == 0 and again.stderr == "", again.stderr
        rows = _summary(again.stdout)
        for spec in SINGLE_URL:
            assert rows[spec.name][:5] == ["not_modified", "0", "0", "0", "1"], (spec.name, rows[spec.name])
            (request,) = site.requests_for(sample_path(spec.url))
            assert request.headers.get("If-None-Match") and request.headers.get("If-Modified-Since")
            assert request.status == 304
            assert request.headers["User-Agent"].startswith("kaisei/")
        assert rows["egov-laws"][2:4] == ["0", "0"]
        assert len(_updates(db_url)) == len(stored)

        # 3. One announcement of the MoF feed is corrected: one update changed, its old title kept.
        mof = next(s for s in BUILTIN_SOURCES if s.name == "mof-news")
        old = next(u for u in stored if u["source"] == "mof-news")
        path = sample_path(mof.url)
        body = site.files[path].body
        assert old["title"].encode() in body
        site.put(path, body.replace(old["title"].encode(), (old["title"] + "（訂正）").encode(), 1))
        changed = kaisei(*argv, "--only", "mof-news")
        assert changed.returncode == 0, changed.stderr
        assert _summary(changed.stdout)["mof-news"][:4] == ["ok", str(len([u for u in stored if u["source"] == "mof-news"])), "0", "1"]

    now = {u["id"]: u for u in _updates(db_url, "mof-news")}
    assert now[old["id"]]["title"] == old["title"] + "（訂正）" and now[old["id"]]["revision"] == 2
    assert len(_updates(db_url)) == len(stored)
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        (revision,) = session.exec(select(UpdateRevision)).all()
        assert revision.update_id == old["id"] and revision.title == old["title"] and revision.revision == 1
        runs = session.exec(select(CrawlRun).join(Source).where(Source.name == "mof-news")
                            .order_by(CrawlRun.id)).all()
        assert [(r.status, r.changed) for r in runs] == [("ok", 0), ("not_modified", 0), ("ok", 1)]
    engine.dispose()
