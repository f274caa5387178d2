"""`masthead platforms list`: the platform profiles in use (built-in and `--platforms`)."""

from __future__ import annotations

import json

import click

from crawler.cli.context import CliContext


@click.group()
def platforms() -> None:
    """Platform profiles: how account pages of each platform are recognised and read."""


@platforms.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True, help="table for people, jsonl (the whole profile) for programs.")
@click.pass_obj
def list_platforms(obj: CliContext, fmt: str) -> None:
    """List the platform profiles loaded, with the file each comes from."""
    loaded = obj.platforms()
    if fmt == "jsonl":
        for profile in loaded:
            click.echo(json.dumps(profile.to_dict(), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    from crawler.platforms import FIELDS

    table = Table(title=f"{len(loaded)} platforms")
    for column in ("platform", "name", "hosts", "account URL", "fields", "source"):
        table.add_column(column, overflow="fold")
    for profile in loaded:
        fields = [name for name in FIELDS if getattr(profile.fields, name)]
        table.add_row(profile.platform, profile.name, " ".join(profile.hosts), profile.canonical_url,
                      str(len(fields)), profile.source or "")
    Console().print(table)
