"""`make demo` (python -m crawlers.demo): serves the sample site, crawls it into a fresh database, lists it."""

from __future__ import annotations

import os
import subprocess
import sys

from test_crawl_support import ROOT


def test_demo_crawls_into_a_fresh_database_and_lists_updates(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "kaisei.db").write_bytes(b"left over from an older demo")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    result = subprocess.run([sys.executable, "-m", "crawlers.demo", "--dir", str(folder), "--no-tag"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "nta-news" in out and "egov-pubcom" in out and "total" in out  # the crawl summary
    assert out.index("total") < out.index("published")  # the summary, then the updates table
    assert "「令和８年分 確定申告特集（準備編）」を開設しました" in out  # an NTA (Shift_JIS, 和暦) headline
    assert (folder / "kaisei.db").stat().st_size > 100_000
    assert (folder / "sources.toml").read_text(encoding="utf-8").count("[[sources]]") >= 15
