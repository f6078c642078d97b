"""The update store: sources, updates with their revisions, and the bookkeeping of each crawl.

One canonical URL is one ``Update``. A re-crawl that reads the same title and summary writes nothing; a changed one
keeps the prior version in ``UpdateRevision`` and bumps ``revision``. The crawl calls :func:`store_source_batch`
once per source so that each source's results land in one transaction: an interrupted crawl leaves every update
either fully written or not written at all.

Items are duck-typed ``crawlers.items.UpdateItem`` objects (``tracker`` never imports ``crawlers`` at module level).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.dates import JST
from tracker.errors import NotFoundError
from tracker.i18n import ja_quote
from tracker.models import CrawlRun, Source, Update, UpdateRevision, utcnow

log = logging.getLogger(__name__)

# Source.settings key holding the HTTP validators of a source's extra URLs (the first URL uses the columns).
VALIDATORS_KEY = "http_validators"
# Source.settings key holding the robots.txt of the source's host as last fetched (see cached_robots).
ROBOTS_KEY = "robots_txt"
# A run still ``running`` when the next crawl of its source begins: that crawl was killed.
# How a run the crawl did not finish is recorded: stopped by a signal, or killed (closed by the next crawl).
INTERRUPTED = "interrupted: the crawl was stopped before this source finished"
STALE_RUN_MESSAGE = f"{INTERRUPTED} (killed; closed by the next crawl)"
# How long a fetched robots.txt is obeyed without asking again: RFC 9309 (2.4) says no longer than 24 hours.
ROBOTS_TTL = dt.timedelta(hours=24)
_SPEC_COLUMNS = ("name", "title", "kind", "url", "language")
_CHUNK = 500


@dataclass(frozen=True)
class Validators:
    """What a server said about a URL last time, sent back as If-None-Match / If-Modified-Since."""

    etag: Optional[str] = None
    last_modified: Optional[str] = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass
class UpsertResult:
    """What :func:`upsert_items` did: counts, and the ids of the updates that need (re)tagging."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    elsewhere: int = 0  # URLs another source stored first: that source's updates, left as they are
    new_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)

    @property
    def touched_ids(self) -> list[int]:
        return self.new_ids + self.changed_ids


# --- sources -------------------------------------------------------------------------------------------------


def _spec_settings(spec: Any) -> dict[str, Any]:
    """The fields of a source spec that have no column of their own, as JSON-ready values."""
    import dataclasses

    if dataclasses.is_dataclass(spec):
        raw = dataclasses.asdict(spec)
    elif hasattr(spec, "model_dump"):
        raw = spec.model_dump()
    else:
        raw = dict(vars(spec))
    return {k: _jsonable(v) for k, v in raw.items() if k not in _SPEC_COLUMNS and not k.startswith("_")}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _source_fields(spec: Any, row: Any = None) -> dict[str, Any]:
    """The column values the ``Source`` row of ``spec`` should have, given its current ``row`` (None: a new one).

    Validators and the cached robots.txt are kept; when the URL changes, the validators no longer apply and are
    dropped (the robots.txt is kept per host and used only while the URL is on that host: ``cached_robots``).
    """
    settings = _spec_settings(spec)
    fields: dict[str, Any] = {"title": getattr(spec, "title", "") or "", "kind": spec.kind, "url": spec.url,
                              "language": getattr(spec, "language", "ja") or "ja"}
    if row is not None:
        kept = row.settings or {}
        if row.url != spec.url:
            fields["etag"] = fields["last_modified"] = None
        elif kept.get(VALIDATORS_KEY):
            settings[VALIDATORS_KEY] = kept[VALIDATORS_KEY]
        if kept.get(ROBOTS_KEY):
            settings[ROBOTS_KEY] = kept[ROBOTS_KEY]
    fields["settings"] = settings
    return fields


def sync_sources(*, session: Session, specs: Iterable[Any]) -> dict[str, Source]:
    """Insert or refresh the ``Source`` row of each spec (title, kind, url, language, settings); name → row.

    Validators and last-crawl fields are kept. When a source's URL changes, its validators no longer apply and
    are dropped. Sources no longer configured keep their rows: their updates stay.
    """
    specs = list(specs)
    names = [s.name for s in specs]
    existing = {s.name: s for s in session.exec(select(Source).where(Source.name.in_(names))).all()} if names else {}
    rows: dict[str, Source] = {}
    for spec in specs:
        row = existing.get(spec.name)
        fields = _source_fields(spec, row)
        if row is None:
            row = Source(name=spec.name)
        for key, value in fields.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        session.add(row)
        rows[spec.name] = row
    session.flush()
    return rows


@dataclass
class CrawlSource:
    """A source as a crawl needs it: its row's id, URL, validators and settings, and the run opened for it."""

    name: str
    id: int
    url: str
    etag: Optional[str]
    last_modified: Optional[str]
    settings: dict[str, Any]
    run_id: int


def prepare_crawl(*, session: Session, specs: Iterable[Any],
                  started_at: Optional[dt.datetime] = None) -> dict[str, CrawlSource]:
    """Sync the ``Source`` row of each spec (as :func:`sync_sources` does) and open a ``running`` CrawlRun for
    each, closing first the runs a killed crawl left ``running`` (as :func:`begin_crawl_runs` does); name → what
    the crawl needs of it.

    Core statements, a handful whatever the number of sources: a re-crawl of unchanged sources reads them once,
    writes no source and inserts the runs in one statement, so its time goes to asking the servers.
    """
    specs = list({spec.name: spec for spec in specs}.values())  # a name given twice is one source (the last wins)
    if not specs:
        return {}
    table = Source.__table__
    columns = (table.c.id, table.c.name, table.c.url, table.c.title, table.c.kind, table.c.language,
               table.c.settings, table.c.etag, table.c.last_modified)
    names = [spec.name for spec in specs]

    def load() -> dict[str, Any]:
        return {row.name: row for row in session.execute(sa.select(*columns).where(table.c.name.in_(names)))}

    rows = load()
    inserts: list[dict[str, Any]] = []
    changed = False
    for spec in specs:
        row = rows.get(spec.name)
        fields = _source_fields(spec, row)
        if row is None:
            inserts.append({"name": spec.name, **fields})
        else:
            differ = {key: value for key, value in fields.items() if getattr(row, key) != value}
            if differ:
                session.execute(sa.update(table).where(table.c.id == row.id).values(**differ))
                changed = True
    if inserts:
        session.execute(sa.insert(table), inserts)
    if inserts or changed:
        rows = load()
    run_ids = _open_runs(session=session, source_ids=[rows[name].id for name in names], started_at=started_at)
    return {name: CrawlSource(name=name, id=row.id, url=row.url, etag=row.etag, last_modified=row.last_modified,
                              settings=dict(row.settings or {}), run_id=run_ids[row.id])
            for name, row in ((name, rows[name]) for name in names)}


def get_source(*, session: Session, name: str) -> Source:
    source = session.exec(select(Source).where(Source.name == name)).first()
    if source is None:
        raise NotFoundError(f"unknown source {name!r}", ja=f"情報源{ja_quote(name)}はありません")
    return source


def source_validators(source: "Source | CrawlSource") -> dict[str, Validators]:
    """URL → the validators stored for it (the source's own URL from the columns, extra URLs from settings)."""
    result: dict[str, Validators] = {}
    if source.etag or source.last_modified:
        result[source.url] = Validators(source.etag, source.last_modified)
    for url, pair in ((source.settings or {}).get(VALIDATORS_KEY) or {}).items():
        if isinstance(pair, dict) and (pair.get("etag") or pair.get("last_modified")):
            result[url] = Validators(pair.get("etag"), pair.get("last_modified"))
    return result


def cached_robots(sources: "Iterable[Source | CrawlSource]", *, now: Optional[dt.datetime] = None) -> dict[str, bytes]:
    """netloc → the robots.txt body fetched for it less than ``ROBOTS_TTL`` ago (from any of ``sources``)."""
    from urllib.parse import urlsplit

    now = now or utcnow()
    result: dict[str, bytes] = {}
    for source in sources:
        entry = (source.settings or {}).get(ROBOTS_KEY)
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
            continue
        try:
            fetched = dt.datetime.fromisoformat(entry["fetched_at"])
        except (KeyError, TypeError, ValueError):
            continue
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=dt.timezone.utc)
        netloc = entry.get("netloc")
        if netloc != urlsplit(source.url).netloc or not dt.timedelta(0) <= now - fetched < ROBOTS_TTL:
            continue
        result[netloc] = entry["body"].encode("utf-8")
    return result


def set_robots(*, source: Source, netloc: str, body: bytes, fetched_at: dt.datetime) -> None:
    """Remember the robots.txt just fetched for the host of ``source``."""
    settings = dict(source.settings or {})
    settings[ROBOTS_KEY] = {"netloc": netloc, "fetched_at": fetched_at.isoformat(),
                            "body": body.decode("utf-8", "replace")}
    source.settings = settings  # a new dict, so the JSON column is seen as changed


def set_validators(*, source: Source, validators: dict[str, Validators]) -> None:
    """Remember the validators of the URLs that answered 200 (those not given keep their old values)."""
    if not validators:
        return
    extra = dict((source.settings or {}).get(VALIDATORS_KEY) or {})
    for url, pair in validators.items():
        if url == source.url:
            source.etag, source.last_modified = pair.etag, pair.last_modified
        elif pair:
            extra[url] = {"etag": pair.etag, "last_modified": pair.last_modified}
        else:
            extra.pop(url, None)
    settings = dict(source.settings or {})
    if extra:
        settings[VALIDATORS_KEY] = extra
    else:
        settings.pop(VALIDATORS_KEY, None)
    source.settings = settings  # a new dict, so the JSON column is seen as changed


# --- updates -------------------------------------------------------------------------------------------------


def item_hash(item: Any) -> str:
    """The content hash of an item (the crawler's definition: title, summary and stated dates)."""
    from crawlers.normalize import content_hash

    return content_hash(item)


def upsert_items(*, session: Session, source: Source, items: Sequence[Any], now: Optional[dt.datetime] = None,
                 hashes: Optional[dict[str, str]] = None) -> UpsertResult:
    """Store ``items`` of ``source``: new URLs inserted, changed ones revised, identical ones left alone.

    Items must already carry canonical URLs (the crawl's pipelines see to it); a URL given twice counts once, the
    first wins. One URL is one update, and it belongs to the source that stored it first: another source listing
    the same URL (a feed and a list page of one ministry, say) never revises it, or the two would take turns
    rewriting its title at every crawl. ``hashes`` (URL → content hash) may carry hashes computed with the parse.
    Nothing is committed here: the caller's transaction makes one source's batch all-or-nothing.
    """
    now = now or utcnow()
    result = UpsertResult()
    by_url: dict[str, Any] = {}
    for item in items:
        by_url.setdefault(item.url, item)
    urls = list(by_url)
    table = Update.__table__
    existing: dict[str, Any] = {}
    for start in range(0, len(urls), _CHUNK):
        chunk = urls[start:start + _CHUNK]
        rows = session.execute(
            sa.select(table.c.id, table.c.url, table.c.source_id, table.c.content_hash, table.c.revision,
                      table.c.title, table.c.summary, table.c.fetched_at, table.c.changed_at)
            .where(table.c.url.in_(chunk))
        ).all()
        existing.update({row.url: row for row in rows})

    inserts: list[dict[str, Any]] = []
    for url, item in by_url.items():
        digest = (hashes or {}).get(url) or item_hash(item)
        row = existing.get(url)
        if row is None:
            inserts.append(_new_update_values(source, item, digest, now))
        elif row.source_id != source.id:
            result.elsewhere += 1
        elif row.content_hash == digest:
            result.unchanged += 1
        else:
            _revise(session=session, row=row, item=item, digest=digest, now=now)
            result.changed += 1
            result.changed_ids.append(row.id)
    if inserts:
        # Core, not the ORM: a first crawl inserts thousands of rows and needs no objects back, only the ids.
        ids = session.execute(sa.insert(table).returning(table.c.id, table.c.url), inserts).all()
        order = {url: i for i, url in enumerate(urls)}
        result.new_ids = [row.id for row in sorted(ids, key=lambda r: order[r.url])]
        result.new = len(inserts)
    return result


def _new_update_values(source: Source, item: Any, digest: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "source_id": source.id,
        "url": item.url,
        "title": item.title or "",
        "summary": item.summary or "",
        "body": "",
        "published_at": item.published_at,
        "fetched_at": now,
        "changed_at": None,
        "content_hash": digest,
        "revision": 1,
        "effective_on": item.effective_on,
        "deadline_on": item.deadline_on,
        "language": getattr(item, "language", None) or source.language or "ja",
    }


def _revise(*, session: Session, row: Any, item: Any, digest: str, now: dt.datetime) -> None:
    """Keep the current version as a revision, then overwrite the update with what was just read."""
    session.execute(sa.insert(UpdateRevision).values(
        update_id=row.id, revision=row.revision, title=row.title, summary=row.summary,
        content_hash=row.content_hash, fetched_at=row.changed_at or row.fetched_at, superseded_at=now,
    ))
    values: dict[str, Any] = {
        "title": item.title or "",
        "summary": item.summary or "",
        "content_hash": digest,
        "revision": row.revision + 1,
        "changed_at": now,
        "effective_on": item.effective_on,
        "deadline_on": item.deadline_on,
        # The text changed: its tags must be computed again.
        "tagged_at": None,
    }
    if item.published_at is not None:
        values["published_at"] = item.published_at
    session.execute(sa.update(Update).where(Update.id == row.id).values(**values))


# --- crawl runs ----------------------------------------------------------------------------------------------


def begin_crawl_run(*, session: Session, source: Source, started_at: Optional[dt.datetime] = None) -> CrawlRun:
    """A ``running`` CrawlRun for ``source``; runs of it left ``running`` by a killed crawl are closed first."""
    return begin_crawl_runs(session=session, sources=[source], started_at=started_at)[source.name]


def begin_crawl_runs(*, session: Session, sources: Sequence[Source],
                     started_at: Optional[dt.datetime] = None) -> dict[str, CrawlRun]:
    """name → a new ``running`` CrawlRun for each of ``sources`` (one query and one flush for all of them);
    runs left ``running`` by a killed crawl are closed first."""
    if not sources:
        return {}
    run_ids = _open_runs(session=session, source_ids=[source.id for source in sources], started_at=started_at)
    runs = {run.id: run for run in session.exec(select(CrawlRun).where(CrawlRun.id.in_(list(run_ids.values()))))}
    return {source.name: runs[run_ids[source.id]] for source in sources}


def _open_runs(*, session: Session, source_ids: Sequence[int],
               started_at: Optional[dt.datetime] = None) -> dict[int, int]:
    """source id → the id of a new ``running`` CrawlRun for it, in two statements whatever the number; the runs a
    killed crawl left ``running`` are closed first (as errors: interrupted), in the session's objects too."""
    now = utcnow()
    session.execute(
        sa.update(CrawlRun).where(CrawlRun.source_id.in_(source_ids), CrawlRun.status == "running")
        .values(status="error", message=STALE_RUN_MESSAGE, finished_at=sa.func.coalesce(CrawlRun.finished_at, now))
        .execution_options(synchronize_session="fetch"))
    table = CrawlRun.__table__
    opened = session.execute(
        sa.insert(table).returning(table.c.id, table.c.source_id),
        [{"source_id": source_id, "started_at": started_at or now, "status": "running"} for source_id in source_ids])
    return {row.source_id: row.id for row in opened}


def finish_crawl_run(*, session: Session, source: Source, run: CrawlRun, status: str, fetched: int = 0,
                     new: int = 0, changed: int = 0, unchanged: int = 0, errors: int = 0,
                     message: Optional[str] = None, validators: Optional[dict[str, Validators]] = None,
                     finished_at: Optional[dt.datetime] = None) -> CrawlRun:
    """Close ``run`` with its outcome and copy it onto the source's ``last_*`` fields."""
    run_values, source_values = _closed_run(status=status, finished_at=finished_at or utcnow(), message=message,
                                            fetched=fetched, new=new, changed=changed, unchanged=unchanged,
                                            errors=errors)
    for key, value in run_values.items():
        setattr(run, key, value)
    for key, value in source_values.items():
        setattr(source, key, value)
    set_validators(source=source, validators=validators or {})
    session.add(run)
    session.add(source)
    session.flush()
    return run


def _closed_run(*, status: str, finished_at: Any, message: Optional[str] = None, fetched: Any = 0, new: Any = 0,
                changed: Any = 0, unchanged: Any = 0, errors: Any = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """What closing a run writes: (the CrawlRun's columns, its Source's ``last_*`` columns)."""
    if status not in ("ok", "not_modified", "error"):
        raise ValueError(f"bad crawl status {status!r}")
    run = {"status": status, "finished_at": finished_at, "message": message, "fetched": fetched, "new": new,
           "changed": changed, "unchanged": unchanged, "errors": errors}
    source = {"last_crawled_at": finished_at, "last_status": status,
              "last_error": message if status == "error" else None}
    return run, source


def finish_quiet_runs(*, session: Session, runs: Sequence[tuple[str, int, int]],
                      finished_at: Optional[dt.datetime] = None) -> None:
    """Close at once the CrawlRuns of sources whose every answer was a 304: ``runs`` holds (source name, run id,
    number of 304s). The same as :func:`finish_crawl_run` with status ``not_modified`` for each, in two
    statements instead of two ORM flushes per source: a re-crawl of many unchanged sources spends its time
    asking, not bookkeeping. Raises ``NotFoundError`` (and writes nothing the caller's transaction keeps) when a
    source or run is missing.
    """
    if not runs:
        return
    run_values, source_values = _closed_run(status="not_modified", finished_at=finished_at or utcnow(),
                                            unchanged=sa.bindparam("not_modified"))
    connection = session.connection()
    source_table, run_table = Source.__table__, CrawlRun.__table__
    names = list(dict.fromkeys(name for name, _, _ in runs))
    done = connection.execute(
        sa.update(source_table).where(source_table.c.name.in_(names)).values(**source_values))
    if done.rowcount != len(names):
        missing = len(names) - done.rowcount
        raise NotFoundError(f"{missing} of {len(names)} sources not found",
                            ja=f"情報源 {len(names)} 件のうち {missing} 件が見つかりません")
    closed = connection.execute(
        sa.update(run_table).where(run_table.c.id == sa.bindparam("run_id")).values(**run_values),
        [{"run_id": run_id, "not_modified": count} for _, run_id, count in runs])
    if connection.dialect.supports_sane_multi_rowcount and closed.rowcount != len(runs):
        missing = len(runs) - closed.rowcount
        raise NotFoundError(f"{missing} of {len(runs)} crawl runs not found",
                            ja=f"取得の実行記録 {len(runs)} 件のうち {missing} 件が見つかりません")


@dataclass
class BatchOutcome:
    """One source's result of a crawl, as stored."""

    source: str
    status: str
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: int = 0
    message: Optional[str] = None
    touched_ids: list[int] = field(default_factory=list)


def store_source_batch(*, session: Session, source_name: str, items: Sequence[Any], responses: int,
                       not_modified: int, errors: Sequence[str], validators: dict[str, Validators],
                       run_id: Optional[int] = None, started_at: Optional[dt.datetime] = None,
                       hashes: Optional[dict[str, str]] = None,
                       robots: Optional[tuple[str, bytes, dt.datetime]] = None,
                       source: Optional[Source] = None, also_listed: int = 0) -> BatchOutcome:
    """Everything one source brought: its items upserted, its CrawlRun closed, its validators kept.

    ``responses`` counts the answers received (200 or 304), ``not_modified`` the 304s among them and ``errors``
    the reasons of failed requests or unreadable bodies. ``robots`` (netloc, body, fetched_at): the robots.txt
    this crawl fetched for the source's host, kept for the next crawls (:func:`cached_robots`). Call it inside
    one transaction. ``source``: the row of ``source_name`` when the caller loaded it already (saves a query).
    ``also_listed``: items the source listed that another source of the same crawl listed first (dropped before
    they got here, but read all the same: they count as fetched).
    """
    if source is None or source.name != source_name:
        source = get_source(session=session, name=source_name)
    if robots is not None:
        set_robots(source=source, netloc=robots[0], body=robots[1], fetched_at=robots[2])
    run = session.get(CrawlRun, run_id) if run_id else None
    if run is None:
        run = begin_crawl_run(session=session, source=source, started_at=started_at)
    result = upsert_items(session=session, source=source, items=items, hashes=hashes)
    if errors:
        status = "error"
    elif responses and not_modified == responses:
        status = "not_modified"
    else:
        status = "ok"
    message = "; ".join(dict.fromkeys(errors)) or None
    fetched = len(items) + also_listed
    if result.elsewhere or also_listed:
        log.debug("%s: %d of its items are another source's updates", source_name, result.elsewhere + also_listed)
    finish_crawl_run(session=session, source=source, run=run, status=status, fetched=fetched, new=result.new,
                     changed=result.changed, unchanged=not_modified, errors=len(errors), message=message,
                     validators=validators)
    return BatchOutcome(source=source_name, status=status, fetched=fetched, new=result.new,
                        changed=result.changed, unchanged=not_modified, errors=len(errors), message=message,
                        touched_ids=result.touched_ids)


# --- reading -------------------------------------------------------------------------------------------------


def list_updates(*, session: Session, sources: Sequence[str] = (), departments: Sequence[str] = (),
                 since: Optional[dt.date] = None, limit: Optional[int] = None, offset: int = 0) -> list[Update]:
    """Updates newest first (by published time, else fetch time), filtered by source names, departments in
    effect (manual tags win) and a first day (JST)."""
    from tracker.tags import has_label_clause

    query = select(Update)
    if sources:
        ids = session.exec(select(Source.id).where(Source.name.in_(list(sources)))).all()
        query = query.where(Update.source_id.in_(ids))
    if departments:
        query = query.where(has_label_clause(list(departments), kind="department"))
    if since is not None:
        start = dt.datetime.combine(since, dt.time(0), tzinfo=JST)
        query = query.where(sa.or_(Update.published_at >= start,
                                   sa.and_(Update.published_at.is_(None), Update.fetched_at >= start)))
    query = query.order_by(sa.func.coalesce(Update.published_at, Update.fetched_at).desc(), Update.id.desc())
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def _iso(value: Optional[dt.datetime], tz: dt.tzinfo) -> Optional[str]:
    return value.astimezone(tz).isoformat() if value else None


def update_records(*, session: Session, updates: Sequence[Update], tz: dt.tzinfo = JST) -> list[dict[str, Any]]:
    """The JSON form of updates (DESIGN.md's contract): times ISO 8601 with the offset of ``tz`` (JST),
    dates YYYY-MM-DD, departments and topics in effect (manual tags win)."""
    from tracker.tags import effective_labels

    ids = [u.id for u in updates]
    departments = effective_labels(session=session, update_ids=ids, kind="department")
    topics = effective_labels(session=session, update_ids=ids, kind="topic")
    source_ids = {u.source_id for u in updates}
    names = dict(session.exec(select(Source.id, Source.name).where(Source.id.in_(source_ids))).all()) \
        if source_ids else {}
    return [
        {
            "id": u.id,
            "source": names.get(u.source_id),
            "title": u.title,
            "url": u.url,
            "summary": u.summary,
            "published_at": _iso(u.published_at, tz),
            "fetched_at": _iso(u.fetched_at, tz),
            "changed_at": _iso(u.changed_at, tz),
            "effective_on": u.effective_on.isoformat() if u.effective_on else None,
            "deadline_on": u.deadline_on.isoformat() if u.deadline_on else None,
            "departments": departments.get(u.id, []),
            "topics": topics.get(u.id, []),
            "revision": u.revision,
            "language": u.language,
        }
        for u in updates
    ]


def update_revisions(*, session: Session, update_id: int) -> list[UpdateRevision]:
    """The prior versions of an update, oldest first."""
    return list(session.exec(select(UpdateRevision).where(UpdateRevision.update_id == update_id)
                             .order_by(UpdateRevision.revision)).all())


@dataclass
class SourceState:
    """A source's last crawl as stored, and how many updates it has."""

    name: str
    last_crawled_at: Optional[dt.datetime] = None
    last_status: Optional[str] = None
    last_error: Optional[str] = None
    updates: int = 0


def source_states(*, session: Session, names: Optional[Sequence[str]] = None) -> dict[str, SourceState]:
    """name → last crawl time/status/error and update count, for the sources in the database."""
    counts = sa.select(Update.source_id, sa.func.count(Update.id).label("n")).group_by(Update.source_id).subquery()
    query = (sa.select(Source.name, Source.last_crawled_at, Source.last_status, Source.last_error, counts.c.n)
             .outerjoin(counts, counts.c.source_id == Source.id))
    if names is not None:
        query = query.where(Source.name.in_(list(names)))
    return {
        row.name: SourceState(row.name, row.last_crawled_at, row.last_status, row.last_error, row.n or 0)
        for row in session.execute(query).all()
    }


def latest_runs(*, session: Session, source_names: Sequence[str]) -> dict[str, CrawlRun]:
    """name → the newest CrawlRun of each named source."""
    result: dict[str, CrawlRun] = {}
    for name in source_names:
        run = session.exec(select(CrawlRun).join(Source, Source.id == CrawlRun.source_id)
                           .where(Source.name == name).order_by(CrawlRun.id.desc()).limit(1)).first()
        if run is not None:
            result[name] = run
    return result
