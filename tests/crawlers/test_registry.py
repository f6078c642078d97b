"""The source registry: built-ins, merging kaisei.toml and a sources file, and one-line errors for bad files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from crawlers.registry import BUILTIN_SOURCES, SourceSpec, get_source, load_sources, start_urls
from tracker.config import load_settings
from tracker.errors import ConfigError, NotFoundError

REQUIRED = {
    "nta-news": ("html", "https://www.nta.go.jp/information/news/index.htm"),
    "nta-release": ("html", "https://www.nta.go.jp/information/release/index.htm"),
    "mof-news": ("feed", "https://www.mof.go.jp/news.rss"),
    "mhlw-news": ("feed", "https://www.mhlw.go.jp/stf/news.rdf"),
    "fsa-news": ("feed", "https://www.fsa.go.jp/fsaNewsListAll_rss2.xml"),
    "egov-pubcom": ("feed", "https://public-comment.e-gov.go.jp/rss/pcm_list.xml"),
    "egov-news": ("feed", "https://www.e-gov.go.jp/news/news.xml"),
    "egov-laws": ("egov-laws", "https://laws.e-gov.go.jp/api/1/updatelawlists/"),
    "ppc-news": ("html", "https://www.ppc.go.jp/information/"),
    "digital-news": ("feed", "https://www.digital.go.jp/rss/news.xml"),
    "meti-news": ("feed", "https://www.meti.go.jp/ml_index_release_atom.xml"),
    "moj-news": ("feed", "https://www.moj.go.jp/news.xml"),
    "chusho-news": ("feed", "https://www.chusho.meti.go.jp/rss/index.xml"),
    "asbj-news": ("html", "https://www.asb-j.jp/jp/information.html"),
    "hmrc": ("feed", "https://www.gov.uk/government/organisations/hm-revenue-customs.atom"),
}


def test_builtins_have_the_real_urls():
    found = {s.name: (s.kind, s.url) for s in BUILTIN_SOURCES}
    assert found == REQUIRED
    assert all(s.title and s.enabled for s in BUILTIN_SOURCES)
    assert get_source(BUILTIN_SOURCES, "hmrc").language == "en"
    assert get_source(BUILTIN_SOURCES, "egov-news").settings == {"date_only": True}
    assert all(s.select for s in BUILTIN_SOURCES if s.kind == "html")


def test_load_sources_without_anything_is_the_builtins():
    assert load_sources() == list(BUILTIN_SOURCES)


def _write(tmp_path: Path, text: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sources_file_adds_and_overrides_only_given_fields(tmp_path):
    path = _write(tmp_path, """
[[sources]]
name = "tokyo-roudou"
kind = "html"
url = "https://jsite.mhlw.go.jp/tokyo-roudoukyoku/"
title = "東京労働局 新着情報"
[sources.select]
item = "ul.news > li"
title = "a::text"
link = "a::attr(href)"
date = "span.date::text"

[[sources]]
name = "fsa-news"
url = "https://mirror.example.jp/fsa.xml"

[[sources]]
name = "nta-news"
[sources.select]
date = "th"

[[sources]]
name = "hmrc"
enabled = false
""")
    specs = load_sources(sources_file=path)
    by_name = {s.name: s for s in specs}
    assert "hmrc" not in by_name
    assert "hmrc" in {s.name for s in load_sources(sources_file=path, include_disabled=True)}
    tokyo = by_name["tokyo-roudou"]
    assert tokyo == SourceSpec(name="tokyo-roudou", title="東京労働局 新着情報", kind="html",
                               url="https://jsite.mhlw.go.jp/tokyo-roudoukyoku/", language="ja",
                               select={"item": "ul.news > li", "title": "a::text", "link": "a::attr(href)",
                                       "date": "span.date::text"})
    fsa = by_name["fsa-news"]
    assert fsa.url == "https://mirror.example.jp/fsa.xml"
    assert (fsa.title, fsa.kind) == ("金融庁 新着情報", "feed")  # untouched fields kept
    nta = by_name["nta-news"]
    assert nta.select["date"] == "th" and nta.select["item"] == "table.index_news tr"  # merged key by key
    assert [s.name for s in specs][-1] == "tokyo-roudou"  # new sources come after the built-ins


def test_kaisei_toml_sources_then_sources_file(tmp_path):
    sources = _write(tmp_path, '[[sources]]\nname = "mof-news"\ntitle = "from the sources file"\n')
    config = _write(tmp_path, f"""
sources_file = "{sources.name}"
[[sources]]
name = "mof-news"
url = "https://mof.example.jp/news.rss"
title = "from kaisei.toml"
[[sources]]
name = "extra"
kind = "feed"
url = "https://extra.example.jp/feed.xml"
""", name="kaisei.toml")
    settings = load_settings(config)
    specs = {s.name: s for s in load_sources(settings=settings)}
    assert specs["mof-news"].url == "https://mof.example.jp/news.rss"
    assert specs["mof-news"].title == "from the sources file"
    assert specs["extra"].title == "extra"  # a new source without a title is titled by its name
    # An explicit sources file replaces the one named in kaisei.toml.
    other = _write(tmp_path, '[[sources]]\nname = "mof-news"\ntitle = "explicit"\n', name="other.toml")
    assert {s.name: s for s in load_sources(settings=settings, sources_file=other)}["mof-news"].title == "explicit"


def test_a_bad_entry_in_kaisei_toml_names_that_file(tmp_path):
    config = _write(tmp_path, '[[sources]]\nname = "mof-news"\nkind = "rss"\n', name="kaisei.toml")
    with pytest.raises(ConfigError) as excinfo:
        load_sources(settings=load_settings(config))
    assert str(excinfo.value) == f"{config}: source 'mof-news': kind: 'rss' is not one of feed, html, egov-laws"


BAD = [
    ('[[sources]]\nname = "tokyo-roudou"\nkind = "html"\nurl = "https://x.jp/"\n',
     "source 'tokyo-roudou': select.item: missing (html sources need it)"),
    ('[[sources]]\nname = "t"\nkind = "html"\nurl = "https://x.jp/"\n[sources.select]\nitem = "li"\ntitle = "a"\n',
     "source 't': select.link: missing (html sources need it)"),
    ('[[sources]]\nname = "nta-news"\nurl = "https://x.jp/"\ncolour = "red"\n',
     "source 'nta-news': colour: unknown key"),
    ('[[sources]]\nname = "nta-news"\n[sources.select]\nheadline = "a"\n',
     "source 'nta-news': select.headline: unknown key"),
    ('[[sources]]\nname = "x"\nkind = "atom"\nurl = "https://x.jp/"\n',
     "source 'x': kind: 'atom' is not one of feed, html, egov-laws"),
    ('[[sources]]\nname = "x"\nkind = "feed"\nurl = "ftp://x.jp/feed"\n',
     "source 'x': url: 'ftp://x.jp/feed' is not an http(s) URL"),
    ('[[sources]]\nname = "mof-news"\nurl = "not a url"\n',
     "source 'mof-news': url: 'not a url' is not an http(s) URL"),
    # Caught here, not by Scrapy mid-crawl (where a bad port once stopped every other source).
    ('[[sources]]\nname = "mof-news"\nurl = "http://127.0.0.1:99999/f"\n',
     "url: 'http://127.0.0.1:99999/f' is not an http(s) URL (port out of range 0-65535)"),
    ('[[sources]]\nname = "mof-news"\nurl = "http://127.0.0.1:1:2/f"\n', "is not an http(s) URL (port could not"),
    ('[[sources]]\nname = "mof-news"\nurl = "http://x.jp:0/f"\n', "is not an http(s) URL (port 0)"),
    ('[[sources]]\nname = "mof-news"\nurl = "http://a b.jp/f"\n',
     "is not an http(s) URL (spaces or control characters in it)"),
    ('[[sources]]\nname = "mof-news"\nurl = "http://ex!ample.jp/f"\n',
     "is not an http(s) URL (bad host name 'ex!ample.jp')"),
    ('[[sources]]\nname = "mof-news"\n[sources.select]\nitem = "li"\n',
     "source 'mof-news': select.item: only html sources use select (this one is feed)"),
    ('[[sources]]\nname = "mof-news"\n[sources.settings]\nfoo = 1\n',
     "source 'mof-news': settings.foo: unknown key (known: days, date_only)"),
    ('[[sources]]\nname = "mof-news"\n[sources.settings]\ndays = 3\n',
     "source 'mof-news': settings.days: only egov-laws sources use it (this one is feed)"),
    ('[[sources]]\nname = "x"\nurl = "https://x.jp/"\n',
     "source 'x': kind: missing (a new source needs kind and url)"),
    ('[[sources]]\nname = "x"\nkind = "feed"\n',
     "source 'x': url: missing (a new source needs kind and url)"),
    ('[[sources]]\nkind = "feed"\nurl = "https://x.jp/"\n',
     "sources: sources[0].name: missing (every source needs a unique name)"),
    ('[[sources]]\nname = "Bad Name"\nkind = "feed"\nurl = "https://x.jp/"\n',
     "source 'Bad Name': name: use lower-case letters"),
    ('[[sources]]\nname = "x"\nkind = "feed"\nurl = "https://x.jp/"\n[[sources]]\nname = "x"\nkind = "feed"\n'
     'url = "https://y.jp/"\n', "source 'x': name: defined twice in this file"),
    ('[[sources]]\nname = "nta-news"\n[sources.select]\nitem = "ul >>> li"\n',
     "source 'nta-news': select.item: not a valid CSS selector"),
    ('[[sources]]\nname = "nta-news"\n[sources.select]\nitem = ""\n',
     "source 'nta-news': select.item: must be a non-empty CSS selector string"),
    ('[[sources]]\nname = "nta-news"\nselect = "li"\n', "source 'nta-news': select: must be a table"),
    ('[[sources]]\nname = "mof-news"\nencoding = "klingon"\n',
     "source 'mof-news': encoding: unknown encoding 'klingon'"),
    ('[[sources]]\nname = "mof-news"\nschedule = "every day"\n', "source 'mof-news': schedule: not a cron expression"),
    ('[[sources]]\nname = "mof-news"\nenabled = "no"\n', "source 'mof-news': enabled: must be true or false"),
    ('[[sources]]\nname = "mof-news"\ntitle = 3\n', "source 'mof-news': title: must be a non-empty string"),
    ('[[sources]]\nname = "egov-laws"\n[sources.settings]\ndays = 0\n',
     "source 'egov-laws': settings.days: must be a whole number of days from 1 to 366"),
    ('[[sources]]\nname = "egov-news"\n[sources.settings]\ndate_only = "yes"\n',
     "source 'egov-news': settings.date_only: must be true or false"),
    ('source = "x"\n', "source: unknown key (a sources file holds [[sources]] tables only)"),
    ('sources = "x"\n', "sources: must be an array of tables ([[sources]])"),
    ('[[sources]\nname = "x"\n', "not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_sources_file_is_one_line_naming_file_source_and_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as excinfo:
        load_sources(sources_file=path)
    error = str(excinfo.value)
    assert error.startswith(f"{path}: ")
    assert message in error
    assert "\n" not in error


def test_missing_sources_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_sources(sources_file=tmp_path / "nope.toml")


def test_a_valid_cron_schedule_is_kept(tmp_path):
    path = _write(tmp_path, '[[sources]]\nname = "mof-news"\nschedule = "0 9 * * mon-fri"\n')
    assert get_source(load_sources(sources_file=path), "mof-news").schedule == "0 9 * * mon-fri"


def test_get_source_unknown_name():
    with pytest.raises(NotFoundError, match="unknown source 'nope'"):
        get_source(BUILTIN_SOURCES, "nope")


def test_start_urls():
    today = dt.date(2026, 3, 2)
    assert start_urls(get_source(BUILTIN_SOURCES, "mof-news"), today=today) == ["https://www.mof.go.jp/news.rss"]
    laws = start_urls(get_source(BUILTIN_SOURCES, "egov-laws"), today=today)
    assert laws == [f"https://laws.e-gov.go.jp/api/1/updatelawlists/{d}"
                    for d in ("20260224", "20260225", "20260226", "20260227", "20260228", "20260301", "20260302")]
    three = SourceSpec(name="l", title="l", kind="egov-laws", url="https://laws.example.jp/api/1/updatelawlists",
                       settings={"days": 3})
    assert start_urls(three, today=today) == ["https://laws.example.jp/api/1/updatelawlists/20260228",
                                              "https://laws.example.jp/api/1/updatelawlists/20260301",
                                              "https://laws.example.jp/api/1/updatelawlists/20260302"]


def test_as_dict_round_trips_through_a_sources_file(tmp_path):
    spec = get_source(BUILTIN_SOURCES, "ppc-news")
    data = spec.as_dict()
    assert data["select"]["item"] == "ul.news-list > li"
    assert data["url"] == "https://www.ppc.go.jp/information/"
    assert spec.host == "www.ppc.go.jp"


def test_builtin_selectors_are_valid_css():
    from parsel import Selector

    for spec in BUILTIN_SOURCES:
        for key, query in (spec.select or {}).items():
            Selector(text="<html></html>").css(query)  # raises on a bad selector


def test_importing_the_registry_does_not_import_parsel():
    import subprocess
    import sys

    code = "import sys, crawlers.registry; print('parsel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_specs_are_hashable_and_compare_by_value():
    assert len(set(BUILTIN_SOURCES)) == len(BUILTIN_SOURCES)
    assert load_sources()[0] == BUILTIN_SOURCES[0] and hash(load_sources()[0]) == hash(BUILTIN_SOURCES[0])


def test_error_names_the_file_that_set_the_bad_key(tmp_path):
    config = _write(tmp_path, '[[sources]]\nname = "extra"\nkind = "feed"\nurl = "https://x.jp/feed"\n'
                              'encoding = "klingon"\n', name="kaisei.toml")
    sources = _write(tmp_path, '[[sources]]\nname = "extra"\ntitle = "renamed"\n')
    settings = load_settings(config)
    with pytest.raises(ConfigError) as excinfo:
        load_sources(settings=settings, sources_file=sources)
    assert str(excinfo.value).startswith(f"{config}: source 'extra': encoding: unknown encoding")
    sources.write_text('[[sources]]\nname = "mof-news"\nkind = "html"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_sources(sources_file=sources)  # made html by this file: this file must add the selectors
    assert str(excinfo.value) == f"{sources}: source 'mof-news': select.item: missing (html sources need it)"


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 400) | st.text(max_size=12)
    | st.sampled_from(["feed", "html", "egov-laws", "https://x.jp/", "ul > li", "a::attr(href)", "nta-news"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_KEYS = st.sampled_from(["name", "kind", "url", "title", "language", "select", "encoding", "settings", "schedule",
                         "enabled", "colour"])


@hsettings(max_examples=300, deadline=None)
@given(entries=st.lists(st.dictionaries(_KEYS, _VALUES, max_size=6), max_size=3))
def test_any_entries_give_specs_or_one_config_error(entries):
    from crawlers.registry import BUILTIN_ORIGIN, _read_builtin, build_sources

    try:
        specs = build_sources([(BUILTIN_ORIGIN, _read_builtin()), ("fuzz.toml", entries)])
    except ConfigError as exc:
        assert str(exc).startswith(("fuzz.toml: ", f"{BUILTIN_ORIGIN}: ")) and "\n" not in str(exc)
        return
    assert all(isinstance(s, SourceSpec) and s.kind in ("feed", "html", "egov-laws") for s in specs)


@pytest.mark.parametrize(("text", "message"), BAD)
def test_every_bad_sources_file_has_its_japanese_line(tmp_path, text, message):
    """Under --lang ja the same one line, in Japanese: the file, the source and the key as they are."""
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as excinfo:
        load_sources(sources_file=path)
    japanese = excinfo.value.message("ja")
    assert japanese.startswith(f"{path}: ") and "\n" not in japanese
    if "not valid TOML" not in message:  # TOML syntax errors are worded by the config reader
        assert japanese != str(excinfo.value) and re.search(r"[ぁ-んァ-ン一-龥]", japanese), japanese
