"""Domain errors in the run's language: `kaisei: <message>` is Japanese under --lang ja, kaisei.toml's lang = "ja" or a
Japanese locale, English otherwise, and still one line with exit 1 when the mistake is the config or --lang itself.

The CLI runs as a real process (`python -m tracker`) so the locale, argv and stderr are the real ones.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli import error_lang, lang_options
from tracker.config import Settings
from tracker.db import create_db_engine, session_scope
from tracker.departments import sync_departments
from tracker.errors import ConfigError, KaiseiError, MailError, NotFoundError
from tracker.i18n import ja_quote
from tracker.people import add_person, deactivate_person

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, str]:
    """A database with one active and one deactivated person, a bad kaisei.toml and a bad sources file."""
    tmp = tmp_path_factory.mktemp("errors_ja")
    db = f"sqlite:///{tmp / 'kaisei.db'}"
    engine = create_db_engine(db)
    with session_scope(engine) as session:
        sync_departments(session=session, settings=Settings())
        add_person(session=session, handle="sato", name="佐藤 花子", email="sato@example.co.jp", departments=["hr"])
        add_person(session=session, handle="tanaka", name="田中 一郎", email="tanaka@example.co.jp",
                   departments=["accounting"])
        deactivate_person(session=session, handle="tanaka")
    engine.dispose()
    bad_config = tmp / "kaisei.toml"
    bad_config.write_text("[smtp]\nprot = 25\n", encoding="utf-8")
    ja_config = tmp / "kaisei-ja.toml"  # asks for Japanese, but has a typo elsewhere
    ja_config.write_text('lang = "ja"\n\n[crawl]\ntimeot = 10\n', encoding="utf-8")
    bad_sources = tmp / "sources.toml"
    bad_sources.write_text('[[sources]]\nname = "tokyo-roudou"\nkind = "feed"\nurl = "https://example.jp/feed.xml"\n'
                           'colour = "red"\n', encoding="utf-8")
    return {"db": db, "config": str(bad_config), "ja_config": str(ja_config), "sources": str(bad_sources)}


def kaisei(*argv: str, lang_env: str = "C.UTF-8", extra_env: dict[str, str] | None = None):
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS and not k.startswith("KAISEI_")}
    env.update({"LANG": lang_env, "PYTHONPATH": str(ROOT), **(extra_env or {})})
    return subprocess.run([sys.executable, "-m", "tracker", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", stdin=subprocess.DEVNULL, timeout=120)


# (case, argv after the language choice, the offending name, the Japanese line's core, the English one's)
CASES = [
    ("unknown person", ["status", "set", "nobody", "1", "read"], "nobody",
     "担当者「nobody」は登録されていません", "unknown person 'nobody'"),
    ("unknown department", ["updates", "--department", "kaikei"], "kaikei",
     "部署「kaikei」はありません（設定されている部署: accounting, hr, legal, general_affairs, it）",
     "unknown department 'kaikei' (known: accounting, hr, legal, general_affairs, it)"),
    ("unknown update", ["status", "set", "sato", "4242", "read"], "4242",
     "更新 4242 は見つかりません", "unknown update 4242"),
    ("unknown source for --only", ["crawl", "--only", "nta-newz"], "nta-newz",
     "情報源「nta-newz」はありません（登録されている情報源: ", "unknown source 'nta-newz' (known: "),
    ("bad kaisei.toml key", ["--config", "{config}", "people", "list"], "smtp.prot",
     "{config}: smtp.prot: そのような設定項目はありません", "{config}: smtp.prot: unknown setting"),
    # crawlers/registry.py builds this message without a Japanese form yet (ConfigError's Japanese lead, then the
    # English detail), so only the file, the key and some Japanese are asserted: its own form will pass too.
    ("bad sources file key", ["sources", "--sources", "{sources}"], "colour", "{sources}",
     "{sources}: source 'tokyo-roudou': colour: unknown key"),
    ("deactivated person for tui", ["tui", "--as", "tanaka"], "tanaka",
     "担当者「tanaka」は無効になっています（kaisei people reactivate tanaka で有効に戻せます）",
     "person 'tanaka' is deactivated"),
]
BAD_LANG_JA, BAD_LANG_EN = "言語「xx」には対応していません（ja か en を指定してください）", "unknown language 'xx': use ja or en"


def _fill(text: str, world: dict[str, str]) -> str:
    return text.format(**world)


def assert_one_line(proc, *, offending: str, expected: str, japanese: bool) -> None:
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("kaisei: ") and proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, \
        proc.stderr
    line = proc.stderr[len("kaisei: "):-1]
    assert offending in line and expected in line, line
    assert bool(JAPANESE.search(line)) == japanese, line


@pytest.mark.parametrize("how", ["--lang ja", "LANG=ja_JP.UTF-8", "--lang en"])
@pytest.mark.parametrize("case, argv, offending, ja, en", CASES, ids=[c[0] for c in CASES])
def test_domain_error_in_the_run_language(world, how, case, argv, offending, ja, en):
    argv = [_fill(a, world) for a in argv]
    lang = ["--lang", how[-2:]] if how.startswith("--lang") else []
    proc = kaisei(*lang, "--db", world["db"], *argv, lang_env="ja_JP.UTF-8" if how.startswith("LANG") else "C.UTF-8")
    japanese = how != "--lang en"
    assert_one_line(proc, offending=_fill(offending, world), expected=_fill(ja if japanese else en, world),
                    japanese=japanese)


def test_bad_lang_value(world):
    # Under a Japanese locale: the locale decides.
    proc = kaisei("--lang", "xx", "--db", world["db"], "people", "list", lang_env="ja_JP.UTF-8")
    assert_one_line(proc, offending="xx", expected=BAD_LANG_JA, japanese=True)
    # A valid --lang before the command is taken when the command's own --lang is the bad one.
    proc = kaisei("--lang", "ja", "--db", world["db"], "people", "list", "--lang", "xx")
    assert_one_line(proc, offending="xx", expected=BAD_LANG_JA, japanese=True)
    proc = kaisei("--lang", "en", "--db", world["db"], "people", "list", "--lang", "xx", lang_env="ja_JP.UTF-8")
    assert_one_line(proc, offending="xx", expected=BAD_LANG_EN, japanese=False)
    proc = kaisei("--lang", "xx", "--db", world["db"], "people", "list")
    assert_one_line(proc, offending="xx", expected=BAD_LANG_EN, japanese=False)


def test_bad_config_that_asks_for_japanese(world):
    """kaisei.toml says lang = "ja" but another key is wrong: its lang is still read for the error."""
    proc = kaisei("--config", world["ja_config"], "--db", world["db"], "people", "list")
    assert_one_line(proc, offending="crawl.timeot", expected=f"{world['ja_config']}: crawl.timeot: そのような設定項目はありません",
                    japanese=True)
    proc = kaisei("--lang", "en", "--config", world["ja_config"], "--db", world["db"], "people", "list")
    assert_one_line(proc, offending="crawl.timeot", expected=f"{world['ja_config']}: crawl.timeot: unknown setting",
                    japanese=False)


def test_person_lang_of_people_add_is_not_the_output_language(world):
    """`people add --lang ja` sets the person's language; the error about the command's own --lang stays English."""
    proc = kaisei("--lang", "xx", "--db", world["db"], "people", "add", "kimura", "--name", "木村", "--email",
                  "kimura@example.co.jp", "--department", "hr", "--lang", "ja")
    assert_one_line(proc, offending="xx", expected=BAD_LANG_EN, japanese=False)


def test_a_stderr_without_japanese_gets_english(world):
    proc = kaisei("--lang", "ja", "--db", world["db"], "status", "set", "nobody", "1", "read",
                  extra_env={"PYTHONIOENCODING": "ascii"})
    assert_one_line(proc, offending="nobody", expected="unknown person 'nobody'", japanese=False)


def test_usage_errors_stay_typer_s(world):
    proc = kaisei("--lang", "ja", "--db", world["db"], "status", "set", "nobody")
    assert proc.returncode == 2 and "Usage:" in proc.stderr


# --- the mechanism, in process --------------------------------------------------------------------------------


def test_english_str_and_japanese_form():
    exc = NotFoundError("unknown person 'nobody'", ja="担当者「nobody」は登録されていません")
    assert str(exc) == "unknown person 'nobody'" and exc.args == ("unknown person 'nobody'",)
    assert exc.message("ja") == "担当者「nobody」は登録されていません"
    assert exc.message("en") == "unknown person 'nobody'"
    # Without a Japanese form, a Japanese reader is told at least what kind of mistake it is.
    assert ConfigError("x.toml: a: unknown key").message("ja") == "設定の誤り: x.toml: a: unknown key"
    assert KaiseiError("boom").message("ja") == "エラー: boom"


def test_ja_quote_keeps_one_line():
    assert ja_quote("山田") == "「山田」"
    assert ja_quote("a\nb\x1b") == "「a\\nb\\x1b」"


def test_lang_options():
    assert lang_options(["--lang", "ja", "people", "list", "--lang=en"]) == ["ja", "en"]
    assert lang_options(["--lang", "en", "people", "add", "x", "--lang", "ja"]) == ["en"]
    assert lang_options(["people", "edit", "x", "--lang=ja"]) == []
    assert lang_options(["status", "set", "x", "1", "read", "--lang"]) == [""]
    assert lang_options(["--", "--lang", "ja"]) == []


def test_error_lang_never_raises(monkeypatch, tmp_path):
    monkeypatch.setattr("tracker.cli.common._current", None)  # as main() leaves it before a command starts
    monkeypatch.delenv("KAISEI_LANG", raising=False)
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("KAISEI_CONFIG", str(tmp_path / "missing.toml"))
    assert error_lang(["--lang", "xx"]) == "ja"
    assert error_lang(["--lang", "en"]) == "en"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert error_lang([]) == "en"


def test_digest_not_sent_has_japanese():
    from tracker.digest.deliver import DeliveryReport, DigestNotSent

    report = DeliveryReport(sent=[("sato", 2, 1)], refused=["sato@example.co.jp: 550 no such user"],
                            error="SMTP mail:25: cannot connect: Connection refused",
                            error_ja="SMTP mail:25: 接続できません（接続を拒否されました）")
    exc = DigestNotSent(report)
    assert isinstance(exc, MailError) and str(exc) == report.summary()
    assert exc.message("ja").startswith("1 通のダイジェストを送りました（新着 2 件、期限間近 1 件）")
    assert "接続を拒否されました" in exc.message("ja") and "550 no such user" in exc.message("ja")


ERROR_CLASSES = {"KaiseiError", "ConfigError", "DatabaseError", "NotFoundError", "CrawlError", "MailError",
                 "SmtpUnavailable"}


def test_every_domain_error_under_tracker_has_a_japanese_form():
    """Every KaiseiError (or subclass) built in tracker/, tracker/cli/ and tracker/digest/ passes ja=.

    (DigestNotSent builds its own from the report; tracker/tagger's training tools are English-only tools.)
    """
    import tracker.errors
    import tracker.mailer

    for name in ERROR_CLASSES:
        cls = getattr(tracker.errors, name, None) or getattr(tracker.mailer, name)
        assert issubclass(cls, KaiseiError)
    files = sorted(p for pattern in ("tracker/*.py", "tracker/cli/*.py", "tracker/digest/*.py")
                   for p in ROOT.glob(pattern))
    built, missing = 0, []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in ERROR_CLASSES:
                built += 1
                if not any(keyword.arg == "ja" for keyword in node.keywords):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert built > 50  # the scan sees the raise sites at all
    assert missing == []
