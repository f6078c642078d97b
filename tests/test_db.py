"""The store opens, migrates and round-trips timezone-aware times the same way on SQLite and PostgreSQL."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.db import create_db_engine, current_revision, head_revision
from tracker.models import Department, Source, Update

JST = dt.timezone(dt.timedelta(hours=9))


def test_migrated_to_head(engine):
    assert current_revision(engine) == head_revision()
    with Session(engine) as s:
        keys = [d.key for d in s.exec(select(Department).order_by(Department.position))]
    assert keys == ["accounting", "hr", "legal", "general_affairs", "it"]


def test_times_come_back_aware_utc(session):
    src = Source(name="t", title="t", kind="feed", url="http://x/")
    session.add(src)
    session.flush()
    published = dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST)
    session.add(Update(source_id=src.id, url="http://x/1", title="a", published_at=published))
    session.commit()
    session.expire_all()
    row = session.exec(select(Update)).one()
    assert row.published_at == published
    assert row.published_at.utcoffset() == dt.timedelta(0)
    # ordering and filtering by an aware bound work on both backends
    later = session.exec(select(Update).where(Update.published_at > dt.datetime(2026, 3, 31, 23, tzinfo=dt.timezone.utc))).all()
    assert [u.url for u in later] == ["http://x/1"]


def test_url_is_unique(session):
    src = Source(name="t", title="t", kind="feed", url="http://x/")
    session.add(src)
    session.flush()
    session.add(Update(source_id=src.id, url="http://x/1"))
    session.commit()
    session.add(Update(source_id=src.id, url="http://x/1"))
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
    else:  # pragma: no cover
        raise AssertionError("duplicate URL accepted")


def test_sqlite_pragmas(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_folder_that_cannot_be_made_is_one_domain_error(tmp_path):
    from tracker.db import create_db_engine
    from tracker.errors import DatabaseError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError) as excinfo:
        create_db_engine(f"sqlite:///{blocker}/sub/kaisei.db")
    assert str(excinfo.value).startswith(f"cannot create the database's folder {blocker}/sub")
    assert "を作れません" in excinfo.value.message("ja")
