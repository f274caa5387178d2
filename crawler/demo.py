"""`make demo`: the whole path on the bundled demo web, offline —
crawl → verdicts → store → CSV and HTML report, then the table of what was found.

Each step is a real `masthead` command, printed before it runs.
"""

from __future__ import annotations

import csv
import shlex
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.cli.display import visible

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MASTHEAD = [sys.executable, "-m", "crawler.cli"]
_STYLE = {"official": "green", "impersonation": "bold red", "licence_misuse": "red",
          "unlicensed_news": "yellow"}


def _run(*args: str) -> None:
    print(f"\n$ masthead {shlex.join(args)}", flush=True)
    subprocess.run([*MASTHEAD, *args], check=True)


def _table(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    table = Table(title=f"What the demo crawl found ({path})", show_lines=True)
    for column in ("target", "verdict", "organisation", "why"):
        table.add_column(column, overflow="fold")
    for row in rows:
        org = f"{row['org_name']} ({row['org_id']})" if row["org_id"] else ""
        table.add_row(visible(row["target"]), Text(f"{row['verdict']} {row['score']}", style=_STYLE.get(row["verdict"], "")),
                      visible(org), visible(row["reasons"].split("; ")[0] if row["reasons"] else row["status"], 160))
    Console().print(table)


def main(out: Path = Path("output/demo")) -> None:
    sandbox = subprocess.Popen([*MASTHEAD, "sandbox", str(SEEDS / "demo-web"), "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        proxy = sandbox.stdout.readline().strip().removeprefix("proxy: ")
        print(f"sandbox web of {SEEDS / 'demo-web'} at {proxy}")
        _run("crawl", "--targets", str(SEEDS / "watchlists" / "demo.txt"), "--proxy", proxy, "--out", str(out))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    _run("export", "--format", "csv", "-o", str(out / "suspects.csv"), "--out", str(out))
    _run("export", "--format", "html", "-o", str(out / "report.html"), "--out", str(out))
    everything = out / "all-targets.csv"
    _run("export", "--format", "csv", "-o", str(everything), "--out", str(out),
         *[arg for verdict in ("impersonation", "licence_misuse", "unlicensed_news", "official", "clean")
           for arg in ("--verdict", verdict)])
    _run("diff", "--out", str(out))
    _table(everything)
    print(f"\nSuspects for Excel: {out / 'suspects.csv'} · report: {out / 'report.html'} · "
          f"evidence: {out / 'evidence'}/")


if __name__ == "__main__":
    main()
