"""`masthead platforms list`: the platform profiles in use (built-in and `--platforms`)."""

from __future__ import annotations

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
    from crawler.cli.tables import listing
    from crawler.platforms import FIELDS, PlatformProfile

    def row(profile: PlatformProfile) -> list[str]:
        fields = [name for name in FIELDS if getattr(profile.fields, name)]
        return [profile.platform, profile.name, " ".join(profile.hosts), profile.canonical_url,
                str(len(fields)), profile.source or ""]

    loaded = obj.platforms()
    listing(loaded, fmt, f"{len(loaded)} platforms",
            ("platform", "name", "hosts", "account URL", "fields", "source"), row)
