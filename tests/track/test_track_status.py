"""Status: any step forward or back, notes, the append-only history, the queue and its counts, the team view."""

import datetime as dt

import pytest
from sqlmodel import select

from tracker.errors import KaiseiError, NotFoundError
from tracker.models import Status, StatusEvent
from tracker.people import add_person, deactivate_person
from tracker.status import (STATES, get_states, history, queue, queue_counts, set_status, step_back,
                            team_summary)
from tracker.tags import set_manual_tags

UTC = dt.timezone.utc


def jan(day, hour=0):
    return dt.datetime(2026, 1, day, hour, tzinfo=UTC)


@pytest.fixture
def taro(session):
    p = add_person(session=session, handle="taro", name="山田 太郎", email="taro@example.jp",
                   departments=["accounting"])
    session.commit()
    return p


def test_states_constant():
    assert STATES == ("unread", "read", "studied", "applied")


def test_forward_skip_back_and_history(session, taro, make_update):
    u = make_update()
    e1 = set_status(session=session, person=taro, update_id=u.id, state="applied", note="経理規程 第12条を改定",
                    at=jan(5, 1))
    session.commit()
    assert (e1.from_state, e1.to_state, e1.note) == ("unread", "applied", "経理規程 第12条を改定")
    row = session.get(Status, (taro.id, u.id))
    assert (row.state, row.note, row.at) == ("applied", "経理規程 第12条を改定", jan(5, 1))
    e2 = set_status(session=session, person="taro", update_id=u.id, state="read", at=jan(5, 2))
    session.commit()
    assert (e2.from_state, e2.to_state) == ("applied", "read")
    assert session.get(Status, (taro.id, u.id)).note is None  # a new state without a note starts blank
    e3 = step_back(session=session, person=taro, update_id=u.id, note="読み直し")
    session.commit()
    assert (e3.from_state, e3.to_state, e3.note) == ("read", "unread", "読み直し")
    assert session.get(Status, (taro.id, u.id)) is None  # unread is no row
    assert step_back(session=session, person=taro, update_id=u.id) is None
    events = history(session=session, update_id=u.id)
    assert [(e.from_state, e.to_state) for e in events] == [("unread", "applied"), ("applied", "read"),
                                                            ("read", "unread")]
    assert [e.id for e in history(session=session, person_id=taro.id)] == [e.id for e in events]


def test_step_back_walks_the_chain(session, taro, make_update):
    u = make_update()
    set_status(session=session, person=taro, update_id=u.id, state="applied")
    seen = []
    while (event := step_back(session=session, person=taro, update_id=u.id)) is not None:
        seen.append(event.to_state)
    session.commit()
    assert seen == ["studied", "read", "unread"]


def test_same_state_records_a_new_note_only(session, taro, make_update):
    u = make_update()
    set_status(session=session, person=taro, update_id=u.id, state="studied", note="研修資料を読んだ")
    assert set_status(session=session, person=taro, update_id=u.id, state="studied") is None
    assert set_status(session=session, person=taro, update_id=u.id, state="studied", note="研修資料を読んだ") is None
    again = set_status(session=session, person=taro, update_id=u.id, state="studied", note="  チーム会で共有  ")
    session.commit()
    assert (again.from_state, again.to_state, again.note) == ("studied", "studied", "チーム会で共有")
    assert session.get(Status, (taro.id, u.id)).note == "チーム会で共有"
    assert set_status(session=session, person=taro, update_id=u.id, state="unread") is not None
    assert set_status(session=session, person=taro, update_id=u.id, state="unread") is None
    session.commit()
    assert len(session.exec(select(StatusEvent)).all()) == 3


def test_errors(session, taro, make_update):
    u = make_update()
    with pytest.raises(NotFoundError, match="unknown update 9999"):
        set_status(session=session, person=taro, update_id=9999, state="read")
    with pytest.raises(NotFoundError, match="unknown person 'ghost'"):
        set_status(session=session, person="ghost", update_id=u.id, state="read")
    with pytest.raises(KaiseiError, match="unknown state 'done'"):
        set_status(session=session, person=taro, update_id=u.id, state="done")
    with pytest.raises(KaiseiError, match="time zone"):
        set_status(session=session, person=taro, update_id=u.id, state="read", at=dt.datetime(2026, 1, 1))
    with pytest.raises(NotFoundError):
        history(session=session, update_id=9999)
    session.rollback()
    assert session.exec(select(StatusEvent)).all() == []


def test_get_states(session, taro, make_update):
    a, b, c = make_update(), make_update(), make_update()
    set_status(session=session, person=taro, update_id=a.id, state="read")
    set_status(session=session, person=taro, update_id=c.id, state="applied", note="済")
    session.commit()
    states = get_states(session=session, person_id=taro.id, update_ids=[a.id, b.id, c.id])
    assert {k: v.state for k, v in states.items()} == {a.id: "read", c.id: "applied"}
    assert states[c.id].note == "済"


def test_queue_order_filters_and_pages(session, taro, make_update):
    from tracker.models import Source

    other = Source(name="mhlw", title="厚生労働省", url="https://www.mhlw.go.jp/")
    session.add(other)
    session.commit()
    old = make_update("インボイス制度の改正", published=jan(1))
    new = make_update("電子帳簿保存法の改正", published=jan(3))
    mid = make_update("源泉徴収の手引き", published=jan(2), src=other)
    undated = make_update("年末調整のお知らせ")
    make_update("育児休業の改正", departments=("hr",), published=jan(4))  # not taro's department
    removed = make_update("取り消された経理タグ", published=jan(5))
    set_manual_tags(session=session, update_id=removed.id, remove=["accounting"])
    added = make_update("手で付けた経理タグ", departments=("hr",), published=jan(6))
    set_manual_tags(session=session, update_id=added.id, add=["accounting"])
    set_status(session=session, person=taro, update_id=mid.id, state="studied", note="メモ")
    session.commit()

    rows = queue(session=session, person=taro)
    assert [r.update_id for r in rows] == [added.id, new.id, mid.id, old.id, undated.id]
    r = rows[2]
    assert (r.state, r.note, r.source, r.source_title, r.departments) == ("studied", "メモ", "mhlw", "厚生労働省",
                                                                          ["accounting"])
    assert rows[0].state == "unread" and rows[0].departments == ["accounting", "hr"]
    # pages join up, across the dated/undated boundary too
    pages = [queue(session=session, person=taro, offset=o, limit=2) for o in (0, 2, 4, 6)]
    assert [r.update_id for page in pages for r in page] == [r.update_id for r in rows]
    assert [r.update_id for r in queue(session=session, person=taro, offset=3, limit=10)] == [old.id, undated.id]
    assert [r.update_id for r in queue(session=session, person=taro, state="studied")] == [mid.id]
    assert [r.update_id for r in queue(session=session, person=taro, state="unread")] == [
        added.id, new.id, old.id, undated.id]
    assert [r.update_id for r in queue(session=session, person=taro, source="mhlw")] == [mid.id]
    assert [r.update_id for r in queue(session=session, person=taro, search="改正")] == [new.id, old.id]
    assert [r.update_id for r in queue(session=session, person=taro, search="100%")] == []
    assert queue(session=session, person=taro, department="hr") == []  # not taro's department
    with pytest.raises(NotFoundError):
        queue(session=session, person=taro, department="sales")
    with pytest.raises(KaiseiError):
        queue(session=session, person=taro, state="done")

    assert queue_counts(session=session, person=taro) == {"unread": 4, "read": 0, "studied": 1, "applied": 0}
    assert queue_counts(session=session, person="taro", source="mhlw") == {
        "unread": 0, "read": 0, "studied": 1, "applied": 0}
    assert queue_counts(session=session, person=taro, search="改正")["unread"] == 2


def test_team_summary(session, make_update):
    for handle, deps in (("aoki", ["accounting"]), ("baba", ["accounting", "hr"]), ("gone", ["accounting"])):
        add_person(session=session, handle=handle, name=handle, email=f"{handle}@example.jp", departments=deps)
    deactivate_person(session=session, handle="gone")
    today = dt.date(2026, 3, 1)
    past = make_update("過去の施行", effective_on=dt.date(2026, 2, 1))
    past2 = make_update("締切が過ぎた", deadline_on=dt.date(2026, 2, 20), effective_on=dt.date(2026, 6, 1))
    make_update("先の施行", effective_on=dt.date(2026, 4, 1))
    hr_only = make_update("人事の件", departments=("hr",), effective_on=dt.date(2026, 1, 1))
    set_status(session=session, person="aoki", update_id=past.id, state="applied")
    set_status(session=session, person="aoki", update_id=past2.id, state="read")
    set_status(session=session, person="baba", update_id=past2.id, state="studied")
    set_status(session=session, person="baba", update_id=hr_only.id, state="applied")
    session.commit()
    rows = team_summary(session=session, today=today)
    got = [(r.department, r.handle, r.total, r.unread, r.read, r.studied, r.applied, r.overdue) for r in rows]
    assert got == [
        ("accounting", "aoki", 3, 1, 1, 0, 1, 1),
        ("accounting", "baba", 3, 2, 0, 1, 0, 2),
        ("hr", "baba", 1, 0, 0, 0, 1, 0),
    ]
    assert [r.handle for r in team_summary(session=session, department="hr", today=today)] == ["baba"]
    with pytest.raises(NotFoundError):
        team_summary(session=session, department="sales")


def test_random_walk_matches_a_model(session, taro, make_update):
    """A few hundred random moves: the row, the history chain and queue_counts agree with a plain dict model."""
    import random

    rng = random.Random(4)
    updates = [make_update(f"改正 {i}", published=jan(1 + i)).id for i in range(4)]
    model = {u: "unread" for u in updates}
    expected_events = 0
    for step in range(150):
        u = rng.choice(updates)
        if rng.random() < 0.25:
            event = step_back(session=session, person=taro, update_id=u)
            target = STATES[max(0, STATES.index(model[u]) - 1)]
        else:
            target = rng.choice(STATES)
            note = rng.choice([None, None, f"note {step}"])
            event = set_status(session=session, person=taro, update_id=u, state=target, note=note)
            if target == model[u] and note is None:
                assert event is None
        if event is not None:
            assert (event.from_state, event.to_state) == (model[u], target)
            expected_events += 1
        model[u] = target
        if step % 10 == 0:
            session.commit()
    session.commit()
    states = get_states(session=session, person_id=taro.id, update_ids=updates)
    assert {u: states[u].state if u in states else "unread" for u in updates} == model
    counts = queue_counts(session=session, person=taro)
    assert counts == {s: sum(1 for v in model.values() if v == s) for s in STATES}
    assert {r.update_id: r.state for r in queue(session=session, person=taro)} == model
    assert len(history(session=session, person_id=taro.id)) == expected_events


def test_no_op_leaves_no_row_behind(session, taro, make_update):
    """Setting unread on an unread update changes nothing — not even a lock placeholder row (PostgreSQL)."""
    u = make_update()
    assert set_status(session=session, person=taro, update_id=u.id, state="unread") is None
    assert step_back(session=session, person=taro, update_id=u.id) is None
    session.commit()
    assert session.get(Status, (taro.id, u.id)) is None
    assert session.exec(select(Status)).all() == []
    assert queue_counts(session=session, person=taro)["unread"] == 1


def test_a_deactivated_person_cannot_change_a_status(session, make_update):
    # Found in QA: `kaisei status set` wrote history for a deactivated person.
    from tracker.people import reactivate_person

    add_person(session=session, handle="gone", name="gone", email="gone@example.jp", departments=["accounting"])
    update = make_update("インボイス制度")
    set_status(session=session, person="gone", update_id=update.id, state="read")
    deactivate_person(session=session, handle="gone")
    with pytest.raises(KaiseiError, match="'gone' is deactivated"):
        set_status(session=session, person="gone", update_id=update.id, state="applied")
    assert [e.to_state for e in history(session=session, update_id=update.id)] == ["read"]
    reactivate_person(session=session, handle="gone")
    assert set_status(session=session, person="gone", update_id=update.id, state="applied").to_state == "applied"
