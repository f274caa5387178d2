"""What changed since a run: new suspects, suspects gone, and changes of verdict, names,
logos and licences shown — like a baseline, labels silence what analysts have judged."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from crawler.store import Store
from crawler.store.database import SUSPECT_VERDICTS
from crawler.store.queries import latest_labels, latest_run, previous_run, resolve_since, silenced, state

_IDENTITY_SOURCES = {"title", "og:site_name", "application-name", "json-ld", "logo-alt", "copyright",
                     "sponsor", "display_name"}


@dataclass
class Change:
    target: str
    change: str  # new_suspect | suspect_gone | changed
    verdict: str | None
    org_id: str | None
    score: int | None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)  # what changed: verdict, names, logos, licences, status

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _aspects(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return {"verdict": None, "org_id": None, "status": "absent", "names": [], "logos": [], "licences": []}
    record = row["record"]
    return {
        "verdict": row["verdict"],
        "org_id": row["org_id"],
        "status": row["status"],
        "names": sorted({n["value"] for n in record.get("names", []) if n["source"] in _IDENTITY_SOURCES}),
        "logos": sorted({i["sha256"] for i in record.get("images", []) if i.get("sha256") and not i.get("error")}),
        "licences": sorted({f"{l['kind']}:{l['number']}" for l in record.get("licences", [])}),
    }


def diff(store: Store, since: str | None = None) -> tuple[str | None, list[Change]]:
    """Changes between the state as of `since` (a run id or a date; by default the end of
    the run before the latest) and the latest state. Returns the moment compared with."""
    if since is None:
        latest = latest_run(store)
        since = previous_run(store, latest) if latest else None
    moment = resolve_since(store, since) if since else None
    before = state(store, until=moment) if moment else {}
    after = state(store)
    labels = latest_labels(store)
    changes = []
    for key, now in after.items():
        if silenced(now, labels.get(key)):
            continue
        was = before.get(key)
        old, new = _aspects(was), _aspects(now)
        suspect_before, suspect_now = old["verdict"] in SUSPECT_VERDICTS, new["verdict"] in SUSPECT_VERDICTS
        if suspect_now and not suspect_before:
            kind = "new_suspect"
        elif suspect_before and (not suspect_now or new["status"] != "ok"):
            kind = "suspect_gone"
        else:
            kind = "changed"
        fields = [name for name in ("verdict", "status", "names", "logos", "licences") if old[name] != new[name]]
        if was is not None and new["status"] != "ok" and old["status"] == "ok":
            fields = [name for name in fields if name in ("verdict", "status")]  # unreachable: nothing seen
        if kind == "changed" and (was is None or not fields):
            continue
        changes.append(Change(now["target"], kind, now["verdict"], now["org_id"], now["score"],
                              {k: old[k] for k in fields}, {k: new[k] for k in fields}, fields))
    order = {"new_suspect": 0, "suspect_gone": 1, "changed": 2}
    changes.sort(key=lambda c: (order[c.change], -(c.score or 0), c.target))
    return moment, changes
