"""The store on PostgreSQL (`--db URL`): the same workflow as on SQLite, on a real server."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlalchemy

from tests.conftest import RunningSandbox, run_masthead
from tests.postgres import postgres_server
from tests.test_workflow import SITES, build_web, crawl


def test_crawl_diff_export_and_label_on_postgresql(tmp_path: Path) -> None:
    watch = tmp_path / "watch.txt"
    watch.write_text("\n".join(SITES) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with postgres_server(tmp_path / "postgres") as url:
        for second in (False, True):
            running = RunningSandbox(build_web(tmp_path / f"web-{int(second)}", second))
            try:
                crawl(running.url, out, watch, "--db", url)
            finally:
                running.stop()
        assert not (out / "masthead.db").exists(), "nothing went to the default SQLite store"
        with sqlalchemy.create_engine(url).connect() as connection:
            runs = connection.execute(sqlalchemy.text(
                "select status, targets_done from runs order by started_at")).fetchall()
        assert [tuple(run) for run in runs] == [("finished", 6), ("finished", 6)]

        diff = run_masthead("diff", "--db", url, "--out", str(out), "--format", "jsonl")
        assert diff.returncode == 0, diff.stderr
        changes = {c["target"]: c["change"] for c in map(json.loads, diff.stdout.splitlines())}
        assert changes == {"new-fake.example.com": "new_suspect", "vanishing.example.com": "suspect_gone",
                           "logo-change.example.com": "changed"}

        labelled = run_masthead("label", "new-fake.example.com", "confirmed", "--note", "人工核实",
                                "--db", url, "--out", str(out))
        assert labelled.returncode == 0, labelled.stderr
        path = tmp_path / "suspects.csv"
        exported = run_masthead("export", "--format", "csv", "-o", str(path), "--db", url, "--out", str(out))
        assert exported.returncode == 0, exported.stderr
        rows = {row["target"]: row for row in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())}
        assert rows["new-fake.example.com"]["org_name"] == "人民日报社"
        assert rows["new-fake.example.com"]["label"] == "confirmed"
