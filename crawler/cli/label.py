"""`masthead label TARGET VERDICT`: an analyst's judgement, remembered."""

from __future__ import annotations

import click

from crawler.cli.context import UserError
from crawler.cli.crawling import open_store, store_options
from crawler.store.database import LABELS, StoreError


@click.command()
@click.argument("target")
@click.argument("label", type=click.Choice(LABELS))
@click.option("--note", help="Why (kept with the label, shown in exports).")
@store_options
def label(target: str, label: str, note: str | None, out: str, db: str | None) -> None:
    """Mark TARGET confirmed, false_positive or benign. A benign or false-positive target
    stays out of exports and diffs until its evidence (names, domain, logo, licences)
    changes."""
    from crawler.targets import TargetError, parse_target

    try:  # an account is labelled under its canonical URL, whichever URL of it is given
        parsed = parse_target(target, click.get_current_context().find_root().obj.platforms())
        target = parsed.text if parsed.platform else target
    except TargetError:
        pass
    store = open_store(db, out)
    try:
        saved = store.label(target, label, note)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"{saved['target_key']}: {label}" + (f" ({note})" if note else ""))
