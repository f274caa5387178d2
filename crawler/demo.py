"""`make demo`: the whole path on the bundled demo web, offline.

Starts the sandbox web on seeds/demo-web, crawls the demo watch list through it and shows
what was found. Each step is a real `masthead` command, printed before it runs.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MASTHEAD = [sys.executable, "-m", "crawler.cli"]


def _run(*args: str) -> None:
    print(f"\n$ masthead {shlex.join(args)}", flush=True)
    subprocess.run([*MASTHEAD, *args], check=True)


def main(out: Path = Path("output/demo")) -> None:
    sandbox = subprocess.Popen([*MASTHEAD, "sandbox", str(SEEDS / "demo-web"), "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        proxy = sandbox.stdout.readline().strip().removeprefix("proxy: ")
        print(f"sandbox web of {SEEDS / 'demo-web'} at {proxy}")
        _run("scan", "--targets-file", str(SEEDS / "watchlists" / "demo.txt"), "--proxy", proxy,
             "--out", str(out), "--format", "table")
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)


if __name__ == "__main__":
    main()
