"""Turning a fetched body into update items: one entry point, one module per source kind.

``parse(spec, body, url=..., headers=...)`` is what the spiders call. It raises :class:`ParseError` (a one-line
message) when the body is not what the source should serve — not a feed, not HTML, XML broken beyond recovery,
an API error, or a list page whose item selector matches nothing (a changed layout must be loud, not an empty
crawl). A feed with no entries is an empty list, not an error.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Mapping

from crawlers.items import UpdateItem

if TYPE_CHECKING:
    from crawlers.registry import SourceSpec

log = logging.getLogger(__name__)


class ParseError(Exception):
    """A body that cannot be read as the source's kind; the message is one line."""


def parse(spec: "SourceSpec", body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> list[UpdateItem]:
    """The items in ``body`` (fetched from ``url`` for ``spec``), newest as the source lists them."""
    if body is None or not body.strip():
        raise ParseError("empty response body")
    if spec.kind == "feed":
        from crawlers.parsers.feed import parse_feed

        return parse_feed(spec, body, url=url, headers=headers)
    if spec.kind == "html":
        from crawlers.parsers.html import parse_html

        return parse_html(spec, body, url=url, headers=headers)
    if spec.kind == "egov-laws":
        from crawlers.parsers.egov_laws import parse_law_updates

        return parse_law_updates(spec, body, url=url, headers=headers)
    raise ParseError(f"unknown source kind {spec.kind!r}")


def one_line(text: object, limit: int = 200) -> str:
    """An exception or message squeezed onto one line of at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["ParseError", "UpdateItem", "one_line", "parse"]
