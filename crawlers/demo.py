"""``python -m crawlers.demo`` (what ``make demo`` runs): crawl the offline sample site into a fresh database.

Serves the sample site (``crawlers.sample_site``) on a free local port, writes a sources file pointing every
built-in source at it, runs ``kaisei crawl`` in a child process into a fresh SQLite database under ``.demo/``,
adds a small demo team, then opens the TUI as one of them when run on a terminal (``kaisei updates`` otherwise,
or with ``--no-tui``). The sample site keeps serving while the TUI is open, so its Sources screen can crawl
again. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from crawlers.sample_site import serve, sources_toml

log = logging.getLogger(__name__)

# The sample site is ours and local: a short pause between requests is polite enough.
DEMO_CONFIG = """\
# Written by python -m crawlers.demo: the crawl settings of the demo.
sources_file = "sources.toml"

[crawl]
download_delay = 0.05
retries = 0
timeout = 10
"""


def prepare(folder: Path, base_url: str) -> tuple[str, Path, Path]:
    """A fresh database URL, a sources file for the sample site at ``base_url`` and a demo kaisei.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("kaisei.db*"):  # the database and its -wal / -shm companions
        old.unlink()
    sources = folder / "sources.toml"
    sources.write_text(sources_toml(base_url), encoding="utf-8")
    config = folder / "kaisei.toml"
    config.write_text(DEMO_CONFIG, encoding="utf-8")
    return f"sqlite:///{(folder / 'kaisei.db').resolve()}", sources, config


def kaisei(*args: str, quiet: bool = False) -> int:
    """Run a kaisei command in a child process, its output going straight to this terminal."""
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run([sys.executable, "-m", "tracker", *args], env=_env(), stdout=out).returncode


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KAISEI_DATABASE_URL", None)  # the demo never touches the user's own database
    return env


# A small team so that every screen has something to show: (handle, name, email, departments, lang).
DEMO_PEOPLE = [
    ("demo", "デモ 担当", "demo@example.jp", ["accounting", "hr", "legal", "general_affairs", "it"], None),
    ("sato", "佐藤 花子", "sato@example.jp", ["accounting", "hr"], "ja"),
    ("smith", "Alex Smith", "smith@example.jp", ["legal", "it"], "en"),
]


def seed_team(db_url: str, config: Path) -> None:
    """Add the demo people and let one of them have read, studied and applied a few updates."""
    for handle, name, email, departments, lang in DEMO_PEOPLE:
        args = ["people", "add", handle, "--name", name, "--email", email, "--db", db_url, "--config", str(config)]
        for key in departments:
            args += ["--department", key]
        if lang:
            args += ["--lang", lang]
        kaisei(*args, quiet=True)
    listed = subprocess.run([sys.executable, "-m", "tracker", "updates", "--department", "accounting", "--limit", "3",
                             "--format", "json", "--db", db_url, "--config", str(config)],
                            capture_output=True, text=True, env=_env())
    ids = [row["id"] for row in json.loads(listed.stdout or "[]")] if listed.returncode == 0 else []
    for update_id, (state, note) in zip(ids, (("read", None), ("studied", None), ("applied", "規程を改定しました"))):
        args = ["status", "set", "sato", str(update_id), state, "--db", db_url, "--config", str(config)]
        if note:
            args += ["--note", note]
        kaisei(*args, quiet=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.demo",
                                     description="Crawl kaisei's offline sample site into a fresh database "
                                                 "under .demo/ and list what was found.")
    parser.add_argument("--dir", type=Path, default=Path(".demo"), help="folder of the demo database "
                        "(default .demo)")
    parser.add_argument("--no-tag", action="store_true", help="store without tagging")
    parser.add_argument("--no-tui", action="store_true", help="list the updates instead of opening the TUI")
    args = parser.parse_args(argv)
    use_tui = not args.no_tui and sys.stdin.isatty() and sys.stdout.isatty()
    with serve("127.0.0.1", 0) as base:
        db_url, sources, config = prepare(args.dir, base)
        print(f"kaisei demo: sample site at {base}/, database {db_url}", flush=True)
        crawl_args = ["crawl", "--db", db_url, "--config", str(config), "--sources", str(sources)]
        if args.no_tag:
            crawl_args.append("--no-tag")
        status = kaisei(*crawl_args)
        seed_team(db_url, config)
        print(flush=True)
        if use_tui:
            shown = kaisei("tui", "--as", "demo", "--db", db_url, "--config", str(config))
        else:
            shown = kaisei("updates", "--db", db_url, "--config", str(config))
    config_arg = f"--db {db_url} --config {config}"
    print(f"\nkaisei demo: explore it with  .venv/bin/kaisei updates {config_arg}  (or --format json)\n"
          f"             the TUI:           .venv/bin/kaisei tui --as demo {config_arg}\n"
          f"             the team:          .venv/bin/kaisei status team {config_arg}", flush=True)
    return status or shown


if __name__ == "__main__":
    sys.exit(main())
