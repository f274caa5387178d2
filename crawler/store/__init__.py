"""Where runs, targets, snapshots, verdicts, findings, evidence and analysts' labels are
kept: SQLite by default (`OUTPUT/masthead.db`), any SQLAlchemy URL with `--db`
(PostgreSQL included)."""

from crawler.store.database import Store, default_db_url

__all__ = ["Store", "default_db_url"]
