"""The law API answers 404 for a day without updates; 404 for every day asked means a wrong URL, not a quiet week."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from crawlers.parsers.dates import today_jst
from test_crawl_support import Page, crawl_argv, kaisei, serve, write_config
from tracker.db import create_db_engine
from tracker.models import CrawlRun, Source

LAW_DAY = b"""<?xml version="1.0" encoding="UTF-8"?><DataRoot><Result><Code>0</Code><Message/></Result>
<ApplData><Date>20260501</Date></ApplData></DataRoot>"""


def _sources(path, url: str) -> None:
    path.write_text(f'[[sources]]\nname = "laws-test"\nkind = "egov-laws"\nurl = "{url}"\ntitle = "laws"\n'
                    "[sources.settings]\ndays = 3\n", encoding="utf-8")


def test_every_day_404_is_a_failed_source(db_url, tmp_path):
    with serve() as srv:
        _sources(tmp_path / "sources.toml", f"{srv.base}/wrong/api/1/updatelawlists/")
        config = write_config(tmp_path / "kaisei.toml")
        result = kaisei(*crawl_argv(db_url, config, tmp_path / "sources.toml", "--no-tag", "--only", "laws-test"))
        assert len([s for s in srv.seen if s.path.startswith("/wrong/")]) == 3
    assert result.returncode == 1
    assert "laws-test" in result.stderr and "every day answered 404: wrong URL?" in result.stderr
    assert "Traceback" not in result.stderr
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        (run,) = session.exec(select(CrawlRun).join(Source).where(Source.name == "laws-test")).all()
        assert run.status == "error" and "every day answered 404" in run.message
    engine.dispose()


def test_some_days_404_is_fine(db_url, tmp_path):
    with serve() as srv:
        api = "/api/1/updatelawlists/"
        _sources(tmp_path / "sources.toml", f"{srv.base}{api}")
        config = write_config(tmp_path / "kaisei.toml")
        srv.add(f"{api}{today_jst():%Y%m%d}", Page(LAW_DAY, "application/xml"))
        srv.add(f"{api}{today_jst() - dt.timedelta(days=1):%Y%m%d}", Page(LAW_DAY, "application/xml"))
        result = kaisei(*crawl_argv(db_url, config, tmp_path / "sources.toml", "--no-tag", "--only", "laws-test"))
    assert result.returncode == 0, result.stderr
