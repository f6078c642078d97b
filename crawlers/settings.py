"""Scrapy settings of a kaisei crawl, built from kaisei.toml's ``[crawl]`` section.

Polite by default: robots.txt, one request at a time per host with a delay between two, an identifying User-Agent,
a timeout, a size cap, retries with backoff and a short redirect chain. No HTTP cache: freshness comes from
conditional GET (``crawlers.middlewares.ConditionalGetMiddleware``) with the validators kept in the database.
"""

from __future__ import annotations

from typing import Any, Optional

from tracker import USER_AGENT
from tracker.config import CrawlSettings

BOT_NAME = "kaisei"

# Pipelines work on one source's batch at a time (crawlers.spiders.batch.SourceBatch), in this order.
ITEM_PIPELINES = {
    "crawlers.pipelines.drop_invalid.DropInvalidPipeline": 100,
    "crawlers.pipelines.normalize.NormalizePipeline": 200,
    "crawlers.pipelines.duplicates.DuplicatesPipeline": 300,
    "crawlers.pipelines.store.StorePipeline": 400,
    "crawlers.pipelines.tag.TagPipeline": 500,
}

DOWNLOADER_MIDDLEWARES = {
    # Before everything else: the validators are part of what is asked.
    "crawlers.middlewares.ConditionalGetMiddleware": 50,
    # Scrapy's robots.txt middleware, fixed so that every request waiting for robots.txt obeys it.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.RobotsTxtObeyingMiddleware": 100,
    # Scrapy's retry, replaced by one that waits longer before each new attempt.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    "crawlers.middlewares.DeadHostMiddleware": 560,  # a host that cannot be connected to: the rest fail unsent
    # Each middleware costs every request and every response a few asynchronous hops. A crawl asks for the URLs
    # of its sources and follows nothing else, so these have nothing to do: no allowed_domains to keep to, no
    # credentials, and byte counts nobody reads.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
}

# The spider yields source batches, never requests to follow: no Referer to send, no depth or URL length to limit.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}

REDIRECT_MAX_TIMES = 5
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubled for each further one
RETRY_BACKOFF_MAX = 60.0


def scrapy_settings(crawl: Optional[CrawlSettings] = None, *, overrides: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """The settings dict for ``CrawlerProcess`` (``overrides`` win: tests and the bench tune timings with it)."""
    crawl = crawl or CrawlSettings()
    values: dict[str, Any] = {
        "BOT_NAME": BOT_NAME,
        "USER_AGENT": crawl.user_agent or USER_AGENT,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        # Scrapy's "domain" slot is the URL's host name (127.0.0.2 for an IP): one slot per host.
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_host,
        # Hand the downloader the request of the host with the fewest downloads under way: with one request at a
        # time per host, a FIFO/LIFO order lets requests for busy hosts fill CONCURRENT_REQUESTS while other hosts
        # sit idle (Scrapy's advice for crawls of many domains).
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        # Scrapy's own downloader starts every queued request of a host at once when DOWNLOAD_DELAY is 0.
        "DOWNLOADER": "crawlers.downloader.OneAtATimeDownloader",
        "DOWNLOAD_DELAY": crawl.download_delay,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "DNS_TIMEOUT": crawl.timeout,
        # An IP address needs no lookup thread; names are resolved (and cached) as Scrapy does.
        "TWISTED_DNS_RESOLVER": "crawlers.resolver.LiteralAddressResolver",
        "DOWNLOAD_MAXSIZE": crawl.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": crawl.retries > 0,
        "RETRY_TIMES": crawl.retries,
        "KAISEI_RETRY_BACKOFF_BASE": RETRY_BACKOFF_BASE,
        "KAISEI_RETRY_BACKOFF_MAX": RETRY_BACKOFF_MAX,
        "REDIRECT_MAX_TIMES": REDIRECT_MAX_TIMES,
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy 2.19 opens a control HTTP port per crawl by default: a crawler of untrusted sites needs none.
        "REMOTE_CONTROL_ENABLED": False,
        "MEMUSAGE_ENABLED": False,
        "ITEM_PIPELINES": dict(ITEM_PIPELINES),
        "DOWNLOADER_MIDDLEWARES": dict(DOWNLOADER_MIDDLEWARES),
        "SPIDER_MIDDLEWARES": dict(SPIDER_MIDDLEWARES),
        # A batch is a whole source: a few at once is plenty, and keeps database writes in step.
        "CONCURRENT_ITEMS": 4,
        "LOG_ENABLED": True,
        # Logging is the application's (handlers configured once, in the CLI); Scrapy adds none of its own.
        "LOG_INSTALL_ROOT_HANDLER": False,
        "LOG_LEVEL": "WARNING",
        # Scrapy gathers a dozen library versions for an INFO line at every start (~6 ms), logged or not.
        "LOG_VERSIONS": [],
        "LOGSTATS_INTERVAL": 0,
        "STATS_DUMP": False,
    }
    from scrapy.settings import default_settings

    if not hasattr(default_settings, "TWISTED_DNS_RESOLVER"):  # Scrapy < 2.14 names it DNS_RESOLVER
        values["DNS_RESOLVER"] = values.pop("TWISTED_DNS_RESOLVER")
    if overrides:
        values.update(overrides)
    return values
