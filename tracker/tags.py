"""Tags: which departments and topics an update has, with manual tags winning over the model's and rules'.

A label is in effect on an update when a person added it (manual, not negated), or the model or a rule gave it
and no person removed it (manual, negated).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import Tag

log = logging.getLogger(__name__)


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
    """A SQL condition on ``Update.id`` true when any of ``labels`` is in effect on the update (for list queries).

    One EXISTS over the update's own tags (the ``uq_tag`` index starts with ``update_id``), so a newest-first page
    checks a few rows and stops; a single EXISTS (not an OR of two) lets PostgreSQL plan it as a semi-join.
    """
    from tracker.models import Update

    query, given = _in_effect_tags(labels, kind=kind)
    return sa.exists(query.where(given.update_id == Update.id))


def _in_effect_tags(labels: Iterable[str], *, kind: str):
    """(SELECT given.update_id FROM tag AS given …, given): the tags of ``labels`` in effect on their update."""
    labels = list(labels)
    given = sa.orm.aliased(Tag, name="given")
    # ``removed`` is correlated on ``given`` (its enclosing query): SQLAlchemy only auto-correlates one level up,
    # and a reference to ``update`` here would let a removal on one update hide the label on every update.
    removed = sa.orm.aliased(Tag, name="removed")
    hidden = (select(removed.id).where(removed.update_id == given.update_id, removed.kind == kind,
                                       removed.origin == "manual", removed.negated.is_(True),
                                       removed.label == given.label))
    query = (select(given.update_id).where(given.kind == kind, given.label.in_(labels))
             .where(sa.or_(sa.and_(given.origin == "manual", given.negated.is_(False)),
                           sa.and_(given.origin != "manual", ~sa.exists(hidden)))))
    return query, given


def set_manual_tags(*, session: Session, update_id: int, add: Iterable[str] = (), remove: Iterable[str] = (),
                    kind: str = "department", who: Optional[str] = None) -> list[str]:
    """Add or remove labels by hand; returns the update's labels of ``kind`` in effect afterwards.

    A manual add is in effect whatever the model or rules say; a manual remove (a negated manual tag) hides the
    label whatever they say. There is one manual row per label, so adding back a removed label flips it. The
    tagger never touches manual rows, so they survive a re-tag. Department labels must be configured keys.
    """
    from tracker.departments import get_department
    from tracker.errors import KaiseiError, NotFoundError
    from tracker.i18n import ja_quote
    from tracker.models import TAG_KINDS, Update, utcnow

    if kind not in TAG_KINDS:
        raise KaiseiError(f"unknown tag kind {kind!r}: use one of {', '.join(TAG_KINDS)}",
                          ja=f"タグの種類{ja_quote(kind)}はありません（{', '.join(TAG_KINDS)} のいずれかを指定してください）")
    from tracker.status import begin_write

    # Serialize manual edits of one update (two people tagging it at once would both insert the same manual row):
    # SQLite takes the write lock now; PostgreSQL locks the update row.
    begin_write(session)
    if session.get(Update, update_id, with_for_update={"key_share": True}) is None:
        raise NotFoundError(f"unknown update {update_id}", ja=f"更新 {update_id} は見つかりません")
    add = [_clean_label(label) for label in add]
    remove = [_clean_label(label) for label in remove]
    both = sorted(set(add) & set(remove))
    if both:
        raise KaiseiError(f"{both[0]!r} is both added and removed",
                          ja=f"{ja_quote(both[0])}が追加と削除の両方に指定されています")
    if kind == "department":
        for label in add + remove:
            get_department(session=session, key=label)
    by = f" by {who}" if who else " by hand"
    existing = {t.label: t for t in session.exec(select(Tag).where(
        Tag.update_id == update_id, Tag.kind == kind, Tag.origin == "manual")).all()}
    for label, negated in [(label, False) for label in add] + [(label, True) for label in remove]:
        tag = existing.get(label)
        if tag is not None and tag.negated == negated:
            continue
        if tag is None:
            tag = existing[label] = Tag(update_id=update_id, kind=kind, label=label, origin="manual", score=1.0)
        tag.negated = negated
        tag.reason = ("removed" if negated else "added") + by
        tag.created_at = utcnow()
        session.add(tag)
        log.info("update %s: %s %s %s%s", update_id, kind, label, "removed" if negated else "added", by)
    session.flush()
    return effective_labels(session=session, update_ids=[update_id], kind=kind)[update_id]


def _clean_label(label: str) -> str:
    from tracker.errors import KaiseiError
    from tracker.i18n import ja_quote

    label = (label or "").strip()
    if not label or len(label) > 50:
        raise KaiseiError(f"bad tag label {label!r}", ja=f"タグ{ja_quote(label)}は使えません（1〜50文字で指定してください）")
    return label


def tags_with_reasons(*, session: Session, update_id: int) -> list[Tag]:
    """Every tag of an update — model, rule and manual, removals included — by kind, label, then manual first.

    A tag is in effect when ``tag_in_effect`` says so; ``reason`` says why it was given.
    """
    order = sa.case((Tag.origin == "manual", 0), (Tag.origin == "rule", 1), else_=2)
    return list(session.exec(select(Tag).where(Tag.update_id == update_id)
                             .order_by(Tag.kind, Tag.label, order, Tag.id)).all())


def tag_in_effect(tag: Tag, tags: Iterable[Tag]) -> bool:
    """Whether ``tag`` counts, given all the tags of its update: manual rows win over model and rule rows."""
    if tag.origin == "manual":
        return not tag.negated
    return not any(t.origin == "manual" and t.negated and t.kind == tag.kind and t.label == tag.label for t in tags)


def labelled_update_ids(labels: Iterable[str], *, kind: str = "department", with_label: bool = False):
    """A SELECT of the ids of updates with any of ``labels`` in effect (same rule as ``has_label_clause``).

    Driven by the ``tag.label`` index, so counting a department's updates reads that department's tags only —
    use it as ``Update.id.in_(labelled_update_ids(...))`` for counts and summaries; ``has_label_clause`` is the
    better fit for a newest-first page, which stops after the page is full. ``with_label`` adds a second column,
    ``label`` (an update then appears once per label in effect, or more when two origins give the same label).
    """
    query, given = _in_effect_tags(labels, kind=kind)
    return query.add_columns(given.label.label("label")) if with_label else query
