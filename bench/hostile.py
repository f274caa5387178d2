"""Resilience benchmark: a crawl of N sandbox sites with the hostile web mixed in, against
the same crawl without it.

    .venv/bin/python bench/hostile.py [--sites 1000] [--rendered-sites 0] [--bomb 1G]
                                      [--huge 100M] [--keep DIR] [--json FILE]

Builds a sandbox web of N clean sites from the real news pages in /work/shared/data/pages
(original bytes and encodings; one page and a favicon per site) and the hostile sites of
`crawler.sandbox.hostile` (compression bombs, a 100 MB page, image and SVG bombs, redirect
loops and redirects to private addresses, link traps, a one-byte-a-second server, binary
served as HTML, bad charsets, a 1 MB title, control and bidi characters in names). It
serves them with `masthead sandbox DIR --port 0` and runs `masthead crawl` as a user would
(project settings, rendering off) twice: the clean watch list, then the clean list with
the hostile sites spread through it. With `--rendered-sites M`, two more crawls with
`--render auto` over the first M clean sites, without and with the hostile sites (the
JavaScript cases included).

Measured per crawl: wall time, peak RSS of the crawl's whole process tree (Chromium and
the analysis workers included; sampled every 0.2 s with psutil), and every target's final
status from the store. The benchmark fails when a target has no snapshot or two, when a
hostile site ends with another status than the one it must, or when the hostile crawl's
peak memory is over 1.5 × the clean one's. The last line on stdout is the result as JSON.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.sandbox.hostile import HostileSite, build_hostile_web  # noqa: E402

PAGES = Path("/work/shared/data/pages")
# Images, icons, stylesheets and scripts of the real pages live on the outlets' own hosts
# and CDNs, which the sandbox does not have: each would be a 502, retried. They are taken
# out, so that the clean crawl measures the crawl, not the retries.
_OFF_SITE = re.compile(rb"<(?:img|link|script)\b[^>]*>|<meta\b[^>]*(?:og|twitter):image[^>]*>", re.I)
MEMORY_GOAL = 1.5
MASTHEAD = [sys.executable, "-m", "crawler.cli"]


@dataclass
class CrawlResult:
    name: str
    targets: int
    wall_seconds: float
    peak_rss_mb: float
    statuses: dict[str, int]
    missing: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    by_target: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def favicon() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (32, 32), "white")
    ImageDraw.Draw(image).ellipse((4, 4, 28, 28), fill="navy")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def build_clean_web(root: Path, count: int) -> list[str]:
    """N clean sites, each a real news page without its off-site resources (hard links to
    one copy per template: 1,000 sites cost the disk 200 pages) and a favicon."""
    with (PAGES / "manifest.csv").open(encoding="utf-8") as stream:
        files = [row["file"] for row in csv.DictReader(stream)]
    templates = root.parent / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    icon = templates / "favicon.png"
    icon.write_bytes(favicon())
    hosts = []
    for number in range(count):
        source = files[number % len(files)]
        template = templates / f"{number % len(files)}.html"
        if not template.exists():
            raw = (PAGES / source).read_bytes()
            template.write_bytes(_OFF_SITE.sub(b"", gzip.decompress(raw) if source.endswith(".gz") else raw))
        host = f"clean-{number:04d}.example.net"
        folder = root / host
        folder.mkdir(parents=True)
        (folder / "index.html").hardlink_to(template)
        (folder / "favicon.ico").hardlink_to(icon)
        hosts.append(host)
    return hosts


def mixed(clean: list[str], hostile: list[HostileSite]) -> list[str]:
    """The clean list with the hostile sites spread evenly through it."""
    targets = list(clean)
    step = max(1, len(clean) // (len(hostile) + 1))
    for index, site in enumerate(hostile):
        targets.insert(min(len(targets), (index + 1) * step + index), site.host)
    return targets


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_crawl(name: str, proxy: str, targets: list[str], work: Path, render: str,
              site_timeout: float) -> CrawlResult:
    watch = work / f"{name}.txt"
    watch.write_text("\n".join(targets) + "\n", encoding="utf-8")
    out = work / f"out-{name}"
    command = [*MASTHEAD, "crawl", "--targets", str(watch), "--proxy", proxy, "--out", str(out),
               "--render", render, "--site-timeout", str(site_timeout)]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, tree_rss(watched))
        time.sleep(0.2)
    wall = time.monotonic() - started
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{name}: the crawl failed ({child.returncode}): {stderr[-2000:]}")
    database = sqlite3.connect(out / "masthead.db")
    rows = database.execute("select target_key, status, json_extract(record, '$.target'), "
                            "json_extract(record, '$.error') from snapshots").fetchall()
    counts = Counter(row[0] for row in rows)
    by_target = {row[2]: (row[1], row[3]) for row in rows}
    return CrawlResult(
        name=name, targets=len(targets), wall_seconds=round(wall, 1), peak_rss_mb=round(peak / 2**20, 1),
        statuses=dict(Counter(row[1] for row in rows)),
        missing=[target for target in targets if target not in by_target],
        doubled=[key for key, count in counts.items() if count > 1],
        by_target=by_target,
    )


def judge(clean: CrawlResult, hostile: CrawlResult, cases: list[HostileSite]) -> list[str]:
    """What went wrong, in words (empty: the goal is met)."""
    problems = [f"{result.name}: no snapshot for {result.missing[:5]}" for result in (clean, hostile)
                if result.missing]
    problems += [f"{result.name}: two snapshots for {result.doubled[:5]}" for result in (clean, hostile)
                 if result.doubled]
    for case in cases:
        status, error = hostile.by_target.get(case.host, (None, None))
        if status != case.status or (case.reason and case.reason not in (error or "")):
            problems.append(f"{case.host}: {status} ({error}), expected {case.status} ({case.reason})")
    ratio = hostile.peak_rss_mb / clean.peak_rss_mb
    if ratio > MEMORY_GOAL:
        problems.append(f"{hostile.name}: peak memory {ratio:.2f} × the clean crawl's (goal ≤ {MEMORY_GOAL})")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=1000, help="clean sites (default 1000)")
    parser.add_argument("--rendered-sites", type=int, default=0,
                        help="also crawl this many clean sites with rendering, without and with the hostile ones")
    parser.add_argument("--bomb", default="1G", help="what the compression bombs inflate to (default 1G)")
    parser.add_argument("--huge", default="100M", help="size of the huge page (default 100M)")
    parser.add_argument("--site-timeout", type=float, default=180, help="--site-timeout of the crawls")
    parser.add_argument("--keep", type=Path, help="build and keep the web and outputs in DIR")
    parser.add_argument("--json", type=Path, help="also write the result to FILE")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="masthead-hostile-"))
    web = work / "web"
    if web.exists():
        shutil.rmtree(web)
    web.mkdir(parents=True)
    started = time.monotonic()
    clean_hosts = build_clean_web(web, args.sites)
    cases = build_hostile_web(web, rendered=bool(args.rendered_sites), bomb=args.bomb, huge=args.huge)
    print(f"web: {len(clean_hosts)} clean + {len(cases)} hostile sites in {time.monotonic() - started:.0f} s",
          file=sys.stderr)
    sandbox = subprocess.Popen([*MASTHEAD, "sandbox", str(web), "--port", "0"], stdout=subprocess.PIPE, text=True)
    results: list[CrawlResult] = []
    problems: list[str] = []
    try:
        proxy = sandbox.stdout.readline().strip().removeprefix("proxy: ")
        plain = [case for case in cases if not case.rendered]
        crawls = [("clean", clean_hosts, plain, "never"), ("hostile", mixed(clean_hosts, plain), plain, "never")]
        if args.rendered_sites:
            subset = clean_hosts[: args.rendered_sites]
            crawls += [("clean-rendered", subset, cases, "auto"),
                       ("hostile-rendered", mixed(subset, cases), cases, "auto")]
        for name, targets, expected, render in crawls:
            print(f"{name}: {len(targets)} targets, render {render}…", file=sys.stderr)
            results.append(run_crawl(name, proxy, targets, work, render, args.site_timeout))
            done = results[-1]
            print(f"  {done.wall_seconds} s, peak {done.peak_rss_mb} MB, {done.statuses}", file=sys.stderr)
            if name.startswith("hostile"):
                problems += judge(results[-2], done, expected)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "sites": args.sites, "rendered_sites": args.rendered_sites, "bomb": args.bomb, "huge": args.huge,
        "crawls": [{key: value for key, value in asdict(result).items() if key != "by_target"} for result in results],
        "hostile_statuses": {case.host: results[1].by_target.get(case.host) for case in cases if not case.rendered},
        "rendered_hostile_statuses": ({case.host: results[3].by_target.get(case.host) for case in cases}
                                      if args.rendered_sites else None),
        "memory_ratio": round(results[1].peak_rss_mb / results[0].peak_rss_mb, 2),
        "wall_ratio": round(results[1].wall_seconds / results[0].wall_seconds, 2),
        "rendered_memory_ratio": (round(results[3].peak_rss_mb / results[2].peak_rss_mb, 2)
                                  if args.rendered_sites else None),
        "problems": problems,
    }
    for case, outcome in report["hostile_statuses"].items():
        print(f"  {case:32} {outcome[0] if outcome else 'MISSING'}: {outcome[1] if outcome else ''}", file=sys.stderr)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    line = json.dumps(report, ensure_ascii=False)
    if args.json:
        args.json.write_text(line + "\n", encoding="utf-8")
    print(line)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
