"""The contract of `kaisei updates`, `kaisei sources` and `kaisei crawl`'s argument checks: exit codes, one-line
errors, JSON fields, CSV, CJK tables and untrusted titles printed as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlmodel import Session, select

from crawlers.items import UpdateItem
from crawlers.registry import BUILTIN_SOURCES
from tracker.cli import main
from tracker.dates import JST
from tracker.db import create_db_engine
from tracker.models import Source, Tag
from tracker.store import finish_crawl_run, begin_crawl_run, sync_sources, upsert_items

FSA = next(s for s in BUILTIN_SOURCES if s.name == "fsa-news")
MOF = next(s for s in BUILTIN_SOURCES if s.name == "mof-news")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


@pytest.fixture
def seeded(db_url):
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        rows = sync_sources(session=session, specs=[FSA, MOF])
        fsa_ids = upsert_items(session=session, source=rows["fsa-news"], items=[
            UpdateItem(source="fsa-news", url="https://www.fsa.go.jp/news/r8/1.html",
                       title="「企業内容等の開示に関する内閣府令」の改正案を公表しました",
                       published_at=dt.datetime(2026, 5, 1, 17, 0, tzinfo=JST), effective_on=dt.date(2027, 4, 1)),
            UpdateItem(source="fsa-news", url="https://www.fsa.go.jp/news/r8/2.html", title="[bold red]markup[/] 注意",
                       published_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST)),
        ]).new_ids
        mof_ids = upsert_items(session=session, source=rows["mof-news"], items=[
            UpdateItem(source="mof-news", url="https://www.mof.go.jp/a.html", title="関税率の改正について",
                       published_at=dt.datetime(2026, 5, 2, 0, 30, tzinfo=JST), deadline_on=dt.date(2026, 6, 30)),
        ]).new_ids
        session.add(Tag(update_id=fsa_ids[0], kind="department", label="accounting", origin="model"))
        session.add(Tag(update_id=fsa_ids[0], kind="topic", label="disclosure", origin="model"))
        session.add(Tag(update_id=mof_ids[0], kind="department", label="accounting", origin="model"))
        session.add(Tag(update_id=mof_ids[0], kind="department", label="accounting", origin="manual", negated=True))
        run_row = begin_crawl_run(session=session, source=rows["fsa-news"])
        finish_crawl_run(session=session, source=rows["fsa-news"], run=run_row, status="error", errors=1,
                         message="HTTP 503 Service Unavailable from https://www.fsa.go.jp/x")
        session.commit()
    engine.dispose()
    return {"db": db_url, "fsa": fsa_ids, "mof": mof_ids}


def test_updates_json_contract(capsys, seeded):
    code, out, err = run(capsys, "updates", "--db", seeded["db"], "--format", "json")
    assert code == 0 and err == ""
    records = json.loads(out)
    assert [r["source"] for r in records] == ["mof-news", "fsa-news", "fsa-news"]  # newest first
    mof, fsa, _ = records
    for key in ("id", "source", "title", "url", "published_at", "effective_on", "deadline_on", "departments",
                "topics", "revision"):
        assert key in mof
    assert mof["published_at"] == "2026-05-02T00:30:00+09:00"
    assert mof["deadline_on"] == "2026-06-30" and mof["effective_on"] is None
    assert mof["departments"] == []  # removed by hand: manual tags win
    assert fsa["departments"] == ["accounting"] and fsa["topics"] == ["disclosure"]
    assert fsa["effective_on"] == "2027-04-01" and fsa["revision"] == 1


def test_updates_filters(capsys, seeded):
    db = seeded["db"]
    _, out, _ = run(capsys, "updates", "--db", db, "--format", "json", "--department", "accounting")
    assert [r["id"] for r in json.loads(out)] == seeded["fsa"][:1]
    _, out, _ = run(capsys, "updates", "--db", db, "--format", "json", "--source", "fsa-news", "--since", "2026-04-15")
    assert [r["id"] for r in json.loads(out)] == seeded["fsa"][:1]
    _, out, _ = run(capsys, "updates", "--db", db, "--format", "json", "--since", "令和8年5月2日")
    assert [r["source"] for r in json.loads(out)] == ["mof-news"]
    _, out, _ = run(capsys, "updates", "--db", db, "--format", "json", "--limit", "1")
    assert len(json.loads(out)) == 1


def test_updates_csv_and_table(capsys, seeded):
    _, out, _ = run(capsys, "updates", "--db", seeded["db"], "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["source"] == "mof-news" and rows[1]["departments"] == "accounting"
    assert rows[0]["published_at"] == "2026-05-02T00:30:00+09:00"
    code, out, _ = run(capsys, "updates", "--db", seeded["db"], "--lang", "en")
    assert code == 0
    assert "「企業内容等の開示に関する内閣府令」の改正案を公表しました" in out
    assert "[bold red]markup[/] 注意" in out  # web text is printed, never interpreted as markup
    assert "2026-05-02" in out and "published" in out
    code, out, _ = run(capsys, "updates", "--db", seeded["db"], "--lang", "ja", "--source", "mof-news")
    assert "件名" in out and "関税率の改正について" in out and "2026-06-30" in out


def test_updates_errors_are_one_line(capsys, seeded):
    code, out, err = run(capsys, "updates", "--db", seeded["db"], "--department", "sales")
    assert code == 1 and out == "" and err.count("\n") == 1 and "unknown department 'sales'" in err
    code, out, err = run(capsys, "updates", "--db", seeded["db"], "--source", "nope")
    assert code == 1 and err.count("\n") == 1 and "unknown source 'nope'" in err
    code, _, err = run(capsys, "updates", "--db", seeded["db"], "--since", "someday")
    assert code == 2 and "Traceback" not in err


def test_sources_json_and_table(capsys, seeded):
    code, out, err = run(capsys, "sources", "--db", seeded["db"], "--format", "json")
    assert code == 0 and err == ""
    records = {r["name"]: r for r in json.loads(out)}
    assert set(records) >= {s.name for s in BUILTIN_SOURCES}
    fsa = records["fsa-news"]
    assert fsa["kind"] == "feed" and fsa["url"] == FSA.url and fsa["updates"] == 2
    assert fsa["last_status"] == "error" and fsa["last_error"].startswith("HTTP 503")
    assert fsa["last_crawled_at"].endswith("+09:00")
    assert records["mof-news"]["updates"] == 1 and records["mof-news"]["last_status"] is None
    assert records["hmrc"]["updates"] == 0 and records["hmrc"]["last_crawled_at"] is None
    code, out, _ = run(capsys, "sources", "--db", seeded["db"], "--lang", "en")
    assert code == 0 and "金融庁 新着情報" in out and "HTTP 503" in out and "egov-laws" in out


def test_sources_file_adds_a_source(capsys, seeded, tmp_path):
    extra = tmp_path / "sources.toml"
    extra.write_text('[[sources]]\nname = "tokyo-roudou"\nkind = "feed"\nurl = "https://example.jp/rss"\n'
                     'title = "東京労働局"\n', encoding="utf-8")
    code, out, _ = run(capsys, "sources", "--db", seeded["db"], "--sources", str(extra), "--format", "json")
    assert code == 0 and any(r["name"] == "tokyo-roudou" and r["updates"] == 0 for r in json.loads(out))


def test_crawl_rejects_unknown_only_and_bad_sources_file(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'k.db'}"
    code, out, err = run(capsys, "crawl", "--db", db, "--only", "no-such-source")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("kaisei: unknown source 'no-such-source' (known: ")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nkind = "rss"\nurl = "https://example.jp/"\n', encoding="utf-8")
    code, _, err = run(capsys, "crawl", "--db", db, "--sources", str(bad))
    assert code == 1 and err.count("\n") == 1 and str(bad) in err and "kind" in err
