"""The store: connection, schema version and upgrades, and the writes of a crawl.

Every write is one transaction: a target's snapshot, verdict, findings, evidence list and
the mark that its run has done it land together or not at all, so that a crawl killed at
any moment leaves the store consistent and `--resume` does each target exactly once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, create_engine, event, func, insert, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from crawler.evidence import utc_now
from crawler.items import TargetSnapshot
from crawler.store.schema import (evidence_files, findings, labels, meta, metadata, run_targets,
                                  runs, snapshots, targets)
from crawler.targets import TargetError, parse_target

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Upgrades from version N-1 to N, run in order inside one transaction; each keeps data.
UPGRADES: dict[int, Callable[[Connection], None]] = {}
SUSPECT_VERDICTS = ("impersonation", "licence_misuse", "unlicensed_news")
LABELS = ("confirmed", "false_positive", "benign")
_IDENTITY_SOURCES = {"title", "og:site_name", "application-name", "json-ld", "logo-alt",
                     "copyright", "sponsor", "display_name"}


class StoreError(RuntimeError):
    """A database that cannot be used (bad URL, newer schema, unreachable server)."""


def default_db_url(out: Path | str) -> str:
    return f"sqlite:///{Path(out) / 'masthead.db'}"


def target_key(target: str) -> str:
    """The stable identity of a target: its normalised first URL (example.com and
    https://example.com/ are one target)."""
    try:
        return parse_target(target).url
    except TargetError:
        return target.strip()


def fingerprint(record: dict[str, Any]) -> str:
    """What a label is given on: the target's domain, names, logos and licences. When it
    changes, a benign or false-positive label no longer silences the target."""
    basis = {
        "domain": record.get("domain"),
        "names": sorted({n["value"] for n in record.get("names", []) if n["source"] in _IDENTITY_SOURCES}),
        "logos": sorted({i["sha256"] for i in record.get("images", []) if i.get("sha256") and not i.get("error")}),
        "licences": sorted({f"{l['kind']}:{l['number']}" for l in record.get("licences", [])}),
    }
    return hashlib.sha256(json.dumps(basis, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def finding_identity(kind: str, key: str, org_id: str | None) -> str:
    """A finding's identity leaves out what changes from run to run (score, time)."""
    return hashlib.sha256(f"{kind}|{key}|{org_id or ''}".encode()).hexdigest()[:32]


# The statements `Store.record` runs for every target, built once: building them anew
# (columns coerced, parameters bound, cache keys made) cost more than running them.
_RECORDED = select(snapshots.c.id).where(snapshots.c.run_id == bindparam("b_run"),
                                         snapshots.c.target_key == bindparam("b_key"))
_KNOWN_TARGET = select(targets.c.key).where(targets.c.key == bindparam("b_key"))
_NEW_TARGET = insert(targets)
_SEEN_TARGET = update(targets).where(targets.c.key == bindparam("b_key"))
_NEW_SNAPSHOT = insert(snapshots)
_NEW_FINDINGS = insert(findings)
_NEW_EVIDENCE_FILES = insert(evidence_files)
_TARGET_DONE = update(run_targets).where(run_targets.c.run_id == bindparam("b_run"),
                                         run_targets.c.target_key == bindparam("b_key")).values(done=True)
_RUN_COUNTS = update(runs).where(runs.c.id == bindparam("b_run")).values(
    targets_done=runs.c.targets_done + 1, suspects=runs.c.suspects + bindparam("b_suspect"),
    errors=runs.c.errors + bindparam("b_error"))


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Store:
    def __init__(self, url: str):
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(f"not a database URL: {url!r}") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine: Engine = create_engine(url)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            self._upgrade()
        except OperationalError as exc:
            raise StoreError(f"cannot open database {parsed.render_as_string(hide_password=True)}: "
                             f"{exc.orig}") from None

    def _upgrade(self) -> None:
        with self.engine.begin() as conn:
            if not inspect(conn).has_table("meta"):
                metadata.create_all(conn)
                conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            version = int(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one())
            if version > SCHEMA_VERSION:
                raise StoreError(f"the database has schema version {version}; this Masthead knows "
                                 f"up to {SCHEMA_VERSION}: upgrade Masthead")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                logger.info("upgrading the store to schema version %d", step)
                UPGRADES[step](conn)
                conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(step)))

    # --- runs ------------------------------------------------------------------------------
    def start_run(self, run_id: str, kind: str, work: Sequence[str], source: str | None = None) -> None:
        """Create a run (or re-open one being resumed) with its work list."""
        with self.engine.begin() as conn:
            existing = conn.execute(select(runs.c.id).where(runs.c.id == run_id)).first()
            if existing is None:
                conn.execute(insert(runs).values(id=run_id, kind=kind, source=source, started_at=utc_now(),
                                                 status="running", targets_total=0))
            else:
                conn.execute(update(runs).where(runs.c.id == run_id).values(status="running", finished_at=None))
            known = set(conn.execute(select(run_targets.c.target_key).where(run_targets.c.run_id == run_id)).scalars())
            rows = []
            for text in work:
                key = target_key(text)
                if key not in known:
                    known.add(key)
                    rows.append({"run_id": run_id, "target_key": key, "target": text,
                                 "position": len(known), "done": False})
            if rows:
                conn.execute(insert(run_targets), rows)
            conn.execute(update(runs).where(runs.c.id == run_id).values(targets_total=len(known)))

    def pending(self, run_id: str) -> list[str]:
        """Targets of a run not done yet, in their original order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(run_targets.c.target).where(run_targets.c.run_id == run_id,
                                                                   run_targets.c.done.is_(False))
                                .order_by(run_targets.c.position))
            return list(rows.scalars())

    def finish_run(self, run_id: str) -> str:
        """Close a run: finished when its work list is done, interrupted otherwise."""
        status = "finished" if not self.pending(run_id) else "interrupted"
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(status=status, finished_at=utc_now()))
        return status

    def run_summary(self, run_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
            return dict(row._mapping) if row else None

    def unfinished_run(self, kind: str, source: str | None) -> str | None:
        """The latest run of this kind and watch list that did not finish."""
        with self.engine.connect() as conn:
            return conn.execute(select(runs.c.id).where(runs.c.kind == kind, runs.c.source == source,
                                                        runs.c.status != "finished")
                                .order_by(runs.c.started_at.desc()).limit(1)).scalar()

    # --- snapshots -------------------------------------------------------------------------
    def record(self, run_id: str, snapshot: TargetSnapshot) -> bool:
        """Store one finished target in one transaction; False if this run already has it."""
        record = snapshot.to_dict()
        key, now = target_key(snapshot.target), utc_now()
        with self.engine.begin() as conn:
            if conn.execute(_RECORDED, {"b_run": run_id, "b_key": key}).first() is not None:
                return False
            if conn.execute(_KNOWN_TARGET, {"b_key": key}).first() is None:
                conn.execute(_NEW_TARGET, {"key": key, "target": snapshot.target, "first_seen": now, "last_seen": now})
            else:
                conn.execute(_SEEN_TARGET, {"b_key": key, "last_seen": now})
            snapshot_id = conn.execute(_NEW_SNAPSHOT, {
                "run_id": run_id, "target_key": key, "finished_at": snapshot.finished_at or now,
                "status": snapshot.status, "final_url": snapshot.final_url, "domain": snapshot.domain,
                "verdict": snapshot.verdict, "org_id": snapshot.org_id, "org_name": snapshot.org_name,
                "score": snapshot.score, "reasons": snapshot.reasons, "fingerprint": fingerprint(record),
                "evidence_dir": snapshot.evidence_dir, "record": record,
            }).inserted_primary_key[0]
            self._children(conn, snapshot_id, key, snapshot)
            conn.execute(_TARGET_DONE, {"b_run": run_id, "b_key": key})
            conn.execute(_RUN_COUNTS, {"b_run": run_id, "b_suspect": int(snapshot.verdict in SUSPECT_VERDICTS),
                                       "b_error": int(snapshot.status != "ok")})
        return True

    @staticmethod
    def _children(conn: Connection, snapshot_id: int, key: str, snapshot: TargetSnapshot) -> None:
        rows = [{"snapshot_id": snapshot_id, "identity": finding_identity(f["kind"], key, f.get("org_id")),
                 "detector": f["detector"], "kind": f["kind"], "org_id": f.get("org_id"),
                 "score": f["score"], "explanation": f["explanation"], "matched": f.get("matched"),
                 "reference": f.get("reference"), "evidence": f.get("evidence", [])}
                for f in snapshot.findings]
        if rows:
            conn.execute(_NEW_FINDINGS, rows)
        files = [{"snapshot_id": snapshot_id, "name": e["name"], "kind": e["kind"], "url": e.get("url"),
                  "path": e["path"], "sha256": e["sha256"], "bytes": e["bytes"]}
                 for e in snapshot.evidence_files]
        if files:
            conn.execute(_NEW_EVIDENCE_FILES, files)

    # --- labels ----------------------------------------------------------------------------
    def label(self, target: str, label: str, note: str | None) -> dict[str, Any]:
        """An analyst's verdict on a target, on the evidence of its latest snapshot."""
        key = target_key(target)
        with self.engine.begin() as conn:
            latest = conn.execute(select(snapshots.c.fingerprint).where(snapshots.c.target_key == key)
                                  .order_by(snapshots.c.id.desc()).limit(1)).scalar()
            if latest is None:
                raise StoreError(f"{target}: no such target in the store (scan or crawl it first)")
            conn.execute(insert(labels).values(target_key=key, label=label, note=note,
                                               fingerprint=latest, created_at=utc_now()))
        return {"target": target, "target_key": key, "label": label, "note": note}

    def count(self, table: Any, *where: Any) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

    def rows(self, statement: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(statement)]

    def dispose(self) -> None:
        self.engine.dispose()

