"""Fixtures of the tracking tests: a small corpus of updates tagged to departments, and people."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tracker.models import Source, Tag, Update

UTC = dt.timezone.utc
_counter = itertools.count(1)


@pytest.fixture
def source(session):
    src = Source(name="nta", title="国税庁", kind="feed", url="https://www.nta.go.jp/")
    session.add(src)
    session.commit()
    return src


@pytest.fixture
def make_update(session, source):
    """make_update(title, departments=(...), published=datetime|None, effective_on=..., deadline_on=..., origin=...)"""

    def make(title: str = "改正のお知らせ", departments=("accounting",), *, published=None, effective_on=None,
             deadline_on=None, origin: str = "model", src=None) -> Update:
        n = next(_counter)
        update = Update(source_id=(src or source).id, url=f"https://www.nta.go.jp/news/{n}.htm", title=title,
                        published_at=published, effective_on=effective_on, deadline_on=deadline_on)
        session.add(update)
        session.flush()
        for label in departments:
            session.add(Tag(update_id=update.id, kind="department", label=label, origin=origin, score=0.9,
                            reason="test corpus"))
        session.commit()
        return update

    return make

