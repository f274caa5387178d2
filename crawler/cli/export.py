"""`masthead export`: suspect lists for analysts (CSV for Excel, JSONL, an HTML report)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.context import UserError
from crawler.cli.crawling import open_store, store_options
from crawler.store.database import SUSPECT_VERDICTS, StoreError
from detectors.findings import VERDICTS


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "html"]), required=True)
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (atomically: replaced whole or not at all).")
@click.option("--run", "run_id", metavar="ID", help="Only this run's targets.")
@click.option("--since", metavar="DATE|RUN-ID", help="Only targets seen since then.")
@click.option("--verdict", "verdicts", multiple=True, type=click.Choice(VERDICTS),
              help=f"Verdicts to export (repeatable); default: {', '.join(SUSPECT_VERDICTS)}.")
@click.option("--min-score", type=click.IntRange(0, 100), help="Only scores at least this high.")
@click.option("--new", is_flag=True, help="Only suspects not already flagged so in an earlier run.")
@store_options
def export(fmt: str, path: Path, run_id: str | None, since: str | None, verdicts: tuple[str, ...],
           min_score: int | None, new: bool, out: str, db: str | None) -> None:
    """Export the latest verdict of each target, with its evidence, labels included."""
    if run_id and since:
        raise click.UsageError("give --run or --since, not both")
    from crawler.exports.html import write_html
    from crawler.exports.records import export_records
    from crawler.exports.writers import write_csv, write_jsonl

    store = open_store(db, out)
    if run_id and store.run_summary(run_id) is None:
        raise UserError(f"no run {run_id!r} in the store")
    try:
        records = list(export_records(store, run_id=run_id, since=since, verdicts=verdicts or SUSPECT_VERDICTS,
                                      min_score=min_score, new=new))
    except StoreError as exc:
        raise UserError(str(exc)) from None
    writer = {"csv": write_csv, "jsonl": write_jsonl, "html": write_html}[fmt]
    try:
        count = writer(records, path)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"{count} target(s) written to {path}")
