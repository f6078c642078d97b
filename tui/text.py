"""Text from the web, made safe to show: control characters removed, never parsed as markup.

Titles and summaries come from regulators' pages. A title may contain ``[bold]`` or ``[link=…]`` (Rich/Textual
markup) or terminal escape sequences; they must be displayed as typed, so every web string reaches a widget as a
``rich.text.Text`` built from plain text, never as a markup string.
"""

from __future__ import annotations

import logging
import re

from rich.text import Text

log = logging.getLogger(__name__)

# ESC-introduced sequences (CSI, OSC, two-byte escapes) are removed whole so "\x1b[31m" cannot colour the screen;
# what remains of other C0/C1 controls (BEL, BS, NUL, CSI as one byte …) is dropped character by character.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """``value`` as one line of plain text: escape sequences and control characters removed, whitespace folded."""
    if value is None:
        return ""
    text = _ESCAPE_SEQUENCE.sub("", str(value))
    text = _CONTROL.sub("", text.replace("\t", " "))
    return " ".join(text.split())


def clean_block(value: object) -> str:
    """Like :func:`clean` but keeps line breaks (for summaries and notes)."""
    if value is None:
        return ""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(clean(line) for line in lines).strip()


def literal(value: object, style: str = "", *, block: bool = False) -> Text:
    """A ``Text`` that shows ``value`` exactly as typed (markup characters included)."""
    return Text(clean_block(value) if block else clean(value), style=style, no_wrap=not block,
                overflow="fold" if block else "ellipsis")
