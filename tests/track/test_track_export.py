"""The audit export: every change from the append-only history, JST times with offset, CSV and JSON."""

import csv
import datetime as dt
import io
import json

import pytest

from tracker.errors import NotFoundError
from tracker.export import AUDIT_COLUMNS, audit_rows, to_csv, to_json
from tracker.people import add_person
from tracker.status import set_status

UTC = dt.timezone.utc


@pytest.fixture
def history(session, make_update):
    add_person(session=session, handle="taro", name="山田 太郎", email="t@example.jp", departments=["accounting"])
    add_person(session=session, handle="hana", name="佐藤 花子", email="h@example.jp", departments=["hr", "legal"])
    u = make_update("電子帳簿保存法の改正, 第2弾", departments=("accounting", "hr"))
    v = make_update("育児休業の改正", departments=("hr",))
    set_status(session=session, person="taro", update_id=u.id, state="read", at=dt.datetime(2026, 3, 31, 14, 59, tzinfo=UTC))
    set_status(session=session, person="taro", update_id=u.id, state="applied", note='規程改定 "第12条"\n稟議 #42',
               at=dt.datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
    set_status(session=session, person="hana", update_id=v.id, state="studied",
               at=dt.datetime(2026, 4, 2, 1, 0, tzinfo=UTC))
    session.commit()
    return u, v


def test_rows(session, history):
    u, v = history
    rows = audit_rows(session=session)
    assert [tuple(r) for r in rows] == [AUDIT_COLUMNS] * 3
    assert rows[1] == {
        "at": "2026-04-01T00:00:00+09:00", "handle": "taro", "name": "山田 太郎", "departments": ["accounting"],
        "update_id": u.id, "title": "電子帳簿保存法の改正, 第2弾", "url": u.url, "source": "nta",
        "from_state": "read", "to_state": "applied", "note": '規程改定 "第12条"\n稟議 #42',
    }
    assert rows[0]["at"] == "2026-03-31T23:59:00+09:00"
    # --since is a JST day: 2026-04-01 00:00 JST is 2026-03-31 15:00 UTC
    assert [r["to_state"] for r in audit_rows(session=session, since=dt.date(2026, 4, 1))] == ["applied", "studied"]
    assert [r["handle"] for r in audit_rows(session=session, department="legal")] == ["hana"]
    assert audit_rows(session=session, department="it") == []
    assert [r["to_state"] for r in audit_rows(session=session, update_id=v.id)] == ["studied"]
    with pytest.raises(NotFoundError):
        audit_rows(session=session, department="sales")


def test_csv_and_json(session, history):
    rows = audit_rows(session=session)
    text = to_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(parsed[0]) == list(AUDIT_COLUMNS)
    assert parsed[1]["note"] == '規程改定 "第12条"\n稟議 #42'
    assert parsed[1]["title"] == "電子帳簿保存法の改正, 第2弾"
    assert parsed[2]["departments"] == "hr;legal" and parsed[0]["note"] == ""
    assert to_csv(rows, bom=True).encode("utf-8").startswith(b"\xef\xbb\xbfat,handle")
    assert json.loads(to_json(rows)) == rows


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(1+1)"])
def test_text_a_spreadsheet_would_run_stays_text(session, make_update, text):
    """Titles come from the web and notes from people: opened in Excel, neither may become a formula."""
    add_person(session=session, handle="taro", name=text, email="t@example.jp", departments=["accounting"])
    u = make_update(text, departments=("accounting",))
    set_status(session=session, person="taro", update_id=u.id, state="read", note=text)
    session.commit()
    (row,) = csv.DictReader(io.StringIO(to_csv(audit_rows(session=session)), newline=""))
    assert row["title"] == row["note"] == row["name"] == "'" + text
    assert row["to_state"] == "read" and row["update_id"] == str(u.id)  # the rest as it was


def test_spreadsheet_cell():
    from tracker.export import spreadsheet_cell

    assert spreadsheet_cell("\t=1") == "'\t=1" and spreadsheet_cell("\r=1") == "'\r=1"
    assert spreadsheet_cell("年末調整 = 12月") == "年末調整 = 12月"  # only a cell's start counts
    assert spreadsheet_cell(-3) == -3 and spreadsheet_cell(None) is None  # numbers are numbers
