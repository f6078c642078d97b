"""What each request of a crawl carries, and a source whose request cannot even be made.

A URL that reached the spider although Scrapy cannot ask for it (the sources file refuses such URLs now, but a
source can come from elsewhere: the database, a program calling ``run_crawl``) once ended Scrapy's start requests:
every source after it was never asked and its run stayed ``running``. It must cost that source only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlmodel import Session, select

from test_crawl_support import ROOT, Page, crawl_argv, kaisei, rss, serve, write_config, write_sources
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source, Update

CHILD = r"""
import json, sys
from crawlers.registry import SourceSpec
from crawlers.runner import run_crawl
from tracker.config import Settings
from tracker.db import create_db_engine

db_url, good_url = sys.argv[1], sys.argv[2]
specs = [SourceSpec(name="r-bad-port", title="bad", kind="feed", url="http://127.0.0.1:99999/feed.xml"),
         SourceSpec(name="r-good", title="good", kind="feed", url=good_url)]
settings = Settings(crawl={"download_delay": 0, "retries": 0, "timeout": 5})
report = run_crawl(engine=create_db_engine(db_url), specs=specs, settings=settings, tag=False)
print(json.dumps({"close_reason": report.close_reason, "interrupted": report.interrupted,
                  "outcomes": {o.source: [o.status, o.message, o.new] for o in report.outcomes}}))
"""


def test_a_source_whose_request_cannot_be_made_fails_alone(db_url):
    with serve() as srv:
        good = srv.add("/feed.xml", Page(rss([("届いたお知らせ", f"{srv.base}/n/1", "")])))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
        out = subprocess.run([sys.executable, "-c", CHILD, db_url, good], capture_output=True, text=True, env=env,
                             cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert not report["interrupted"] and report["close_reason"] == "finished"
    assert report["outcomes"]["r-good"][0] == "ok" and report["outcomes"]["r-good"][2] == 1
    status, message, _ = report["outcomes"]["r-bad-port"]
    assert status == "error" and "cannot ask for http://127.0.0.1:99999/feed.xml" in message
    assert "\n" not in message and "Traceback" not in out.stderr
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        runs = dict(session.exec(select(Source.name, CrawlRun.status).join(CrawlRun)
                                 .where(Source.name.in_(["r-bad-port", "r-good"]))).all())
        assert runs == {"r-bad-port": "error", "r-good": "ok"}  # none left "running"
        assert session.exec(select(Update.title)).all() == ["届いたお知らせ"]
    engine.dispose()


def test_each_source_is_asked_in_its_own_language(db_url, tmp_path):
    """Accept-Language follows the source's language (Scrapy would send English for every request)."""
    with serve() as srv:
        ja = srv.add("/ja.xml", Page(rss([("お知らせ", f"{srv.base}/n/1", "")])))
        en = srv.add("/en.xml", Page(rss([("Notice", f"{srv.base}/n/2", "")])))
        sources = tmp_path / "sources.toml"
        write_sources(sources, [{"name": "l-ja", "url": ja}, {"name": "l-en", "url": en}])
        sources.write_text(sources.read_text(encoding="utf-8").replace(
            'title = "l-en"', 'title = "l-en"\nlanguage = "en"'), encoding="utf-8")
        config = write_config(tmp_path / "kaisei.toml")
        result = kaisei(*crawl_argv(db_url, config, sources, "--no-tag", "--only", "l-ja", "--only", "l-en"))
        assert result.returncode == 0, result.stderr
        assert srv.requests_for("/ja.xml")[0].headers["Accept-Language"] == "ja,en;q=0.5"
        assert srv.requests_for("/en.xml")[0].headers["Accept-Language"] == "en,ja;q=0.5"
