"""Import hygiene (DESIGN.md): the domain never pulls in the UI or the crawler; --help stays light."""

import subprocess
import sys

import pytest


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         check=True, capture_output=True, text=True).stdout
    return set(out.split())


@pytest.mark.parametrize("forbidden", ["textual", "tui", "scrapy", "spacy"])
def test_tracker_imports_no_heavy_packages(forbidden):
    mods = _modules_after("import tracker, tracker.models, tracker.db, tracker.config, tracker.dates, tracker.cli")
    assert not {m for m in mods if m == forbidden or m.startswith(forbidden + ".")}


def test_help_does_not_import_spacy_scrapy_textual():
    mods = _modules_after(
        "import sys\nsys.argv=['kaisei','--help']\nfrom tracker.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass"
    )
    for forbidden in ("spacy", "scrapy", "textual"):
        assert forbidden not in mods


def test_tui_imports_no_scrapy_or_spacy():
    mods = _modules_after("import tui, importlib, pkgutil\n"
                          "[importlib.import_module('tui.'+m.name) for m in pkgutil.iter_modules(tui.__path__)]")
    assert "scrapy" not in mods and "spacy" not in mods
