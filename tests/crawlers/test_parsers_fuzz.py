"""Whatever the bytes, parsing ends in items or a one-line ParseError, and normalization never raises."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.encoding import decode_html
from crawlers.normalize import canonical_url, clean_title
from crawlers.parsers import ParseError, parse
from crawlers.registry import BUILTIN_SOURCES, get_source

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"
SPECS = [get_source(BUILTIN_SOURCES, name) for name in ("mof-news", "nta-news", "egov-laws")]
SEEDS = [(FIXTURES / name).read_bytes() for name in
         ("fsa_rss2_jst.xml", "nta_news_sjis.htm", "egov_laws_20260501.xml", "ppc_news.html")]


def _mangled() -> st.SearchStrategy[bytes]:
    """Real fixtures cut, spliced with random bytes, or pure noise."""
    seed = st.sampled_from(SEEDS)
    cut = st.tuples(seed, st.integers(0, 4000)).map(lambda t: t[0][: t[1]])
    spliced = st.tuples(seed, st.integers(0, 3000), st.binary(max_size=64)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1]:])
    return st.one_of(cut, spliced, st.binary(max_size=512))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_mangled(), which=st.integers(0, len(SPECS) - 1))
def test_parse_returns_items_or_one_line_parse_error(body, which):
    spec = SPECS[which]
    try:
        items = parse(spec, body, url=spec.url if spec.kind != "egov-laws" else spec.url + "20260501",
                      headers={"Content-Type": "text/html; charset=Shift_JIS"})
    except ParseError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for item in items:
        assert item.url.startswith(("http://", "https://")) or item.url
        assert item.title == clean_title(item.title)
        assert item.published_at is None or item.published_at.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), base=st.sampled_from([None, "https://www.nta.go.jp/information/news/index.htm"]))
def test_canonical_url_and_clean_title_never_raise_and_are_idempotent(text, base):
    url = canonical_url(text, base)
    assert canonical_url(url) == url or not url.startswith(("http://", "https://"))
    title = clean_title(text)
    assert clean_title(title) == title or "&" in title or "<" in title


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300), charset=st.sampled_from(["", "utf-8", "Shift_JIS", "euc-jp", "nonsense", "iso-8859-1"]))
def test_decode_html_never_raises(body, charset):
    headers = {"Content-Type": f"text/html; charset={charset}"} if charset else {}
    assert isinstance(decode_html(body, headers), str)
