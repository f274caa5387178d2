"""`masthead diff`: what changed since a run or a date."""

from __future__ import annotations

import json

import click

from crawler.cli.context import UserError
from crawler.cli.crawling import open_store, store_options
from crawler.store.database import StoreError


@click.command()
@click.option("--since", metavar="RUN-ID|DATE",
              help="Compare with the state at the end of this run, or at this date (ISO); "
                   "default: the run before the latest.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@store_options
def diff(since: str | None, fmt: str, out: str, db: str | None) -> None:
    """New suspects, suspects gone, and changes of verdict, names, logos and licences."""
    from crawler.diff import diff as compute

    store = open_store(db, out)
    try:
        moment, changes = compute(store, since)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if fmt == "jsonl":
        for change in changes:
            click.echo(json.dumps(change.to_dict(), ensure_ascii=False))
        return
    from crawler.cli.tables import diff_table

    diff_table(changes, moment)
