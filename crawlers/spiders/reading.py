"""Reading one fetched body: parse, normalize, hash — pure CPU work, run in a parser worker when there is a pool."""

from __future__ import annotations

from typing import Any, Mapping

from crawlers.normalize import content_hash
from crawlers.parsers import parse
from crawlers.pipelines.normalize import normalize_item


def read_body(spec: Any, body: bytes, url: str, headers: Mapping[str, str]) -> tuple[list[Any], dict[str, str], int]:
    """The items of ``body``, normalized, with their content hashes by URL and how many times had no zone."""
    items = parse(spec, body, url=url, headers=headers)
    naive = sum(1 for item in items if normalize_item(item))
    hashes: dict[str, str] = {}
    for item in items:
        if item.url and item.url not in hashes:  # the first of a URL listed twice is the one kept
            hashes[item.url] = content_hash(item)
    return items, hashes, naive
