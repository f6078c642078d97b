"""The source registry: built-in regulators, merged with kaisei.toml's ``[[sources]]`` and a sources file.

Merge order: built-ins (``crawlers/builtin_sources.toml``) → ``settings.sources`` → the sources file
(``sources_file=`` or ``settings.sources_file``). An entry whose ``name`` is already known overrides only the
fields it gives (``select`` and ``settings`` key by key); a new name adds a source and must give ``kind`` and
``url``. Every mistake is a ``ConfigError`` of one line naming the file, the source and the key.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional
from urllib.parse import urlsplit

from tracker.errors import ConfigError

if TYPE_CHECKING:
    from tracker.config import Settings

log = logging.getLogger(__name__)

KINDS = ("feed", "html", "egov-laws")
SELECT_KEYS = ("item", "title", "link", "date", "summary")
SELECT_REQUIRED = ("item", "title", "link")
EGOV_LAWS_DEFAULT_DAYS = 7
BUILTIN_ORIGIN = "built-in sources"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class SourceSpec:
    """One source as the crawler sees it: where to fetch and how to read what comes back."""

    name: str
    title: str
    kind: str
    url: str
    language: str = "ja"
    select: Optional[dict[str, str]] = None
    encoding: Optional[str] = None
    settings: dict[str, Any] = field(default_factory=dict)
    schedule: Optional[str] = None
    enabled: bool = True

    def __hash__(self) -> int:  # select/settings are dicts: hash what identifies a source
        return hash((self.name, self.kind, self.url))

    @property
    def host(self) -> str:
        """The host the crawler is polite to (one request at a time, a delay between them)."""
        return (urlsplit(self.url).hostname or "").lower()

    def as_dict(self) -> dict[str, Any]:
        """The spec as a sources-file entry (what ``kaisei sources --format json`` prints)."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["select"] = dict(self.select) if self.select else None
        out["settings"] = dict(self.settings)
        return out


_FIELDS = tuple(f.name for f in fields(SourceSpec))


def _fail(origin: str, name: str | None, key: str, message: str) -> ConfigError:
    from tracker.i18n import ja_quote

    who, who_ja = (f"source {name!r}", f"情報源{ja_quote(name)}") if name else ("sources", "sources")
    return ConfigError(f"{origin}: {who}: {key}: {message}", ja=f"{origin}: {who_ja}: {key}: {_in_japanese(message)}")


# The Japanese of each complaint above (names, values and the technical detail in parentheses stay as they are).
_COMPLAINTS_JA = [(re.compile(pattern), ja) for pattern, ja in (
    (r"^must be a table$", "表（テーブル）にしてください"),
    (r"^must be a non-empty string$", "空でない文字列にしてください"),
    (r"^must be a non-empty CSS selector string$", "空でない CSS セレクタの文字列にしてください"),
    (r"^must be true or false$", "true か false にしてください"),
    (r"^must be a whole number of days from 1 to 366$", "1 から 366 までの日数（整数）にしてください"),
    (r"^missing \(every source needs a unique name\)$", "ありません（情報源には重複しない name が必要です）"),
    (r"^missing \(a new source needs kind and url\)$", "ありません（新しい情報源には kind と url が必要です）"),
    (r"^missing \(html sources need it\)$", "ありません（html の情報源には必要です）"),
    (r"^use lower-case letters, digits, '-', '_' or '\.'$", "英小文字・数字・「-」「_」「.」だけにしてください"),
    (r"^unknown key \(known: (.*)\)$", r"そのような項目はありません（使えるもの: \1）"),
    (r"^(.*) is not one of (.*)$", r"\1 は使えません（\2 のいずれかにしてください）"),
    (r"^(.*) is not an http\(s\) URL \((.*)\)$", r"\1 は取得できる http(s) の URL ではありません（\2）"),
    (r"^(.*) is not an http\(s\) URL$", r"\1 は http(s) の URL ではありません"),
    (r"^unknown encoding (.*)$", r"文字コード \1 はありません"),
    (r"^only html sources use select \(this one is (.*)\)$", r"select は html の情報源だけが使います（この情報源は \1）"),
    (r"^only (.*) sources use it \(this one is (.*)\)$", r"\1 の情報源だけが使う項目です（この情報源は \2）"),
    (r"^not a valid CSS selector: (.*)$", r"CSS セレクタとして正しくありません: \1"),
    (r"^not a cron expression: (.*)$", r"cron 式として読めません: \1"),
    (r"^defined twice in this file$", "このファイルの中で 2 回定義されています"),
)]


def _in_japanese(message: str) -> str:
    for pattern, ja in _COMPLAINTS_JA:
        if pattern.match(message):
            return pattern.sub(ja, message, count=1)
    return message



def _merge_entry(known: dict[str, dict[str, Any]], entry: Any, *, origin: str, index: int) -> None:
    """Apply one ``[[sources]]`` entry to ``known`` (name → raw fields), checking its keys and types."""
    if not isinstance(entry, dict):
        raise _fail(origin, None, f"sources[{index}]", "must be a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(origin, None, f"sources[{index}].name", "missing (every source needs a unique name)")
    if not _NAME.match(name):
        raise _fail(origin, name, "name", "use lower-case letters, digits, '-', '_' or '.'")
    for key in entry:
        if key not in _FIELDS:
            raise _fail(origin, name, key, f"unknown key (known: {', '.join(_FIELDS)})")
    for key in ("select", "settings"):
        if key in entry and not isinstance(entry[key], dict):
            raise _fail(origin, name, key, "must be a table")
    for key, value in (entry.get("select") or {}).items():
        if key not in SELECT_KEYS:
            raise _fail(origin, name, f"select.{key}", f"unknown key (known: {', '.join(SELECT_KEYS)})")
        if not isinstance(value, str) or not value.strip():
            raise _fail(origin, name, f"select.{key}", "must be a non-empty CSS selector string")
        if origin != BUILTIN_ORIGIN:  # the built-ins are checked by the test suite; importing parsel is slow
            _check_selector(value, origin=origin, name=name, key=f"select.{key}")
    base = known.get(name)
    if base is None:
        for key in ("kind", "url"):
            if key not in entry:
                raise _fail(origin, name, key, "missing (a new source needs kind and url)")
        merged: dict[str, Any] = {"title": name}
    else:
        merged = dict(base)
    # Which file gave each key, so that an error names the file to fix, not merely the last one read.
    origins = dict(merged.get("_origins", {}))
    for key, value in entry.items():
        if key in ("select", "settings") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
            origins.update({f"{key}.{sub}": origin for sub in value})
        else:
            merged[key] = value
            if isinstance(value, dict):
                origins.update({f"{key}.{sub}": origin for sub in value})
        origins[key] = origin
    merged["_origins"] = origins
    merged["_origin"] = origin
    known[name] = merged


def _spec(raw: dict[str, Any]) -> SourceSpec:
    """Validate the merged fields of one source and build its spec."""
    last, origins, name = raw.pop("_origin"), raw.pop("_origins", {}), raw["name"]

    def fail(key: str, message: str, *, blame: str | None = None) -> ConfigError:
        # Name the file that set the key (or ``blame``, the key that made it needed), not just the last one read.
        origin = origins.get(key) or origins.get(key.split(".")[0]) or origins.get(blame or "") or last
        return _fail(origin, name, key, message)

    def need_str(key: str, *, optional: bool = False) -> Optional[str]:
        value = raw.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "must be a non-empty string")
        return value.strip()

    kind = need_str("kind")
    if kind not in KINDS:
        raise fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    url = need_str("url")
    problem = url_problem(url)
    if problem:
        raise fail("url", f"{url!r} is not an http(s) URL ({problem})" if problem != NOT_HTTP else
                   f"{url!r} is not an http(s) URL")
    title = need_str("title")
    language = need_str("language", optional=True) or "ja"
    encoding = need_str("encoding", optional=True)
    if encoding:
        from crawlers.encoding import python_codec

        if python_codec(encoding) is None:
            raise fail("encoding", f"unknown encoding {encoding!r}")
    schedule = need_str("schedule", optional=True)
    if schedule:
        _check_cron(schedule, fail=fail)
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise fail("enabled", "must be true or false")
    settings = dict(raw.get("settings") or {})
    select = raw.get("select") or None
    if select is not None:
        select = {key: value.strip() for key, value in select.items()}
    if kind == "html":
        for key in SELECT_REQUIRED:
            if not select or key not in select:
                raise fail(f"select.{key}", "missing (html sources need it)", blame="kind")
    if select is not None and kind != "html":
        # Not silently ignored: a select table on a feed is someone expecting it to do something.
        raise fail(next(iter(f"select.{key}" for key in select), "select"),
                   f"only html sources use select (this one is {kind})")
    for key in settings:
        if key not in SETTINGS_KINDS:
            raise fail(f"settings.{key}", f"unknown key (known: {', '.join(SETTINGS_KINDS)})")
        if kind != SETTINGS_KINDS[key]:
            raise fail(f"settings.{key}", f"only {SETTINGS_KINDS[key]} sources use it (this one is {kind})")
    if kind == "egov-laws":
        days = settings.get("days", EGOV_LAWS_DEFAULT_DAYS)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
            raise fail("settings.days", "must be a whole number of days from 1 to 366")
    if "date_only" in settings and not isinstance(settings["date_only"], bool):
        raise fail("settings.date_only", "must be true or false")
    return SourceSpec(name=name, title=title, kind=kind, url=url, language=language, select=select,
                      encoding=encoding, settings=settings, schedule=schedule, enabled=enabled)


# Each key of a source's [settings] table, and the kind of source that reads it.
SETTINGS_KINDS = {"days": "egov-laws", "date_only": "feed"}
NOT_HTTP = "not http(s)"
# Letters, digits, hyphens (and the underscores some internal names carry) in dot-separated labels.
_HOST_LABELS = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*"
                          r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$")


def url_problem(url: str) -> Optional[str]:
    """Why ``url`` cannot be fetched (a few words), or None: an http(s) URL with a valid host and port."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return "spaces or control characters in it"
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError when it is out of range or not a number
    except ValueError as exc:  # "http://[" and the like
        return one_line_reason(exc)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return NOT_HTTP
    if port == 0:
        return "port 0"
    host = parts.hostname
    if host.startswith("[") or ":" in host:  # an IPv6 literal: urlsplit has already checked its brackets
        return None
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"bad host name {host!r}"
    if not _HOST_LABELS.match(ascii_host):
        return f"bad host name {host!r}"
    return None


def one_line_reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:1].lower() + text[1:] if text else type(exc).__name__


def _check_selector(value: str, *, origin: str, name: str, key: str) -> None:
    from parsel import Selector

    try:
        Selector(text="<html></html>").css(value)
    except Exception as exc:  # cssselect raises several types (SelectorSyntaxError, ExpressionError …)
        raise _fail(origin, name, key, f"not a valid CSS selector: {str(exc).splitlines()[0]}") from exc


def _check_cron(value: str, *, fail: Any) -> None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise fail("schedule", f"not a cron expression: {exc}") from exc


def _read_builtin() -> list[dict[str, Any]]:
    text = resources.files("crawlers").joinpath("builtin_sources.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["sources"]


def _entries(data: dict[str, Any], *, origin: str) -> list[Any]:
    for key in data:
        if key != "sources":
            raise ConfigError(f"{origin}: {key}: unknown key (a sources file holds [[sources]] tables only)",
                              ja=f"{origin}: {key}: そのような項目はありません（情報源ファイルには [[sources]] の表だけを書きます）")
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: sources: must be an array of tables ([[sources]])",
                          ja=f"{origin}: sources: 表の配列（[[sources]]）にしてください")
    return entries


def read_sources_file(path: Path) -> list[Any]:
    """The raw ``[[sources]]`` entries of a TOML sources file; a ConfigError naming the file otherwise."""
    from tracker.config import read_toml

    return _entries(read_toml(Path(path)), origin=str(path))


def build_sources(layers: Iterable[tuple[str, list[Any]]], *, include_disabled: bool = False) -> list[SourceSpec]:
    """Merge (origin, entries) layers in order on top of each other and validate the result."""
    known: dict[str, dict[str, Any]] = {}
    for origin, entries in layers:
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            _merge_entry(known, entry, origin=origin, index=index)
            name = entry["name"]
            if name in seen:
                raise _fail(origin, name, "name", "defined twice in this file")
            seen.add(name)
    specs = [_spec(dict(raw)) for raw in known.values()]
    return specs if include_disabled else [spec for spec in specs if spec.enabled]


def load_sources(*, settings: "Settings | None" = None, sources_file: Path | str | None = None,
                 include_disabled: bool = False) -> list[SourceSpec]:
    """All sources to crawl: built-ins, then kaisei.toml's ``[[sources]]``, then the sources file.

    ``sources_file`` defaults to ``settings.sources_file``. Sources with ``enabled = false`` are left out
    unless ``include_disabled``. Raises ``ConfigError`` (one line: file, source, key) on any bad entry.
    """
    layers: list[tuple[str, list[Any]]] = [(BUILTIN_ORIGIN, _read_builtin())]
    if settings is not None and settings.sources:
        origin = str(settings.config_path) if settings.config_path else "kaisei.toml"
        layers.append((origin, list(settings.sources)))
    path = sources_file or (settings.sources_file if settings is not None else None)
    if path:
        layers.append((str(path), read_sources_file(Path(path).expanduser())))
    return build_sources(layers, include_disabled=include_disabled)


def get_source(specs: Iterable[SourceSpec], name: str) -> SourceSpec:
    """The spec called ``name``; NotFoundError listing the known names otherwise."""
    from tracker.errors import NotFoundError

    specs = list(specs)
    for spec in specs:
        if spec.name == name:
            return spec
    from tracker.i18n import ja_quote

    known = ", ".join(s.name for s in specs)
    raise NotFoundError(f"unknown source {name!r} (known: {known})",
                        ja=f"情報源{ja_quote(name)}はありません（あるもの: {known}）")


def start_urls(spec: SourceSpec, *, today: dt.date) -> list[str]:
    """The URLs one crawl of ``spec`` fetches.

    Feeds and list pages: their URL. ``egov-laws``: the law API's update list for each of the last
    ``settings.days`` days (default 7), oldest first, ending with ``today``.
    """
    if spec.kind != "egov-laws":
        return [spec.url]
    days = int(spec.settings.get("days", EGOV_LAWS_DEFAULT_DAYS))
    base = spec.url if spec.url.endswith("/") else spec.url + "/"
    return [f"{base}{(today - dt.timedelta(days=back)):%Y%m%d}" for back in range(days - 1, -1, -1)]


def with_overrides(spec: SourceSpec, **changes: Any) -> SourceSpec:
    """A copy of ``spec`` with some fields replaced (tests and the sample site use it)."""
    return replace(spec, **changes)


BUILTIN_SOURCES: tuple[SourceSpec, ...] = tuple(build_sources([(BUILTIN_ORIGIN, _read_builtin())]))
