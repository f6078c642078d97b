"""Scrapy's caching DNS resolver, answering an IPv4 address literal itself.

Scrapy resolves every host through Twisted's thread pool, an IP address too: ``http://192.0.2.10/`` costs a
``gethostbyname`` in a worker thread and two thread hand-offs before the connection is even attempted (the first
crawl of a process also starts the pool's threads for it). A source on an address (an intranet server, a test
site) needs no lookup: the address is the answer. Names go through Scrapy's resolver as before, cached for the
process and bounded by ``DNS_TIMEOUT``.
"""

from __future__ import annotations

from typing import Any, Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.abstract import isIPAddress


class LiteralAddressResolver(CachingThreadedResolver):
    """``CachingThreadedResolver`` that returns a dotted-quad IPv4 address as it is, without a thread."""

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Any:  # noqa: N802 (Twisted's name)
        if isIPAddress(name):
            return defer.succeed(name)
        return super().getHostByName(name, timeout)
