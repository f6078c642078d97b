"""Key bindings: declared once in English with ``id=`` and ``tooltip=``, shown in the person's language.

Every binding's id is ``kaisei.<name>``; ``key.<name>`` and ``key.<name>.tip`` in ``tui.strings`` give its
description and tooltip. ``localize(node, lang)`` rewrites a node's bindings after it is constructed, because
``BINDINGS`` is a class attribute while the language belongs to the app instance.
"""

from __future__ import annotations

import dataclasses
import logging

from textual.binding import Binding, BindingsMap

from tui.strings import STRINGS, t

log = logging.getLogger(__name__)


def key(keys: str, action: str, name: str, *, show: bool = True, priority: bool = False,
        key_display: str | None = None) -> Binding:
    """A binding with id ``kaisei.<name>`` and the English description and tooltip of ``name``."""
    return Binding(keys, action, STRINGS[f"key.{name}"][1], show=show, priority=priority, key_display=key_display,
                   tooltip=STRINGS[f"key.{name}.tip"][1], id=f"kaisei.{name}")


def localize(node, lang: str) -> None:
    """Give ``node``'s kaisei bindings their description and tooltip in ``lang``."""
    bindings: BindingsMap = node._bindings
    for keys, group in bindings.key_to_bindings.items():
        changed = []
        for binding in group:
            if binding.id and binding.id.startswith("kaisei."):
                name = binding.id.removeprefix("kaisei.")
                binding = dataclasses.replace(binding, description=t(lang, f"key.{name}"),
                                              tooltip=t(lang, f"key.{name}.tip"))
            changed.append(binding)
        bindings.key_to_bindings[keys] = changed
