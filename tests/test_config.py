"""kaisei.toml: defaults, overrides from the file and the environment, and one clear line for a bad key."""

import subprocess
import sys

import pytest

from tracker.config import load_settings
from tracker.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "kaisei.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.config_path is None
    assert settings.department_keys() == ["accounting", "hr", "legal", "general_affairs", "it"]
    assert settings.crawl.timeout == 30
    assert settings.schedule.timezone == "Asia/Tokyo"


def test_file_values(tmp_path):
    path = write(tmp_path, """
lang = "ja"
sources_file = "my-sources.toml"
[[departments]]
key = "accounting"
name_ja = "経理部"
name_en = "Accounting"
[smtp]
host = "smtp.example.co.jp"
from = "kaisei <kaisei@example.co.jp>"
security = "ssl"
port = 465
""")
    settings = load_settings(path)
    assert settings.department_keys() == ["accounting"]
    assert settings.smtp.from_ == "kaisei <kaisei@example.co.jp>"
    assert settings.sources_file == str(tmp_path / "my-sources.toml")


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("KAISEI_SMTP__PORT", "2525")
    settings = load_settings(write(tmp_path, "[smtp]\nhost = 'x'\n"))
    assert settings.smtp.port == 2525


@pytest.mark.parametrize("text, expected", [
    ("[smtp]\nprot = 25\n", "smtp.prot: unknown setting"),
    ("[smtp]\nsecurity = 'tls'\n", "smtp.security"),
    ("[crawl]\ntimeout = -1\n", "crawl.timeout"),
    ("colour = 'blue'\n", "colour: unknown setting"),
    ("[[departments]]\nkey='hr'\nname_ja='人事'\nname_en='HR'\n[[departments]]\nkey='hr'\nname_ja='x'\nname_en='y'\n",
     "duplicate department key 'hr'"),
    ("[smtp\nhost=1", "not valid TOML"),
])
def test_bad_settings_name_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert str(path) in message and expected in message
    assert "\n" not in message


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(tmp_path / "nope.toml")


def test_cli_reports_bad_config_in_one_line(tmp_path):
    path = write(tmp_path, "[smtp]\nprot = 25\n")
    proc = subprocess.run([sys.executable, "-m", "tracker", "--config", str(path), "--db",
                           f"sqlite:///{tmp_path / 'k.db'}", "db", "upgrade"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"kaisei: {path}: smtp.prot: unknown setting"


SOURCES_TEXT = '[[sources]]\nname = "tokyo-roudou"\nkind = "feed"\nurl = "https://x.jp/f"\ntitle = "東京労働局 新着情報"\n'


@pytest.mark.parametrize(("codec", "guess"), [("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP"), ("utf-16", "UTF-16")])
def test_a_file_not_in_utf8_is_one_line_naming_the_encoding(tmp_path, codec, guess):
    """Saved as Shift_JIS by a Japanese editor, the classic: one line, the file, the line, and what to do."""
    from crawlers.registry import load_sources

    path = tmp_path / "sources.toml"
    path.write_bytes(SOURCES_TEXT.encode(codec))
    with pytest.raises(ConfigError) as excinfo:
        load_sources(sources_file=path)
    message = str(excinfo.value)
    assert message.startswith(f"{path}: not UTF-8 (it looks like {guess}): line ") and "save it as UTF-8" in message
    assert "\n" not in message
    assert "UTF-8 で保存し直してください" in excinfo.value.message("ja")
    config = tmp_path / "kaisei.toml"
    config.write_bytes('lang = "ja"  # 日本語\n'.encode(codec))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(config)


def test_a_byte_order_mark_is_no_content(tmp_path):
    from crawlers.registry import load_sources

    path = tmp_path / "sources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SOURCES_TEXT.encode())
    assert any(s.title == "東京労働局 新着情報" for s in load_sources(sources_file=path))
    config = tmp_path / "kaisei.toml"
    config.write_bytes(b'\xef\xbb\xbflang = "en"\n')
    assert load_settings(config).lang == "en"


@pytest.mark.parametrize(("text", "key", "english", "japanese"), [
    ("[crawl]\ndownload_delay = inf\n", "crawl.download_delay", "finite number", "有限の数値"),
    ("[crawl]\ntimeout = nan\n", "crawl.timeout", "finite number", "有限の数値"),
    ('timezone = "Mars/Base"\n', "timezone", "unknown time zone 'Mars/Base'", "タイムゾーン「Mars/Base」はありません"),
    ('[schedule]\ntimezone = "Asia/Tokio"\n', "schedule.timezone", "unknown time zone 'Asia/Tokio'", "Asia/Tokyo"),
])
def test_values_that_would_hang_or_mislead_are_refused(tmp_path, text, key, english, japanese):
    """`download_delay = inf` waited for ever; an unknown zone was accepted by the commands that do not show times."""
    path = tmp_path / "kaisei.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(path)
    assert str(excinfo.value).startswith(f"{path}: {key}: ") and english in str(excinfo.value)
    assert japanese in excinfo.value.message("ja")
