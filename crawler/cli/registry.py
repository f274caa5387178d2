"""`masthead registry …`: look at and validate registries of genuine organisations."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.context import CliContext, UserError
from detectors.registry import Registry, RegistryError


@click.group()
def registry() -> None:
    """The registry of genuine news organisations."""


@registry.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True, help="table for people, jsonl (every field) for programs.")
@click.pass_obj
def list_organisations(obj: CliContext, fmt: str) -> None:
    """List the organisations of the registry in use."""
    from crawler.cli.tables import listing

    orgs = obj.registry()
    listing(list(orgs), fmt, f"{len(orgs)} organisations", ("id", "name", "type", "country", "domains", "licences"),
            lambda org: [org.id, org.name, org.type, org.country or "", " ".join(org.domains), " ".join(org.licences)])


@registry.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check registry files (together, as they would merge); print what they hold."""
    try:
        merged = Registry.load(list(paths))
    except RegistryError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"ok: {len(merged)} organisations in {len(paths)} file(s)")
