"""The JSON lines of `masthead check --format jsonl`: the text of
`json.dumps(record, ensure_ascii=False)`, made for less.

`json.dumps` with a keyword argument builds a `JSONEncoder` and its C encoder for every
call (~3 µs of a ~12 µs line of `check domains`); `json_line` builds them once. And most
lines of a feed of popular domains are the same clean record but for the target: that
record is written from a template, the target escaped by the function `json` escapes
strings with. tests/test_jsonlines.py holds both to `json.dumps`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False)
_escape: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_make_c_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]  # None without the C module
# As `JSONEncoder.iterencode` makes it, without the check for circular references (no
# markers): records are trees, and the result of encoding a tree is the same.
_c_encode = _make_c_encoder and _make_c_encoder(
    None, _ENCODER.default, _escape, _ENCODER.indent, _ENCODER.key_separator, _ENCODER.item_separator,
    _ENCODER.sort_keys, _ENCODER.skipkeys, _ENCODER.allow_nan)

# The clean record of `check domains` (detectors.domain_records), less its target.
_CLEAN_KEYS = ("target", "verdict", "org_id", "org_name", "score", "reasons", "findings", "error")
_CLEAN_VALUES = ("clean", None, None, 0, [], [], None)
_CLEAN_AFTER_TARGET = _ENCODER.encode(dict(zip(_CLEAN_KEYS, (None, *_CLEAN_VALUES))))[len('{"target": null'):]


def json_line(record: dict[str, Any]) -> str:
    """`json.dumps(record, ensure_ascii=False)`."""
    if len(record) == 8 and tuple(record) == _CLEAN_KEYS:
        values = tuple(record.values())
        # Equal is not enough: False == 0.0 == 0, which json writes otherwise (types checked).
        if values[1:] == _CLEAN_VALUES and type(values[4]) is int and type(values[5]) is list \
                and type(values[6]) is list and isinstance(values[0], str):
            return '{"target": ' + _escape(values[0]) + _CLEAN_AFTER_TARGET
    if _c_encode is None:
        return _ENCODER.encode(record)
    return "".join(_c_encode(record, 0))
