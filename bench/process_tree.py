"""Measuring a child process: wall time, CPU, peak RSS (its own, and its whole process tree
sampled from /proc, Chromium included)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


def _ppids() -> dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stream:
                    fields = stream.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    return parents


def _tree(root: int) -> list[int]:
    parents = _ppids()
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue += children.get(pid, [])
    return found


def _memory(pid: int, pss: bool) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process; 0s when it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as stream:
            rss = int(stream.read().split()[1]) * _PAGE
        proportional = 0
        if pss:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                for line in stream:
                    if line.startswith(b"Pss:"):
                        proportional = int(line.split()[1]) * 1024
                        break
        return rss, proportional
    except (OSError, ValueError, IndexError):
        return 0, 0


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            fields = stream.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Measured:
    returncode: int
    wall: float
    cpu: float  # user + system of the crawl process and its reaped children
    self_peak_rss: int  # bytes, from wait4
    tree_peak_rss: int  # bytes, sampled sum over the process tree
    tree_peak_pss: int
    processes: int  # most processes seen at once in the tree


def run_measured(command: list[str], log: Path, timeout: float, pss: bool,
                 interval: float = 0.2) -> Measured:
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as output:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        peak_rss = peak_pss = most = 0
        next_sample = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.monotonic()
            if now - started > timeout:
                process.kill()
                raise SystemExit(f"{command[-1]}: no result after {timeout:.0f} s (see {log})")
            if now >= next_sample:
                tree = _tree(process.pid)
                sizes = [_memory(member, pss) for member in tree]
                peak_rss = max(peak_rss, sum(rss for rss, _ in sizes))
                peak_pss = max(peak_pss, sum(proportional for _, proportional in sizes))
                most = max(most, len(tree))
                next_sample = now + interval
            time.sleep(0.02)
        wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(process.returncode, wall, usage.ru_utime + usage.ru_stime,
                    usage.ru_maxrss * 1024, max(peak_rss, usage.ru_maxrss * 1024), peak_pss, most)


