"""Settings: kaisei.toml (``--config``, ``KAISEI_CONFIG`` or the user config dir) and ``KAISEI_*`` variables.

Every setting is declared and documented here, in one place; README's configuration section lists them and
tests/test_docs.py checks that it does. A wrong key or value is a ``ConfigError`` naming the file and the key.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tracker.errors import ConfigError

log = logging.getLogger(__name__)

CONFIG_ENV = "KAISEI_CONFIG"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


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


class ScheduleSettings(_Section):
    """When ``kaisei serve`` runs its jobs (cron expressions, in ``timezone``)."""

    timezone: str = Field("Asia/Tokyo", description="zone the cron expressions are read in")
    crawl: str = Field("0 */6 * * mon-fri", description="cron expression of the crawl of all sources")
    digest: str = Field("30 7 * * *", description="cron expression of the daily digest")
    sources: dict[str, str] = Field(default_factory=dict,
                                    description="per-source cron overrides: name = cron expression")
    lock_dir: Optional[str] = Field(None, description="folder of the SQLite lock file; default the data dir")


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

    @field_validator("departments")
    @classmethod
    def _unique_departments(cls, value: list[DepartmentSettings]) -> list[DepartmentSettings]:
        keys = [d.key for d in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"duplicate department key {dupes[0]!r}")
        return value

    def department_keys(self) -> list[str]:
        return [d.key for d in self.departments]


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("kaisei", appauthor=False)) / "kaisei.toml"


def _format_validation_error(path: Path | str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"{path}: {key}: unknown setting"
    return f"{path}: {key}: {err['msg']}"


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file or raise a ConfigError naming it."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


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
        raise ConfigError(_format_validation_error(config_path or "environment", exc)) from exc
    settings.config_path = config_path
    if settings.sources_file and config_path and not Path(settings.sources_file).is_absolute():
        settings.sources_file = str((config_path.parent / settings.sources_file).resolve())
    return settings
