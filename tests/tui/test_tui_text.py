"""Web text made safe to show: escape sequences and control characters removed, markup kept as typed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from tui.text import clean, clean_block, literal


def test_escape_sequences_and_controls_are_removed():
    assert clean("\x1b[31m赤字\x1b[0m 年末調整") == "赤字 年末調整"
    assert clean("title\x1b]8;;https://evil.example\x07link\x1b]8;;\x07") == "titlelink"  # OSC 8 hyperlink
    assert clean("a\x07b\x08c\x00d\x9be") == "abcde"
    assert clean("改正\tのお知らせ\r\n（第２版）") == "改正 のお知らせ （第２版）"
    assert clean(None) == ""
    assert clean_block("一行目\r\n\x1b[1m二行目\x1b[0m") == "一行目\n二行目"


def test_markup_is_shown_as_typed():
    text = literal("[bold]重要[/bold] [link=https://evil.example]こちら[/link]", "bold")
    assert text.plain == "[bold]重要[/bold] [link=https://evil.example]こちら[/link]"
    assert [span.style for span in text.spans] == []
    console = Console(width=120, record=True, force_terminal=True, color_system="truecolor")
    console.print(text)
    assert "[link=https://evil.example]" in console.export_text()
    assert "\x1b]8;" not in console.export_text(styles=True)  # no hyperlink was made


@given(st.text())
def test_clean_never_leaves_a_control_character(value):
    out = clean(value)
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f for ch in out)
    assert "\n" not in out
