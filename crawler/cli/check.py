"""`masthead check domains|names|logos`: triage without crawling."""

from __future__ import annotations

import gc
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from crawler.cli.context import CliContext, UserError
from crawler.cli.jsonlines import json_line
from detectors.findings import VERDICTS

OUTPUT_COLUMNS = ("target", "verdict", "org_id", "org_name", "score", "reasons", "error")
# click.echo flushes every call, ~8 µs a line of `check domains --format jsonl`.
_LINES_PER_WRITE = 256


def _lines(source: str) -> Iterator[str]:
    """The input's lines, its file opened now: a name that cannot be read is an error
    before the detectors are built (~1 s), not after."""
    stream = sys.stdin if source == "-" else None
    try:
        handle = stream or open(source, encoding="utf-8-sig")  # noqa: SIM115 - closed by _read
    except OSError as exc:
        raise UserError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return _read(source, handle, close=stream is None)


def _read(source: str, handle: TextIO, close: bool) -> Iterator[str]:
    try:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line
    except UnicodeDecodeError:
        raise UserError(f"{source}: not UTF-8 text") from None
    finally:
        if close:
            handle.close()


def _from_a_file(source: str) -> bool:
    """True for a file, named or redirected to stdin; False for a pipe or a terminal, a
    feed whose lines may come slowly and whose records are wanted as each line comes."""
    if source != "-":
        return True
    try:
        return stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode)
    except (OSError, ValueError):  # no real descriptor (a test runner's stdin)
        return False


@contextmanager
def _long_lived() -> Iterator[None]:
    """No garbage collection while the engine is built or loaded, and none over what start-up
    made afterwards (`gc.freeze`): the engine, the registry and the modules live as long as
    the process, yet full collections walked them four times over 100,000 hosts, collecting
    nothing (0.33 s of 5.2 s with a cached engine, ~0.4 s when it is built); the look-ups
    then collect only what they make (two full collections, 0.04 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _emit(records: Iterator[dict[str, Any]], fmt: str, fail_on: tuple[str, ...],
          lines_per_write: int = _LINES_PER_WRITE) -> None:
    flagged = False
    rows: list[dict[str, Any]] = []
    lines: list[str] = []  # JSON lines not yet written: one write (and flush) for many
    try:
        for record in records:
            flagged |= record.get("verdict") in fail_on
            if fmt == "jsonl":
                lines.append(json_line(record))
                if len(lines) >= lines_per_write:
                    click.echo("\n".join(lines))
                    lines.clear()
            else:
                rows.append(record)
    finally:  # also the records before an unreadable line
        if lines:
            click.echo("\n".join(lines))
    if fmt == "csv":
        from crawler.csvsafe import csv_text

        click.echo(csv_text(OUTPUT_COLUMNS, rows, bom=False), nl=False)
    elif fmt == "table":
        from crawler.cli.tables import verdict_table

        verdict_table(rows)
    if flagged:
        sys.exit(1)


def _options(command: Any) -> Any:
    command = click.option("--fail-on", multiple=True, type=click.Choice(VERDICTS), metavar="VERDICT",
                           help="Exit 1 when any input gets this verdict (repeatable), for scripts.")(command)
    return click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]),
                        default="table", show_default=True)(command)


@click.group()
def check() -> None:
    """Triage domains, names or images against the registry, without crawling."""


@check.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@_options
@click.pass_obj
def domains(obj: CliContext, source: str, fmt: str, fail_on: tuple[str, ...]) -> None:
    """Domains (or URLs), one per line: official, look-alike of an organisation, or clean."""
    lines = _lines(source)  # a file that cannot be read is an error before the engine is built
    with _long_lived():
        from detectors.triage import DomainTriage

        triage = DomainTriage(obj.registry())
    if _from_a_file(source):  # looked up and written many lines at a time
        _emit(triage.check(lines), fmt, fail_on)
    else:
        _emit(triage.check(lines, batch_size=1), fmt, fail_on, lines_per_write=1)


@check.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@_options
@click.pass_obj
def names(obj: CliContext, source: str, fmt: str, fail_on: tuple[str, ...]) -> None:
    """Outlet or account names, one per line: impersonation, unlicensed news branding, or clean."""
    from detectors.triage import check_names

    _emit(check_names(obj.registry(), _lines(source)), fmt, fail_on)


@check.command()
@click.argument("images", nargs=-1, required=True, metavar="IMAGE...",
                type=click.Path(dir_okay=False, path_type=Path))
@_options
@click.pass_obj
def logos(obj: CliContext, images: tuple[Path, ...], fmt: str, fail_on: tuple[str, ...]) -> None:
    """Image files (logos, favicons, avatars): does one look like an organisation's logo?"""
    from detectors.triage import check_logos

    _emit(check_logos(obj.registry(), images), fmt, fail_on)
