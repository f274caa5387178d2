"""Human views (rich tables) of what commands produce."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import click
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
    """One row per crawled target: where it ended, its verdict and why (names, licences
    and every finding are in `--format jsonl` and in the evidence folder)."""
    table = Table(title=f"{len(snapshots)} target(s) — evidence under {out}/evidence/", show_lines=True)
    for column in ("target", "status", "verdict", "organisation", "why"):
        table.add_column(column, overflow="fold")
    for snap in sorted(snapshots, key=lambda s: (-(s.score or 0), s.target)):
        status = Text(snap.status + (f": {visible(snap.error, 40)}" if snap.error else ""),
                      style=_STATUS_STYLE.get(snap.status, ""))
        verdict = Text(f"{snap.verdict or ''} {snap.score if snap.score is not None else ''}".strip(),
                       style=_VERDICT_STYLE.get(snap.verdict, ""))
        org = f"{visible(snap.org_name, 30)} ({snap.org_id})" if snap.org_id else ""
        why = visible(snap.reasons[0], 160) if snap.reasons else ""
        table.add_row(cell(snap.target, 40), status, verdict, Text(org), Text(why))
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


def listing(items: Sequence[Any], fmt: str, title: str, columns: Sequence[str],
            row: Callable[[Any], Sequence[str]]) -> None:
    """`… list` commands: one JSON object per item (`to_dict()`) or a table."""
    if fmt == "jsonl":
        for item in items:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(*row(item))
    Console().print(table)
