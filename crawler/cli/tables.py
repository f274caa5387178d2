"""Human views (rich tables) of what commands produce."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.cli.display import cell, visible
from crawler.items import TargetSnapshot

_VERDICT_STYLE = {"official": "green", "impersonation": "bold red", "licence_misuse": "red",
                  "unlicensed_news": "yellow", "clean": "", None: "dim"}
_STATUS_STYLE = {"ok": "green", "error": "red", "blocked": "yellow", "gone": "magenta"}


def snapshot_table(snapshots: Sequence[TargetSnapshot], out: Path) -> None:
    """One row per crawled target: where it ended, what it calls itself, what it shows."""
    table = Table(title=f"{len(snapshots)} target(s) — evidence under {out}/evidence/",
                  show_lines=True)
    for column in ("target", "status", "verdict", "domain", "names", "licences", "images", "screenshot"):
        table.add_column(column, overflow="fold")
    for snap in snapshots:
        status = Text(snap.status + (f": {visible(snap.error, 60)}" if snap.error else ""),
                      style=_STATUS_STYLE.get(snap.status, ""))
        names = "\n".join(f"{visible(n.value, 40)} ({n.source})" for n in snap.names[:5])
        licences = "\n".join(f"{l.kind}: {visible(l.number, 40)}" for l in snap.licences[:5])
        kept = sum(1 for image in snap.images if image.path and not image.error)
        verdict = Text(f"{snap.verdict or ''} {snap.score if snap.score is not None else ''}".strip(),
                       style=_VERDICT_STYLE.get(snap.verdict, ""))
        if snap.org_id:
            verdict.append(f"\n{visible(snap.org_name)} ({snap.org_id})")
        table.add_row(cell(snap.target), status, verdict, cell(snap.domain_unicode or snap.domain),
                      Text(names), Text(licences), f"{kept}/{len(snap.images)}",
                      "yes" if snap.screenshot else "no")
    Console().print(table)



def verdict_table(records: Sequence[dict]) -> None:
    """One row per checked input: verdict, organisation, score and why."""
    table = Table(show_lines=True)
    for column in ("target", "verdict", "organisation", "score", "reasons"):
        table.add_column(column, overflow="fold")
    for record in records:
        verdict = record.get("verdict")
        org = f"{record['org_name']} ({record['org_id']})" if record.get("org_id") else ""
        why = [record["error"]] if record.get("error") else record.get("reasons") or []
        table.add_row(cell(record["target"]), Text(verdict or "error", style=_VERDICT_STYLE.get(verdict, "")),
                      cell(org), str(record.get("score") if record.get("score") is not None else ""),
                      Text("\n".join(visible(reason, 300) for reason in why)))
    Console().print(table)


def diff_table(changes: Sequence, moment: str | None) -> None:
    """New suspects, suspects gone and changes, with what changed."""
    title = f"{len(changes)} change(s) since {moment or 'the beginning'}"
    table = Table(title=title, show_lines=True)
    for column in ("change", "target", "verdict", "what changed"):
        table.add_column(column, overflow="fold")
    for change in changes:
        what = "\n".join(f"{name}: {visible(str(change.before.get(name)), 120)} → "
                         f"{visible(str(change.after.get(name)), 120)}" for name in change.fields)
        verdict = f"{change.verdict or ''} {change.score if change.score is not None else ''}".strip()
        if change.org_id:
            verdict += f" ({change.org_id})"
        table.add_row(change.change, cell(change.target), Text(verdict, style=_VERDICT_STYLE.get(change.verdict, "")),
                      Text(what))
    Console().print(table)
