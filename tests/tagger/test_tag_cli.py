"""``kaisei tag``, ``kaisei retag`` and ``kaisei tagger eval`` as a user runs them."""

import json
import subprocess
import sys

import pytest
from sqlmodel import Session, select

from tracker.db import create_db_engine
from tracker.models import Source, Tag, Update

KAISEI = [sys.executable, "-m", "tracker"]


def _run(args, stdin=None, env_extra=None):
    import os

    env = {**os.environ, "KAISEI_CONFIG": "", **(env_extra or {})}
    env.pop("KAISEI_CONFIG")
    return subprocess.run(KAISEI + args, input=stdin, capture_output=True, text=True, env=env, timeout=600)


def test_tag_streams_one_json_object_per_line():
    lines = ["令和7年分の年末調整のしかたを公表しました", "国税庁職員の採用について", "",
             "The National Living Wage increase comes into force on 1 April 2026"]
    proc = _run(["tag", "--format", "json"], stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["text"] for o in out] == lines
    assert set(out[0]["departments"]) == {"accounting", "hr"} and out[0]["reasons"]["accounting"]
    assert out[1]["departments"] == [] and out[1]["topics"] == []
    assert out[3]["effective_on"] == "2026-04-01"
    assert {"text", "departments", "topics", "effective_on", "deadline_on", "reasons"} <= set(out[0])


def test_tag_handles_ten_thousand_lines():
    base = ["インボイス制度に関するQ&Aを改訂しました", "第3回税制調査会の開催について", "HMRC publishes PAYE guidance",
            "意見募集期間：令和8年1月15日～令和8年2月13日", "令和8年4月1日から施行"]
    text = "\n".join(f"{base[i % len(base)]} ({i})" for i in range(10_000)) + "\n"
    proc = _run(["tag"], stdin=text)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 10_000
    assert json.loads(lines[9_999])["text"].endswith("(9999)")


def test_tag_tsv_and_bad_format():
    proc = _run(["tag", "--format", "tsv"], stdin="令和7年分の年末調整のしかたを公表しました\n")
    assert proc.returncode == 0 and proc.stdout.split("\t")[0] == "accounting,hr"
    bad = _run(["tag", "--format", "xml"], stdin="x\n")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_tagger_eval_prints_the_figures():
    proc = _run(["tagger", "eval", "--split", "test"])
    assert proc.returncode == 0, proc.stderr
    for needle in ("accounting", "micro F1", "macro F1", "relevance accuracy", "withholding_year_end"):
        assert needle in proc.stdout
    holdout = _run(["tagger", "eval", "--split", "holdout", "--format", "json"])
    summary = json.loads(holdout.stdout)
    assert summary["split"] == "holdout" and summary["n"] >= 140
    assert _run(["tagger", "eval", "--split", "nope"]).returncode == 2


def test_retag_command(db_url):
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        source = Source(name="mhlw", title="厚生労働省")
        session.add(source)
        session.flush()
        update = Update(source_id=source.id, url="https://example.org/r1", title="地域別最低賃金の改定について")
        session.add(update)
        session.flush()
        session.add(Tag(update_id=update.id, kind="department", label="legal", origin="manual"))
        session.commit()
        update_id = update.id
    proc = _run(["retag", "--db", db_url, "--since", "2000-01-01"])
    assert proc.returncode == 0, proc.stderr
    assert "re-tagged 1 update" in proc.stdout
    with Session(engine) as session:
        tags = session.exec(select(Tag).where(Tag.update_id == update_id)).all()
        assert ("legal", "manual") in {(t.label, t.origin) for t in tags}
        assert ("hr", "department") in {(t.label, t.kind) for t in tags if t.origin != "manual"}
    engine.dispose()
    assert _run(["retag", "--db", db_url, "--since", "yesterday-ish"]).returncode == 2


def test_help_does_not_load_spacy():
    code = ("import sys\nsys.argv=['kaisei','tag','--help']\nfrom tracker.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().endswith("False")


def test_tag_reads_cp932_and_broken_bytes():
    import os

    data = "年末調整のしかた\n".encode("utf-8") + "インボイス制度\n".encode("cp932") + b"\xff\xfe broken\n"
    env = {k: v for k, v in os.environ.items() if k != "KAISEI_CONFIG"}
    proc = subprocess.run(KAISEI + ["tag"], input=data, capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [o["text"] for o in out[:2]] == ["年末調整のしかた", "インボイス制度"]
    assert len(out) == 3 and "broken" in out[2]["text"]
