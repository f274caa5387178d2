"""The records an export holds: the latest snapshot of each selected target, filtered,
with the analyst's label, and suspects silenced by a benign or false-positive label left
out until their evidence changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from crawler.store import Store
from crawler.store.database import SUSPECT_VERDICTS
from crawler.store.queries import latest_labels, previous_verdicts, resolve_since, silenced, state

# The documented, stable CSV columns (README: "Exports").
COLUMNS = ("target", "final_url", "status", "domain", "verdict", "org_id", "org_name", "score",
           "reasons", "names", "licences_shown", "first_seen", "last_seen", "run_id",
           "evidence_dir", "screenshot", "label", "label_note")


def export_records(store: Store, *, run_id: str | None = None, since: str | None = None,
                   verdicts: Sequence[str] = SUSPECT_VERDICTS, min_score: int | None = None,
                   new: bool = False) -> Iterator[dict[str, Any]]:
    """Records for `masthead export` (each with its full snapshot under `_row`)."""
    moment = resolve_since(store, since) if since else None
    labels = latest_labels(store)
    for key, row in state(store, run_id=run_id, since=moment).items():
        label = labels.get(key)
        if silenced(row, label) or (verdicts and row["verdict"] not in verdicts):
            continue
        if min_score is not None and (row["score"] or 0) < min_score:
            continue
        if new and (row["verdict"], row["org_id"]) in previous_verdicts(store, row["id"], key):
            continue
        record = row["record"]
        yield {
            "target": row["target"],
            "final_url": row["final_url"],
            "status": row["status"],
            "domain": record.get("domain_unicode") or row["domain"],
            "verdict": row["verdict"],
            "org_id": row["org_id"],
            "org_name": row["org_name"],
            "score": row["score"],
            "reasons": row["reasons"],
            "names": list(dict.fromkeys(name["value"] for name in record.get("names", []))),
            "licences_shown": [f"{l['kind']}: {l['number']}" for l in record.get("licences", [])],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
            "run_id": row["run_id"],
            "evidence_dir": row["evidence_dir"],
            "screenshot": record.get("screenshot"),
            "label": label.label if label else None,
            "label_note": label.note if label else None,
            "_row": row,
        }
