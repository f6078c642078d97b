"""Settings: kaisei.toml (``--config``, ``KAISEI_CONFIG`` or the user config dir) and ``KAISEI_*`` variables.

Every setting is declared and documented here, in one place; README's configuration section lists them and
tests/test_docs.py checks that it does. A wrong key or value is a ``ConfigError`` naming the file and the key.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tracker.errors import ConfigError
from tracker.i18n import ja_quote, os_reason_ja

log = logging.getLogger(__name__)

CONFIG_ENV = "KAISEI_CONFIG"


class _Section(BaseModel):
    # No inf or nan: `download_delay = inf` would make a crawl wait for ever.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class DepartmentSettings(_Section):
    """A department people belong to and updates are tagged with."""

    key: str = Field(description="stable id used in tags and on the command line, e.g. accounting")
    name_ja: str = Field(description="Japanese name, e.g. 経理")
    name_en: str = Field(description="English name, e.g. Accounting")


DEFAULT_DEPARTMENTS = [
    DepartmentSettings(key="accounting", name_ja="経理", name_en="Accounting"),
    DepartmentSettings(key="hr", name_ja="人事", name_en="HR"),
    DepartmentSettings(key="legal", name_ja="法務", name_en="Legal"),
    DepartmentSettings(key="general_affairs", name_ja="総務", name_en="General affairs"),
    DepartmentSettings(key="it", name_ja="情報システム", name_en="IT"),
]


class CrawlSettings(_Section):
    """How politely and how far kaisei fetches."""

    timeout: float = Field(30.0, gt=0, description="seconds before a request is abandoned")
    download_delay: float = Field(1.0, ge=0, description="seconds between two requests to the same host")
    concurrent_per_host: int = Field(1, ge=1, description="requests at once to one host")
    concurrent_requests: int = Field(16, ge=1, description="requests at once across all hosts")
    max_bytes: int = Field(10 * 1024 * 1024, gt=0, description="largest response accepted, in bytes")
    retries: int = Field(2, ge=0, description="retries of a failed request, with backoff")
    obey_robots: bool = Field(True, description="obey robots.txt")
    user_agent: Optional[str] = Field(None, description="User-Agent; default kaisei/<version> (+project URL)")


class SmtpSettings(_Section):
    """Where the digest is sent from."""

    host: str = Field("localhost", description="SMTP server")
    port: int = Field(587, ge=1, le=65535, description="SMTP port")
    security: Literal["starttls", "ssl", "none"] = Field("starttls", description="starttls | ssl | none")
    username: Optional[str] = Field(None, description="login name; no login when empty")
    password_env: Optional[str] = Field(None, description="environment variable holding the password")
    from_: str = Field("kaisei <kaisei@localhost>", alias="from", description="From: header")
    timeout: float = Field(30.0, gt=0, description="seconds before the SMTP connection is abandoned")


class DigestSettings(_Section):
    """What the daily digest contains."""

    reminder_days: int = Field(14, ge=0, description="remind of 施行日/締切 within this many days")
    max_updates: int = Field(200, ge=1, description="most new updates listed in one digest")
    subject_prefix: str = Field("[kaisei]", description="prefix of every digest subject")
    first_days: int = Field(7, ge=0, description="a person's first digest reaches back this many days before "
                            "they were added")


def _check_zone(value: str) -> str:
    """``value`` when it is an IANA time zone this machine knows (Asia/Tokyo, UTC …); a complaint otherwise."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError) as exc:
        raise _Invalid(f"unknown time zone {value!r} (an IANA name such as Asia/Tokyo)",
                       ja=f"タイムゾーン{ja_quote(value)}はありません（Asia/Tokyo のような IANA の名前にしてください）") from exc
    return value


class ScheduleSettings(_Section):
    """When ``kaisei serve`` runs its jobs (cron expressions, in ``timezone``)."""

    timezone: str = Field("Asia/Tokyo", description="zone the cron expressions are read in")
    crawl: str = Field("0 */6 * * mon-fri", description="cron expression of the crawl of all sources")
    digest: str = Field("30 7 * * *", description="cron expression of the daily digest")
    sources: dict[str, str] = Field(default_factory=dict,
                                    description="per-source cron overrides: name = cron expression")
    lock_dir: Optional[str] = Field(None, description="folder of the SQLite lock file; default the data dir")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_zone(value)


class Settings(BaseSettings):
    """kaisei.toml, top level."""

    model_config = SettingsConfigDict(env_prefix="KAISEI_", extra="forbid", env_nested_delimiter="__",
                                      populate_by_name=True)

    database_url: Optional[str] = Field(None, description="SQLAlchemy URL; default SQLite in the user data dir")
    lang: Optional[Literal["ja", "en"]] = Field(None, description="UI and mail language; default from the locale")
    timezone: str = Field("Asia/Tokyo", description="zone times are shown in")
    sources_file: Optional[str] = Field(None, description="a TOML file of extra sources / overrides")
    departments: list[DepartmentSettings] = Field(default_factory=lambda: list(DEFAULT_DEPARTMENTS),
                                                  description="the departments (key, name_ja, name_en)")
    sources: list[dict[str, Any]] = Field(default_factory=list,
                                          description="extra sources / overrides of built-in ones by name")
    crawl: CrawlSettings = Field(default_factory=CrawlSettings, description="[crawl] section")
    smtp: SmtpSettings = Field(default_factory=SmtpSettings, description="[smtp] section")
    digest: DigestSettings = Field(default_factory=DigestSettings, description="[digest] section")
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings, description="[schedule] section")

    # Where these settings were read from (not a setting itself).
    config_path: Optional[Path] = Field(None, exclude=True, description="(read-only) the file these came from")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_zone(value)

    @field_validator("departments")
    @classmethod
    def _unique_departments(cls, value: list[DepartmentSettings]) -> list[DepartmentSettings]:
        keys = [d.key for d in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise _Invalid(f"duplicate department key {dupes[0]!r}", ja=f"部署のキー{ja_quote(dupes[0])}が重複しています")
        return value

    def department_keys(self) -> list[str]:
        return [d.key for d in self.departments]


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("kaisei", appauthor=False)) / "kaisei.toml"


class _Invalid(ValueError):
    """A validator's complaint, with its Japanese form for the ConfigError it becomes."""

    def __init__(self, message: str, *, ja: str) -> None:
        super().__init__(message)
        self.ja = ja


# What pydantic's error types ask of a value, in Japanese ({…} from the error's context).
_PROBLEMS_JA = {
    "missing": "必須の項目です（指定してください）",
    "greater_than": "{gt} より大きい値にしてください",
    "greater_than_equal": "{ge} 以上にしてください",
    "less_than": "{lt} より小さい値にしてください",
    "less_than_equal": "{le} 以下にしてください",
    "int_parsing": "整数にしてください",
    "int_type": "整数にしてください",
    "int_from_float": "整数にしてください",
    "float_parsing": "数値にしてください",
    "float_type": "数値にしてください",
    "finite_number": "有限の数値にしてください（inf や nan は使えません）",
    "bool_parsing": "true か false にしてください",
    "bool_type": "true か false にしてください",
    "string_type": "文字列にしてください",
    "dict_type": "表（テーブル）にしてください",
    "model_type": "表（テーブル）にしてください",
    "model_attributes_type": "表（テーブル）にしてください",
    "list_type": "配列にしてください",
    "literal_error": "{expected} のいずれかにしてください",
}


def _problem_ja(err: Any) -> str:
    ctx = err.get("ctx") or {}
    own = getattr(ctx.get("error"), "ja", None)
    if own:
        return own
    template = _PROBLEMS_JA.get(err["type"])
    if template is None:
        return f"値が正しくありません（{err['msg']}）"
    values = {k: (str(v).replace(" or ", ", ") if k == "expected" else f"{v:g}" if isinstance(v, float) else v)
              for k, v in ctx.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return f"値が正しくありません（{err['msg']}）"


def _format_validation_error(path: Path | str | None, exc: ValidationError) -> tuple[str, str]:
    """The first problem as one line naming the file and the key: (English, Japanese)."""
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    where, where_ja = (path, path) if path else ("environment", "環境変数")
    if err["type"] == "extra_forbidden":
        return f"{where}: {key}: unknown setting", f"{where_ja}: {key}: そのような設定項目はありません"
    return f"{where}: {key}: {err['msg']}", f"{where_ja}: {key}: {_problem_ja(err)}"


def _toml_problem_ja(exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's reason with its position in Japanese: "3 行目 5 文字目: Expected ..." (the reason stays as is)."""
    found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(exc))
    if found is None:
        return str(exc)
    return f"{found.group(2)} 行目 {found.group(3)} 文字目: {found.group(1)}"


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file or raise a ConfigError naming it."""
    try:
        raw = Path(path).read_bytes()
        # TOML is UTF-8. A byte-order mark (Windows Notepad writes one) is no content; any other encoding is named.
        return tomllib.loads(_toml_text(path, raw.removeprefix(codecs.BOM_UTF8)))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such file", ja=f"{path}: ファイルがありません") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", ja=f"{path}: TOML として読めません（{_toml_problem_ja(exc)}）") \
            from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}",
                          ja=f"{path}: 読み込めません（{os_reason_ja(exc)}）") from exc


def _toml_text(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        for codec, name in (("utf-16", "UTF-16"), ("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
            if (codec != "utf-16" or raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                try:
                    raw.decode(codec)
                except UnicodeDecodeError:
                    continue
                guess, guess_ja = f" (it looks like {name})", f"（{name} で保存されているようです）"
                break
        else:
            guess = guess_ja = ""
        raise ConfigError(f"{path}: not UTF-8{guess}: line {line} has byte 0x{raw[exc.start]:02x}; save it as UTF-8",
                          ja=f"{path}: UTF-8 ではありません{guess_ja}。{line} 行目に読めないバイト 0x{raw[exc.start]:02x} が"
                             "あります。UTF-8 で保存し直してください") from exc


def load_settings(path: str | Path | None = None) -> Settings:
    """Load settings from ``path``, else ``KAISEI_CONFIG``, else the user config file when it exists."""
    explicit = path or os.environ.get(CONFIG_ENV)
    config_path = Path(explicit).expanduser() if explicit else default_config_path()
    data: dict[str, Any] = {}
    if explicit or config_path.exists():
        data = read_toml(config_path)
    else:
        config_path = None
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        english, japanese = _format_validation_error(config_path, exc)
        raise ConfigError(english, ja=japanese) from exc
    settings.config_path = config_path
    if settings.sources_file and config_path and not Path(settings.sources_file).is_absolute():
        settings.sources_file = str((config_path.parent / settings.sources_file).resolve())
    return settings
