"""Writing exports atomically: CSV (UTF-8 with BOM, formulas neutralised), JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crawler.csvsafe import csv_text
from crawler.evidence import write_atomically
from crawler.exports.records import COLUMNS


def write_csv(records: Iterable[dict[str, Any]], path: Path) -> int:
    rows = list(records)
    write_atomically(path, csv_text(COLUMNS, rows, bom=True).encode("utf-8"))
    return len(rows)


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    lines = []
    for record in records:
        row = record["_row"]
        public = {key: value for key, value in record.items() if key != "_row"}
        public["findings"] = row["record"].get("findings", [])
        public["snapshot"] = {key: value for key, value in row["record"].items() if key != "findings"}
        lines.append(json.dumps(public, ensure_ascii=False))
    write_atomically(path, ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))
    return len(lines)
