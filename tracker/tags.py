"""Tags: which departments and topics an update has, with manual tags winning over the model's and rules'.

A label is in effect on an update when a person added it (manual, not negated), or the model or a rule gave it
and no person removed it (manual, negated).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import Tag


def effective_labels(*, session: Session, update_ids: Iterable[int], kind: str = "department") -> dict[int, list[str]]:
    """update id → its labels of ``kind`` in effect, sorted; every id given is a key."""
    ids = list(update_ids)
    result: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return result
    given: dict[int, set[str]] = defaultdict(set)
    removed: dict[int, set[str]] = defaultdict(set)
    added: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.exec(select(Tag.update_id, Tag.label, Tag.origin, Tag.negated)
                            .where(Tag.kind == kind, Tag.update_id.in_(chunk))).all()
        for update_id, label, origin, negated in rows:
            if origin == "manual":
                (removed if negated else added)[update_id].add(label)
            else:
                given[update_id].add(label)
    for i in ids:
        result[i] = sorted((given[i] - removed[i]) | added[i])
    return result


def has_label_clause(labels: Iterable[str], *, kind: str = "department"):
    """A SQL condition on ``Update.id`` true when any of ``labels`` is in effect on the update (for list queries)."""
    from tracker.models import Update

    labels = list(labels)
    manual_removed = (
        select(Tag.id).where(Tag.update_id == Update.id, Tag.kind == kind, Tag.origin == "manual",
                             Tag.negated.is_(True), Tag.label == sa.literal_column("given.label"))
    )
    given = sa.orm.aliased(Tag, name="given")
    by_model = (
        select(given.id)
        .where(given.update_id == Update.id, given.kind == kind, given.label.in_(labels), given.origin != "manual")
        .where(~sa.exists(manual_removed))
    )
    by_hand = select(Tag.id).where(Tag.update_id == Update.id, Tag.kind == kind, Tag.origin == "manual",
                                   Tag.negated.is_(False), Tag.label.in_(labels))
    return sa.or_(sa.exists(by_model), sa.exists(by_hand))
