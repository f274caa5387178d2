"""Showing scraped text in a terminal: nothing in it may move the cursor, reorder the
line (bidi overrides) or be read as rich markup."""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text

# Bidi controls and other invisible format characters that can disguise a name.
_FORMAT = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(value: str | None, limit: int = 80) -> str:
    """`value` with control and bidi characters shown as <U+XXXX>, at most `limit` chars."""
    if not value:
        return ""
    shown = _CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)
    shown = _FORMAT.sub(lambda m: f"<U+{ord(m.group()):04X}>", shown)
    shown = "".join(ch if unicodedata.category(ch) != "Cs" else "\ufffd" for ch in shown)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def cell(value: str | None, limit: int = 80) -> Text:
    """A table cell that rich prints literally (no markup)."""
    return Text(visible(value, limit))
