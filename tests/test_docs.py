"""The README documents what exists: every command, every setting, the CSV columns."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from crawler import settings
from crawler.cli import cli
from crawler.exports.records import COLUMNS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "masthead") -> list[str]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):  # `masthead`'s commands are imported when asked for
        command = group.get_command(context, name)
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found += _commands(command, path)
        else:
            found.append(path)
    return found


def test_the_two_commands_come_first() -> None:
    first_section = README.split("\n## ", 2)[1]
    assert "make demo" in first_section and "make test" in first_section


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_documented(command: str) -> None:
    group, _, leaf = command.rpartition(" ")
    assert command in README or re.search(rf"{re.escape(group)} [\w|]*\b{leaf}\b", README), command


@pytest.mark.parametrize("setting", [name for name in dir(settings) if name.startswith("MASTHEAD_")])
def test_every_masthead_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in README


def test_csv_columns_are_documented_in_order() -> None:
    documented = re.search(r"Columns, in this order\s+and stable: `([^`]+)`", README).group(1)
    assert [column.strip() for column in documented.split(",")] == list(COLUMNS)


def test_every_crawl_option_is_documented() -> None:
    for option in ("--render", "--proxy", "--out", "--db", "--ignore-robots", "--max-pages",
                   "--site-timeout", "--fail-on"):
        assert f"`{option}" in README, option
