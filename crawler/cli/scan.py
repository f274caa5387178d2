"""`masthead scan TARGET…`: crawl a few sites now and show what they say about themselves."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from crawler.cli.context import UserError
from crawler.cli.crawling import crawl_options, crawl_overrides
from crawler.items import TargetSnapshot
from crawler.targets import TargetError, parse_targets
from detectors.findings import VERDICTS


@click.command()
@click.argument("targets", nargs=-1, metavar="TARGET...")
@click.option("--targets-file", type=click.File("r", encoding="utf-8"),
              help="More targets, one per line (# comments); - for standard input.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True, help="table for people; jsonl streams one object per target.")
@click.option("--fail-on", multiple=True, type=click.Choice(VERDICTS), metavar="VERDICT",
              help="Exit 1 when any target gets this verdict (repeatable), for scripts.")
@crawl_options
def scan(targets: tuple[str, ...], targets_file: click.utils.LazyFile | None, fmt: str,
         fail_on: tuple[str, ...], **options: object) -> None:
    """Crawl TARGETs (domains, URLs or IDNs, or platform account URLs) and give each a
    verdict, with the names, licences, images and evidence it rests on."""
    lines = list(targets) + (targets_file.read().splitlines() if targets_file else [])
    platforms = click.get_current_context().find_root().obj.platforms()
    try:
        parsed = parse_targets(lines, platforms)
    except TargetError as exc:
        raise UserError(str(exc)) from None
    if not parsed:
        raise UserError("no targets given")
    overrides = crawl_overrides(**options)

    from crawler.run import crawl_sites

    snapshots: list[TargetSnapshot] = []

    def show(snapshot: TargetSnapshot) -> None:
        snapshots.append(snapshot)
        if fmt == "jsonl":
            click.echo(json.dumps(snapshot.to_dict(), ensure_ascii=False))

    crawl_sites(parsed, overrides, show)
    if fmt == "table":
        from crawler.cli.tables import snapshot_table

        snapshot_table(snapshots, Path(str(options["out"])))
    if any(snapshot.verdict in fail_on for snapshot in snapshots):
        sys.exit(1)
