"""The command line: help everywhere, one-line user errors with exit status 2."""

from __future__ import annotations

import json

import click
import pytest

from crawler.cli import cli
from tests.conftest import run_masthead


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    context = click.Context(group)
    for name in group.list_commands(context):  # `masthead`'s commands are imported when asked for
        command = group.get_command(context, name)
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


@pytest.mark.parametrize("path", [(), *_command_paths(cli)], ids=lambda p: " ".join(p) or "masthead")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run_masthead(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: masthead {' '.join(path)}".rstrip())


def test_version() -> None:
    result = run_masthead("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("masthead, version ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "masthead: error: No such command 'frobnicate'."),
        (["registry", "list", "--format", "xml"], "masthead: error: Invalid value for '--format'"),
        (["--registry", "/no/such.yaml", "registry", "list"],
         "masthead: error: /no/such.yaml: cannot read registry (No such file or directory)"),
        (["registry", "validate", "/no/such.yaml"], "masthead: error: /no/such.yaml: cannot read"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run_masthead(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_global_registry_option_replaces_the_bundled_one(write_registry) -> None:
    path = write_registry([{"id": "demo", "name": "Demo Daily", "type": "newspaper",
                            "domains": ["demo-daily.example"], "names": ["演示日报"]}])
    result = run_masthead("--registry", str(path), "registry", "list", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["id"] for record in records] == ["demo"]
    assert records[0]["names"] == ["演示日报"]
    assert set(records[0]) >= {"id", "name", "names", "type", "domains", "licences", "logos",
                               "accounts"}


def test_registry_validate_reports_the_bad_entry(write_registry) -> None:
    good = write_registry([{"id": "a", "name": "A", "type": "website", "domains": ["a.example"]}],
                          "good.yaml")
    assert run_masthead("registry", "validate", str(good)).stdout == "ok: 1 organisations in 1 file(s)\n"
    bad = write_registry([{"id": "b", "name": "B", "type": "website", "domains": ["a.example"],
                           "licences": ["12345"]}], "bad.yaml")
    result = run_masthead("registry", "validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}: entry 1 (id 'b'): field 'licences'" in result.stderr
    clash = run_masthead("registry", "validate", str(good), str(write_registry(
        [{"id": "b", "name": "B", "type": "website", "domains": ["A.example"]}], "clash.yaml")))
    assert clash.returncode == 2
    assert "domain 'a.example' is already claimed by organisation 'a'" in clash.stderr


@pytest.mark.parametrize("command", ["scan", "crawl", "schedule"])
def test_allow_private_is_offered_wherever_masthead_crawls(command: str) -> None:
    result = run_masthead(command, "--help")
    assert "--allow-private" in result.stdout


@pytest.mark.parametrize("kind", ["domains", "names"])
def test_check_of_a_file_that_cannot_be_read_fails_before_building_anything(kind: str, tmp_path) -> None:
    """The engine (~1 s) is built only for input that can be read: an empty cache folder
    stays empty."""
    import os
    import subprocess

    from tests.conftest import MASTHEAD

    cache = tmp_path / "cache"
    result = subprocess.run([*MASTHEAD, "check", kind, str(tmp_path / "no-such.txt")], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "MASTHEAD_CACHE_DIR": str(cache)})
    assert result.returncode == 2
    assert result.stderr == f"masthead: error: {tmp_path / 'no-such.txt'}: cannot read (No such file or directory)\n"
    assert not cache.exists() or not list(cache.iterdir())
