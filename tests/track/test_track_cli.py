"""The tracking commands through the real entry point (``tracker.cli.main``): output, JSON, exit codes."""

import csv
import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from tracker.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def kaisei(db_url, capsysbinary, monkeypatch):
    """kaisei(*args) → (exit code, stdout text, stderr text), in-process through ``main``."""
    monkeypatch.setenv("KAISEI_DATABASE_URL", db_url)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)

    def run(*args: str):
        capsysbinary.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        gc.collect()  # each run opens an engine; let its pool go
        out, err = capsysbinary.readouterr()
        return code, out.decode("utf-8"), err.decode("utf-8")

    return run


@pytest.fixture
def seeded(kaisei, session, make_update):
    import datetime as dt

    a = make_update("インボイス制度の改正", published=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc),
                    effective_on=dt.date(2099, 10, 1))
    b = make_update("育児・介護休業法の改正", departments=("hr",),
                    published=dt.datetime(2026, 1, 3, tzinfo=dt.timezone.utc), deadline_on=dt.date(2099, 2, 1))
    assert kaisei("people", "add", "taro", "--name", "山田 太郎", "--email", "taro@example.jp",
                  "--department", "accounting", "--department", "hr", "--lang", "ja")[0] == 0
    return a, b


def test_people_commands(kaisei):
    code, out, err = kaisei("people", "add", "hana", "--name", "佐藤 花子", "--email", "hana@example.jp",
                            "-d", "legal")
    assert (code, out, err) == (0, "added hana (Legal)\n", "")
    code, out, err = kaisei("people", "add", "hana", "--name", "x", "--email", "x@example.jp", "-d", "legal")
    assert (code, out, err) == (1, "", "kaisei: person 'hana' already exists\n")
    code, _, err = kaisei("people", "add", "ken", "--name", "x", "--email", "x@example.jp", "-d", "sales")
    assert code == 1 and err == ("kaisei: unknown department 'sales' "
                                 "(known: accounting, hr, legal, general_affairs, it)\n")
    code, _, err = kaisei("people", "edit", "nobody", "--name", "x")
    assert (code, err) == (1, "kaisei: unknown person 'nobody'\n")
    assert kaisei("people", "edit", "hana", "--add-department", "it", "--lang", "en")[0] == 0
    code, out, _ = kaisei("people", "list", "--format", "json")
    assert code == 0
    assert [(p["handle"], p["departments"], p["lang"], p["active"]) for p in json.loads(out)] == [
        ("hana", ["legal", "it"], "en", True)]
    code, out, _ = kaisei("--lang", "ja", "people", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["ハンドル", "氏名", "メール", "部署", "言語", "状態"]
    # CJK-wide cells are padded by display width: the email column starts at the same column on each line
    assert lines[0].index("メール") + 3 == lines[2].index("hana@") or "hana@example.jp" in lines[2]
    assert "法務, 情報システム" in lines[2]
    assert kaisei("people", "deactivate", "hana")[0] == 0
    assert json.loads(kaisei("people", "list", "--format", "json")[1]) == []
    assert json.loads(kaisei("people", "list", "--all", "--format", "json")[1])[0]["active"] is False
    assert kaisei("people", "reactivate", "hana")[0] == 0
    assert kaisei("people", "list", "--format", "yaml")[0] == 2  # usage error


def test_people_add_twice_named_department_and_empty_edit(kaisei):
    # Found in QA: a department given twice was echoed twice; `people edit` with nothing to change said "updated".
    code, out, _ = kaisei("people", "add", "ken", "--name", "Ken", "--email", "ken@example.jp", "-d", "hr", "-d", "hr")
    assert (code, out) == (0, "added ken (HR)\n")
    code, out, err = kaisei("people", "edit", "ken")
    assert code == 2 and out == "" and "nothing to change" in err


def test_status_commands(kaisei, seeded):
    a, b = seeded
    assert kaisei("status", "set", "taro", str(a.id), "studied") == (
        0, f"taro: update {a.id} unread -> studied\n", "")
    code, out, _ = kaisei("status", "set", "taro", str(a.id), "applied", "--note", "請求書テンプレートを更新")
    assert code == 0 and "studied -> applied" in out
    assert kaisei("status", "set", "taro", str(a.id), "applied")[1] == f"taro: update {a.id} is already applied\n"
    assert kaisei("status", "set", "ghost", str(a.id), "read")[1:] == ("", "kaisei: unknown person 'ghost'\n")
    assert kaisei("status", "set", "taro", "999999", "read")[2] == "kaisei: unknown update 999999\n"
    code, _, err = kaisei("status", "set", "taro", str(a.id), "done")
    assert code == 1 and "unknown state 'done'" in err

    code, out, _ = kaisei("status", "show", "taro", "--format", "json")
    rows = json.loads(out)
    assert [(r["update_id"], r["state"], r["note"]) for r in rows] == [
        (b.id, "unread", None), (a.id, "applied", "請求書テンプレートを更新")]
    assert rows[1]["at"].endswith("+09:00") and rows[1]["title"] == "インボイス制度の改正"
    assert rows[1]["url"] == a.url
    code, out, _ = kaisei("status", "show", "taro", "--state", "unread", "--format", "json")
    assert [r["update_id"] for r in json.loads(out)] == [b.id]
    code, out, _ = kaisei("--lang", "ja", "status", "show", "taro")
    assert out.splitlines()[0].split()[:2] == ["ID", "状態"] and "適用済" in out
    assert kaisei("status", "show", "ghost")[0] == 1

    code, out, _ = kaisei("status", "history", str(a.id), "--format", "json")
    assert [(r["from_state"], r["to_state"]) for r in json.loads(out)] == [("unread", "studied"),
                                                                           ("studied", "applied")]
    code, out, _ = kaisei("status", "history", str(a.id))
    assert "請求書テンプレートを更新" in out and out.splitlines()[0].split()[:3] == ["at", "handle", "name"]
    assert kaisei("status", "history", "999999")[2] == "kaisei: unknown update 999999\n"

    code, out, _ = kaisei("status", "team", "--format", "json")
    team = {(r["department"], r["handle"]): r for r in json.loads(out)}
    assert team[("accounting", "taro")]["applied"] == 1 and team[("hr", "taro")]["unread"] == 1
    # Found in QA: the table showed department keys even in Japanese; an unknown source looked like an empty queue.
    code, out, _ = kaisei("--lang", "ja", "status", "team")
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["経理", "人事"]
    assert kaisei("status", "team")[1].splitlines()[2].split()[0] == "Accounting"
    assert kaisei("status", "show", "taro", "--source", "no-such-source") == (
        1, "", "kaisei: unknown source 'no-such-source'\n")
    # Found in QA: a new note on the same state printed "applied -> applied".
    assert kaisei("status", "set", "taro", str(a.id), "applied", "--note", "稟議 #42")[1] == (
        f"taro: update {a.id} stays applied; note recorded\n")


def test_updates_tag(kaisei, seeded):
    a, _ = seeded
    code, out, err = kaisei("updates", "tag", str(a.id), "--add", "legal", "--remove", "accounting")
    assert (code, out, err) == (0, f"{a.id}: legal\n", "")
    assert kaisei("updates", "tag", str(a.id))[1] == f"{a.id}: legal\n"
    code, _, err = kaisei("updates", "tag", str(a.id), "--add", "sales")
    assert code == 1 and err.startswith("kaisei: unknown department 'sales'")
    assert kaisei("updates", "tag", "999999", "--add", "hr")[2] == "kaisei: unknown update 999999\n"
    # Found in QA: --by took any text; it names a person, so an unknown one is one line and nothing changes.
    assert kaisei("updates", "tag", str(a.id), "--add", "hr", "--by", "ghost") == (
        1, "", "kaisei: unknown person 'ghost'\n")
    assert kaisei("updates", "tag", str(a.id))[1] == f"{a.id}: legal\n"
    assert kaisei("updates", "tag", str(a.id), "--add", "it", "--by", "taro")[1] == f"{a.id}: it, legal\n"
    assert kaisei("updates", "tag", str(a.id), "--remove", "it", "--by", "taro")[0] == 0
    # taro (accounting, hr) no longer sees it: the manual removal won
    rows = json.loads(kaisei("status", "show", "taro", "--format", "json")[1])
    assert a.id not in [r["update_id"] for r in rows]


def test_export(kaisei, seeded, tmp_path):
    a, b = seeded
    kaisei("status", "set", "taro", str(a.id), "applied", "--note", "経理規程, 第3条")
    kaisei("status", "set", "taro", str(b.id), "read")
    code, out, _ = kaisei("export")
    assert code == 0 and "\r\n" in out
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["handle"], r["update_id"], r["to_state"], r["note"]) for r in rows] == [
        ("taro", str(a.id), "applied", "経理規程, 第3条"), ("taro", str(b.id), "read", "")]
    assert rows[0]["at"].endswith("+09:00")
    code, out, _ = kaisei("export", "--format", "json", "--department", "hr", "--since", "2000-01-01")
    assert len(json.loads(out)) == 2
    assert json.loads(kaisei("export", "--format", "json", "--since", "2999-01-01")[1]) == []
    assert kaisei("export", "--department", "sales")[0] == 1
    assert kaisei("export", "--since", "yesterday-ish")[0] == 2
    target = tmp_path / "audit.csv"
    assert kaisei("export", "--bom", "--output", str(target)) == (0, "", "")
    assert target.read_bytes().startswith(b"\xef\xbb\xbfat,handle,name")


def test_calendar(kaisei, seeded, tmp_path):
    a, b = seeded
    code, out, _ = kaisei("calendar", "--person", "taro", "--days", "36500")
    assert code == 0
    cal = icalendar.Calendar.from_ical(out)
    uids = sorted(str(e["UID"]) for e in cal.walk("VEVENT"))
    assert uids == sorted([f"update-{a.id}-effective@kaisei", f"update-{b.id}-deadline@kaisei"])
    assert kaisei("calendar", "--person", "taro")[1].count("BEGIN:VEVENT") == 0  # 2099 is beyond 90 days
    code, out, _ = kaisei("calendar", "--department", "hr")
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(out).walk("VEVENT")] == [
        f"update-{b.id}-deadline@kaisei"]
    assert kaisei("calendar", "--person", "ghost")[2] == "kaisei: unknown person 'ghost'\n"
    # Found in QA: --department was ignored beside --person.
    code, out, _ = kaisei("calendar", "--person", "taro", "--days", "36500", "--department", "hr")
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(out).walk("VEVENT")] == [
        f"update-{b.id}-deadline@kaisei"]
    assert kaisei("calendar", "--person", "taro", "--department", "sales")[0] == 1
    target = tmp_path / "kaisei.ics"
    assert kaisei("calendar", "-o", str(target))[0] == 0
    assert target.read_bytes().count(b"BEGIN:VEVENT\r\n") == 2


def test_real_entry_point(db_url, tmp_path):
    """The installed command: one line and exit 1 for an unknown person, help for every tracking command."""
    env = {**os.environ, "KAISEI_DATABASE_URL": db_url, "LANG": "C.UTF-8"}
    env.pop("LC_ALL", None)
    proc = subprocess.run([sys.executable, "-m", "tracker", "status", "show", "nobody"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", "kaisei: unknown person 'nobody'\n")
    proc = subprocess.run([sys.executable, "-m", "tracker", "people", "add", "--help"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--department" in proc.stdout
