"""``python -m crawlers.demo`` (what ``make demo`` runs): crawl the offline sample site into a fresh database.

Serves the sample site (``crawlers.sample_site``) on a free local port, writes a sources file pointing every
built-in source at it, runs ``kaisei crawl`` in a child process into a fresh SQLite database under ``.demo/``,
then shows what was gathered with ``kaisei updates``. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
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


def kaisei(*args: str) -> int:
    """Run a kaisei command in a child process, its output going straight to this terminal."""
    env = dict(os.environ)
    env.pop("KAISEI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "tracker", *args], env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.demo",
                                     description="Crawl kaisei's offline sample site into a fresh database "
                                                 "under .demo/ and list what was found.")
    parser.add_argument("--dir", type=Path, default=Path(".demo"), help="folder of the demo database "
                        "(default .demo)")
    parser.add_argument("--no-tag", action="store_true", help="store without tagging")
    args = parser.parse_args(argv)
    with serve("127.0.0.1", 0) as base:
        db_url, sources, config = prepare(args.dir, base)
        print(f"kaisei demo: sample site at {base}/, database {db_url}", flush=True)
        crawl_args = ["crawl", "--db", db_url, "--config", str(config), "--sources", str(sources)]
        if args.no_tag:
            crawl_args.append("--no-tag")
        status = kaisei(*crawl_args)
    print(flush=True)
    shown = kaisei("updates", "--db", db_url, "--config", str(config))
    print(f"\nkaisei demo: explore it with  .venv/bin/kaisei updates --db {db_url}  (or --format json)", flush=True)
    return status or shown


if __name__ == "__main__":
    sys.exit(main())
