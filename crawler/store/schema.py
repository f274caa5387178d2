"""The tables (SQLAlchemy Core; portable types only, so SQLite and PostgreSQL both work).

Times are ISO 8601 UTC strings: they sort as text and mean the same in every database.
"""

from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # scan | crawl
    Column("source", Text),  # the watch list, for a crawl
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("status", String(16), nullable=False),  # running | finished | interrupted
    Column("targets_total", Integer, nullable=False, default=0),
    Column("targets_done", Integer, nullable=False, default=0),
    Column("suspects", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
)

targets = Table(
    "targets", metadata,
    Column("key", String(1024), primary_key=True),  # the normalised first URL of the target
    Column("target", Text, nullable=False),  # as the user first wrote it
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
)

# The work list of a run: what `--resume` still has to do.
run_targets = Table(
    "run_targets", metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("target_key", String(1024), primary_key=True),
    Column("target", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("done", Boolean, nullable=False, default=False),
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.id"), nullable=False, index=True),
    Column("target_key", String(1024), ForeignKey("targets.key"), nullable=False, index=True),
    Column("finished_at", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("final_url", Text),
    Column("domain", String(255)),
    Column("verdict", String(32)),
    Column("org_id", String(64)),
    Column("org_name", Text),
    Column("score", Integer),
    Column("reasons", JSON, nullable=False, default=list),
    Column("fingerprint", String(64), nullable=False),  # of names, domain, logos, licences
    Column("evidence_dir", Text),
    Column("record", JSON, nullable=False),  # the whole snapshot as the crawl produced it
    UniqueConstraint("run_id", "target_key", name="one_snapshot_per_target_and_run"),
)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False, index=True),
    Column("identity", String(64), nullable=False, index=True),  # kind, target, organisation
    Column("detector", String(32), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("org_id", String(64)),
    Column("score", Integer, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("matched", Text),
    Column("reference", Text),
    Column("evidence", JSON, nullable=False, default=list),
)

evidence_files = Table(
    "evidence_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("url", Text),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("bytes", Integer, nullable=False),
)

labels = Table(
    "labels", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_key", String(1024), ForeignKey("targets.key"), nullable=False, index=True),
    Column("label", String(32), nullable=False),  # confirmed | false_positive | benign
    Column("note", Text),
    Column("fingerprint", String(64), nullable=False),  # the evidence the label was given on
    Column("created_at", String(32), nullable=False),
)
