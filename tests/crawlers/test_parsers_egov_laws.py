"""e-Gov 法令API v1 updatelawlists: one item per amendment, dated and with its 施行日."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawlers.parsers import ParseError, parse
from crawlers.registry import BUILTIN_SOURCES, get_source

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"
JST = dt.timezone(dt.timedelta(hours=9))
SPEC = get_source(BUILTIN_SOURCES, "egov-laws")
URL = "https://laws.e-gov.go.jp/api/1/updatelawlists/20260501"


def _items():
    return parse(SPEC, (FIXTURES / "egov_laws_20260501.xml").read_bytes(), url=URL)


def test_each_amendment_is_one_item_with_title_and_dates():
    first, second, third = _items()
    assert first.title == "厚生年金保険法（社会保障制度の一部を改正する法律）"
    assert first.effective_on == dt.date(2027, 10, 1)
    assert first.published_at == dt.datetime(2026, 5, 1, tzinfo=JST)  # the list's day
    assert first.categories == ["法律"]
    assert "法令番号：昭和二十九年法律第百十五号" in first.summary
    assert "公布日：2026-04-20" in first.summary
    assert "施行日：2027-10-01" in first.summary
    assert second.effective_on == dt.date(2026, 5, 1)
    # Two amendments of one law are two updates, both on the law's e-Gov page.
    assert first.url.startswith("https://laws.e-gov.go.jp/law/329AC0000000115?amend=")
    assert second.url.startswith("https://laws.e-gov.go.jp/law/329AC0000000115?amend=")
    assert first.url != second.url
    # A new law (no AmendName, no LawId): titled by its name, found by its 法令番号.
    assert third.title == "特定の事業者の報告に関する内閣府令"
    assert third.url.startswith("https://laws.e-gov.go.jp/api/1/lawdata/")
    assert "?" not in third.url


def test_urls_are_stable_across_parses():
    assert [i.url for i in _items()] == [i.url for i in _items()]


def test_api_error_code_is_a_parse_error_with_its_message():
    with pytest.raises(ParseError, match="law API error 1: 指定された日付の形式が正しくありません。"):
        parse(SPEC, (FIXTURES / "egov_laws_error.xml").read_bytes(), url=URL)


@pytest.mark.parametrize("fixture", ["not_a_feed.html", "garbage.bin", "fsa_rss2_jst.xml"])
def test_not_the_law_api(fixture):
    with pytest.raises(ParseError):
        parse(SPEC, (FIXTURES / fixture).read_bytes(), url=URL)


def test_day_without_laws_is_empty():
    body = b"<DataRoot><Result><Code>0</Code></Result><ApplData><Date>20260502</Date></ApplData></DataRoot>"
    assert parse(SPEC, body, url=URL) == []


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
            "<DataRoot><Result><Code>0</Code></Result><ApplData><LawNameListInfo><LawName>&x;</LawName>"
            "<LawNo>令和八年法律第一号</LawNo></LawNameListInfo></ApplData></DataRoot>").encode()
    items = parse(SPEC, body, url=URL)
    assert all("SECRET" not in i.title for i in items)
