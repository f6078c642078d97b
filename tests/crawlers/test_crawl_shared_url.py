"""One URL is one update, owned by the source that stored it first: two sources listing the same page (a
ministry's feed and its list page, say) never take turns rewriting it, and each still counts what it read."""

from __future__ import annotations

from sqlmodel import Session, select

from test_crawl_support import Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source, Update


def _runs(engine, name: str) -> list[tuple[int, int, int]]:
    """(fetched, new, changed) of each run of ``name``, oldest first."""
    with Session(engine) as session:
        return [tuple(r) for r in session.exec(select(CrawlRun.fetched, CrawlRun.new, CrawlRun.changed).join(Source)
                                               .where(Source.name == name).order_by(CrawlRun.id)).all()]


def test_a_url_listed_by_two_sources_belongs_to_the_first(db_url, tmp_path):
    shared = "https://www.example.go.jp/news/shared.html"
    with serve() as srv:
        urls = {"s-a": srv.add("/a.xml", Page(rss([("Aの見出し", shared, "本文A"),
                                                    ("Aだけ", "https://www.example.go.jp/news/a.html", "")]))),
                "s-b": srv.add("/b.xml", Page(rss([("Bの見出し", shared, "本文B")])))}
        sources = write_sources(tmp_path / "sources.toml", [{"name": n, "url": u} for n, u in urls.items()])
        config = write_config(tmp_path / "kaisei.toml")

        def crawl(*names: str):
            only = [arg for name in names for arg in ("--only", name)]
            result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", *only))
            assert result.returncode == 0, result.stderr
            return result

        crawl("s-a")
        crawl("s-b")  # on its own: the update is s-a's already, in the database
        both = crawl("s-a", "s-b")  # together: s-a lists it first in this crawl (no ETags: both read again)
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        row = session.exec(select(Update).where(Update.url == shared)).one()
        owner = session.get(Source, row.source_id).name
        assert (owner, row.title, row.revision) == ("s-a", "Aの見出し", 1)
        assert session.exec(select(Update).where(Update.url.like("%example.go.jp%"))).all().__len__() == 2
    assert _runs(engine, "s-b") == [(1, 0, 0), (1, 0, 0)]  # read each time, stored and revised by s-a only
    assert _runs(engine, "s-a") == [(2, 2, 0), (2, 0, 0)]
    assert "Traceback" not in both.stderr
    engine.dispose()
