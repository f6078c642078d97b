"""Every setting and every command is documented (the way sqlite-utils checks its docs)."""

from pathlib import Path

import pytest
import typer

from tracker.cli import app
from tracker.config import Settings, _Section

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _settings_rows():
    for name, field in Settings.model_fields.items():
        if field.exclude:
            continue
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Section):
            for sub, subfield in annotation.model_fields.items():
                yield name, subfield.alias or sub, subfield
        else:
            yield None, name, field


@pytest.mark.parametrize("section, key, field", list(_settings_rows()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_setting_documented(section, key, field):
    assert field.description, f"{section}.{key} has no description"
    if section is None:
        assert f"`{key}`" in README or f"[[{key}]]" in README, f"{key} not in README"
    else:
        rows = [line for line in README.splitlines() if line.startswith(f"| `[{section}]")]
        assert any(f"`{key}`" in row for row in rows), f"[{section}] {key} not in README's settings table"


def _commands(command, path: tuple[str, ...] = ()):
    if hasattr(command, 'commands'):
        for name, sub in command.commands.items():
            yield from _commands(sub, path + (name,))
        if command.invoke_without_command and path:
            yield path, command
    else:
        yield path, command


COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help_and_is_in_readme(path, command):
    assert (command.help or "").strip(), f"kaisei {' '.join(path)} has no help"
    assert f"kaisei {' '.join(path)}" in README, f"kaisei {' '.join(path)} is not in README"
    for param in command.params:
        if getattr(param, 'param_type_name', '') == 'option' and param.name not in {"help"}:
            assert (param.help or "").strip(), f"kaisei {' '.join(path)} {param.opts[0]} has no help"
