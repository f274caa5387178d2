"""Reading the store: the state of every target as of a moment, runs, labels."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from crawler.store.database import Store, StoreError
from crawler.store.schema import labels, runs, snapshots, targets


@dataclass(frozen=True)
class Label:
    label: str
    note: str | None
    fingerprint: str
    created_at: str


def runs_list(store: Store) -> list[dict[str, Any]]:
    return store.rows(select(runs).order_by(runs.c.started_at))


def resolve_since(store: Store, since: str) -> str:
    """A moment from `--since`: a run id (the end of that run) or an ISO date/time."""
    run = store.run_summary(since)
    if run is not None:
        return run["finished_at"] or run["started_at"]
    try:
        moment = datetime.datetime.fromisoformat(since)
    except ValueError:
        raise StoreError(f"--since {since!r} is neither a run id nor a date like 2026-11-28") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")


def state(store: Store, *, until: str | None = None, run_id: str | None = None,
          since: str | None = None) -> dict[str, dict[str, Any]]:
    """The latest snapshot of each target (by target key): of one run, or among snapshots
    finished before `until` or after `since`; each with its target's first and last seen."""
    chosen = select(snapshots.c.target_key, func.max(snapshots.c.id).label("id"))
    if run_id is not None:
        chosen = chosen.where(snapshots.c.run_id == run_id)
    if until is not None:
        chosen = chosen.where(snapshots.c.finished_at <= until)
    if since is not None:
        chosen = chosen.where(snapshots.c.finished_at >= since)
    chosen = chosen.group_by(snapshots.c.target_key).subquery()
    rows = store.rows(
        select(snapshots, targets.c.target, targets.c.first_seen, targets.c.last_seen)
        .join(chosen, chosen.c.id == snapshots.c.id)
        .join(targets, targets.c.key == snapshots.c.target_key)
        .order_by(snapshots.c.score.desc(), snapshots.c.target_key)
    )
    return {row["target_key"]: row for row in rows}


def latest_labels(store: Store) -> dict[str, Label]:
    """The latest label of each labelled target."""
    newest = select(labels.c.target_key, func.max(labels.c.id).label("id")).group_by(labels.c.target_key).subquery()
    rows = store.rows(select(labels).join(newest, newest.c.id == labels.c.id))
    return {row["target_key"]: Label(row["label"], row["note"], row["fingerprint"], row["created_at"])
            for row in rows}


def silenced(row: dict[str, Any], label: Label | None) -> bool:
    """A target labelled benign or false positive stays out of exports and diffs until its
    evidence (names, domain, logo, licences) changes."""
    return label is not None and label.label in ("benign", "false_positive") and label.fingerprint == row["fingerprint"]


def previous_verdicts(store: Store, before_id: int, target_key: str) -> set[tuple[str, str | None]]:
    """(verdict, org) pairs a target had in snapshots older than `before_id`."""
    rows = store.rows(select(snapshots.c.verdict, snapshots.c.org_id)
                      .where(snapshots.c.target_key == target_key, snapshots.c.id < before_id))
    return {(row["verdict"], row["org_id"]) for row in rows}


def previous_run(store: Store, run_id: str) -> str | None:
    """The run that started just before `run_id`."""
    run = store.run_summary(run_id)
    if run is None:
        return None
    rows = store.rows(select(runs.c.id).where(runs.c.started_at < run["started_at"])
                      .order_by(runs.c.started_at.desc()).limit(1))
    return rows[0]["id"] if rows else None


def latest_run(store: Store) -> str | None:
    rows = store.rows(select(runs.c.id).order_by(runs.c.started_at.desc()).limit(1))
    return rows[0]["id"] if rows else None
