"""Human views (rich tables) of what commands produce."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.cli.display import cell, visible
from crawler.items import TargetSnapshot

_STATUS_STYLE = {"ok": "green", "error": "red", "blocked": "yellow", "gone": "magenta"}


def snapshot_table(snapshots: Sequence[TargetSnapshot], out: Path) -> None:
    """One row per crawled target: where it ended, what it calls itself, what it shows."""
    table = Table(title=f"{len(snapshots)} target(s) — evidence under {out}/evidence/",
                  show_lines=True)
    for column in ("target", "status", "domain", "names", "licences", "images", "screenshot"):
        table.add_column(column, overflow="fold")
    for snap in snapshots:
        status = Text(snap.status + (f": {visible(snap.error, 60)}" if snap.error else ""),
                      style=_STATUS_STYLE.get(snap.status, ""))
        names = "\n".join(f"{visible(n.value, 40)} ({n.source})" for n in snap.names[:5])
        licences = "\n".join(f"{l.kind}: {visible(l.number, 40)}" for l in snap.licences[:5])
        kept = sum(1 for image in snap.images if image.path and not image.error)
        table.add_row(cell(snap.target), status, cell(snap.domain_unicode or snap.domain),
                      Text(names), Text(licences), f"{kept}/{len(snap.images)}",
                      "yes" if snap.screenshot else "no")
    Console().print(table)
