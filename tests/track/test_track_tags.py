"""Manual tags: an add wins over the model, a removal hides a model/rule tag, both survive a re-tag."""

import pytest
from sqlmodel import select

from tracker.errors import KaiseiError, NotFoundError
from tracker.models import Tag, Update
from tracker.tags import effective_labels, has_label_clause, set_manual_tags, tag_in_effect, tags_with_reasons


def _in(session, *labels):
    return sorted(session.exec(select(Update.id).where(has_label_clause(labels))).all())


def test_removal_on_one_update_does_not_hide_the_label_on_others(session, make_update):
    a, b = make_update(departments=("accounting",)), make_update(departments=("accounting",))
    set_manual_tags(session=session, update_id=a.id, remove=["accounting"])
    session.commit()
    assert _in(session, "accounting") == [b.id]
    assert effective_labels(session=session, update_ids=[a.id, b.id]) == {a.id: [], b.id: ["accounting"]}


def test_add_remove_flip(session, make_update):
    u = make_update(departments=("hr", "legal"), origin="rule")
    labels = set_manual_tags(session=session, update_id=u.id, add=["accounting"], remove=["hr"], who="taro")
    session.commit()
    assert labels == ["accounting", "legal"]
    assert _in(session, "hr") == [] and _in(session, "accounting") == [u.id]
    # adding back a removed label flips the one manual row, it does not add a second
    assert set_manual_tags(session=session, update_id=u.id, add=["hr"]) == ["accounting", "hr", "legal"]
    assert set_manual_tags(session=session, update_id=u.id, remove=["accounting"]) == ["hr", "legal"]
    session.commit()
    manual = session.exec(select(Tag).where(Tag.update_id == u.id, Tag.origin == "manual")
                          .order_by(Tag.label)).all()
    assert [(t.label, t.negated, t.reason) for t in manual] == [("accounting", True, "removed by hand"),
                                                                 ("hr", False, "added by hand")]
    # idempotent
    assert set_manual_tags(session=session, update_id=u.id, remove=["accounting"]) == ["hr", "legal"]


def test_tags_with_reasons(session, make_update):
    u = make_update(departments=("hr",))
    set_manual_tags(session=session, update_id=u.id, add=["it"], remove=["hr"], who="sato")
    set_manual_tags(session=session, update_id=u.id, add=["マイナンバー"], kind="topic", who="sato")
    session.commit()
    tags = tags_with_reasons(session=session, update_id=u.id)
    got = [(t.kind, t.label, t.origin, t.negated, t.reason, tag_in_effect(t, tags)) for t in tags]
    assert got == [
        ("department", "hr", "manual", True, "removed by sato", False),
        ("department", "hr", "model", False, "test corpus", False),
        ("department", "it", "manual", False, "added by sato", True),
        ("topic", "マイナンバー", "manual", False, "added by sato", True),
    ]


def test_errors(session, make_update):
    u = make_update()
    with pytest.raises(NotFoundError, match="unknown update 4242"):
        set_manual_tags(session=session, update_id=4242, add=["hr"])
    with pytest.raises(NotFoundError, match=r"unknown department 'sales' \(known: accounting"):
        set_manual_tags(session=session, update_id=u.id, add=["sales"])
    with pytest.raises(KaiseiError, match="both added and removed"):
        set_manual_tags(session=session, update_id=u.id, add=["hr"], remove=["hr"])
    with pytest.raises(KaiseiError, match="unknown tag kind"):
        set_manual_tags(session=session, update_id=u.id, add=["hr"], kind="colour")
    with pytest.raises(KaiseiError, match="bad tag label"):
        set_manual_tags(session=session, update_id=u.id, add=[" "], kind="topic")


def test_manual_tags_survive_a_retag(session, make_update):
    from tracker.tagging import tag_updates

    u = make_update("所得税の源泉徴収と年末調整について", departments=("legal",))
    set_manual_tags(session=session, update_id=u.id, add=["it"], remove=["accounting"])
    session.commit()
    tag_updates(session=session, updates=[u])  # replaces model/rule rows with the tagger's own
    session.commit()
    rows = session.exec(select(Tag).where(Tag.update_id == u.id, Tag.kind == "department")).all()
    assert not any(t.origin == "model" and t.reason == "test corpus" for t in rows)  # the re-tag did run
    labels = effective_labels(session=session, update_ids=[u.id])[u.id]
    assert "it" in labels and "accounting" not in labels
