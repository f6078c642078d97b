"""Manual tags win over the model's: the effective labels and the SQL filter agree."""

from sqlmodel import select

from tracker.models import Source, Tag, Update
from tracker.tags import effective_labels, has_label_clause


def _update(session, n):
    src = session.exec(select(Source)).first() or Source(name="s", title="s", kind="feed", url="http://s/")
    session.add(src)
    session.flush()
    u = Update(source_id=src.id, url=f"http://s/{n}", title=str(n))
    session.add(u)
    session.flush()
    return u


def test_manual_wins(session):
    a, b, c = (_update(session, n) for n in range(3))
    session.add_all([
        Tag(update_id=a.id, kind="department", label="hr", origin="model", score=0.9),
        Tag(update_id=a.id, kind="department", label="accounting", origin="rule"),
        Tag(update_id=a.id, kind="department", label="hr", origin="manual", negated=True),
        Tag(update_id=b.id, kind="department", label="legal", origin="manual"),
        Tag(update_id=c.id, kind="topic", label="privacy", origin="model"),
    ])
    session.commit()
    labels = effective_labels(session=session, update_ids=[a.id, b.id, c.id])
    assert labels == {a.id: ["accounting"], b.id: ["legal"], c.id: []}

    def ids(*wanted):
        return sorted(session.exec(select(Update.id).where(has_label_clause(wanted))).all())

    assert ids("hr") == []
    assert ids("accounting") == [a.id]
    assert ids("legal", "accounting") == sorted([a.id, b.id])
