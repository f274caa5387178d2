"""Crawl benchmark: the `site` spider against a bare Scrapy spider, on a sandbox web.

    .venv/bin/python bench/crawl.py [--sites N] [--rendered-sites M] [--repeat R] [--profile]
                                    [--scheme https|http] [--no-polite] [--no-detection]
                                    [--keep DIR] [--json FILE]      (see bench/README.md)

Builds a sandbox web of N sites made from the real news pages in /work/shared/data/pages
(original bytes and encodings, GBK included): a home page and four identity pages per site
(关于我们 /about/, 联系我们 /contact/, 版权声明 /copyright/, About /about-us.html), a favicon
and a logo. It serves them with `masthead sandbox DIR --port 0` and runs, each in its own
process and all in this one run (the machine is shared and noisy: only ratios measured
together mean something):

  bare            a plain `scrapy.Spider` fetching exactly the URLs the site spider fetches,
                  through the same proxy, with the same concurrency and politeness settings,
                  and doing nothing with the responses;
  site            the `site` spider, rendering off (MASTHEAD_RENDER=never), evidence written
                  to a temporary folder, with the same settings as `bare` (AutoThrottle off);
  site-polite     the same with the project's own politeness settings (AutoThrottle on), for
                  information;
  site-rendered   the `site` spider with rendering (MASTHEAD_RENDER=auto: home page rendered
                  in Chromium and screenshotted) over the first M sites.

pages/s counts HTML pages (not robots.txt, not images) over Scrapy's `elapsed_time_seconds`
(engine start to close; interpreter start-up excluded). Peak memory: the crawl process's
own peak RSS (`wait4`) and the sampled peak RSS (and PSS) of its whole process tree,
Chromium included. Every run checks that it fetched exactly what it should have; a run
that fetched fewer pages fails the benchmark.

The last line on stdout is the result as JSON (also written to --json FILE).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crawl_children import child_main
from newsweb import IMAGE_PATHS, PAGES_PER_SITE, BenchSite, build_web
from crawl_runs import Bench, BenchFailure, RunResult

REPO = Path(__file__).resolve().parent.parent
GOAL_RATIO = 0.8

# Settings both spiders of the ratio share, taken from the project's own (crawler.settings)
# except AutoThrottle, which is off for both (Scrapy's default).
SHARED_SETTING_NAMES = (
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "ROBOTSTXT_OBEY", "USER_AGENT",
    "COOKIES_ENABLED", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE",
    "REDIRECT_MAX_TIMES", "RETRY_TIMES", "RETRY_HTTP_CODES", "TWISTED_REACTOR",
)


def shared_settings() -> dict[str, Any]:
    import crawler.settings as project

    settings = {name: getattr(project, name) for name in SHARED_SETTING_NAMES}
    settings.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0, LOG_LEVEL="WARNING")
    return settings


# =========================================================================================
# Report
# =========================================================================================

def table(results: list[RunResult]) -> str:
    head = (f"{'run':<16} {'sites':>5} {'pages':>6} {'images':>6} {'inline':>6} {'robots':>6} {'rendered':>8} "
            f"{'crawl s':>8} {'wall s':>7} {'pages/s':>8} {'cpu s':>6} {'own cpu':>7} {'sbx cpu':>7} "
            f"{'own MB':>7} {'tree MB':>8} {'tree PSS':>8}")
    lines = [head, "-" * len(head)]
    for r in results:
        pss = f"{r.tree_pss_mb:8.0f}" if r.tree_pss_mb else f"{'-':>8}"
        lines.append(
            f"{r.run:<16} {r.sites:>5} {r.pages:>6} {r.images:>6} {r.inline_images:>6} {r.robots:>6} {r.rendered:>8} "
            f"{r.elapsed:>8.1f} {r.wall:>7.1f} {r.pages_per_s:>8.1f} {r.cpu:>6.1f} {r.own_cpu:>7.1f} {r.sandbox_cpu:>7.1f} "
            f"{r.self_peak_mb:>7.0f} {r.tree_peak_mb:>8.0f} {pss}")
    return "\n".join(lines)


def print_profile(path: str, limit: int = 30) -> None:
    import pstats

    for key in ("tottime", "cumulative"):
        print(f"\n--- profile of the site spider (rendering off), by {key} ---")
        stream = io.StringIO()
        pstats.Stats(path, stream=stream).strip_dirs().sort_stats(key).print_stats(limit)
        text = stream.getvalue()
        print(text[text.find("   ncalls"):] if "   ncalls" in text else text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=220, help="sites in the sandbox web (5 pages each)")
    parser.add_argument("--rendered-sites", type=int, default=30,
                        help="sites of the rendered run (0: skip it)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="bare/site pairs (alternating order); medians are reported")
    parser.add_argument("--scheme", choices=("https", "http"), default="https",
                        help="https (CONNECT tunnels, TLS) as real sites, or plain http")
    parser.add_argument("--no-polite", action="store_true",
                        help="skip the run with the project's own politeness settings")
    parser.add_argument("--profile", action="store_true",
                        help="also run the site spider under cProfile and print where time goes")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the sandbox web (DIR/web, reused by later runs with the same "
                             "--sites and --seed) and each run's logs and results (DIR/run-*)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the result as JSON")
    parser.add_argument("--registry", type=Path, action="append", metavar="FILE",
                        help="registry file(s) for the site spider's detection pipeline "
                             "(MASTHEAD_REGISTRY; default: the project's)")
    parser.add_argument("--no-detection", action="store_true",
                        help="leave out the detection pipeline (crawler.detection) to time the "
                             "crawl alone")
    parser.add_argument("--site-timeout", type=float, default=3600,
                        help="MASTHEAD_SITE_TIMEOUT of the site runs (the project's is 180 s, "
                             "counted from the crawl's start for every site: see README)")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per crawl")
    args = parser.parse_args()
    if args.sites * PAGES_PER_SITE < 1000:
        print(f"note: {args.sites} sites make {args.sites * PAGES_PER_SITE} pages (< 1,000)", file=sys.stderr)

    keep = args.keep.resolve() if args.keep else None
    root = keep or Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    web = root / "web"
    try:
        sites = prepare_web(web, args)
        work = root / datetime.datetime.now().strftime("run-%Y%m%dT%H%M%S")
        work.mkdir(parents=True)
        sandbox = subprocess.Popen([sys.executable, "-m", "crawler.cli", "sandbox", str(web), "--port", "0"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
        try:
            first = sandbox.stdout.readline().strip()
            if not first.startswith("proxy: "):
                raise SystemExit(f"the sandbox did not start: {first!r}")
            proxy = first.removeprefix("proxy: ")
            bench = Bench(work, proxy, sandbox.pid, sites, args.scheme, args.timeout)
            status = run_all(bench, args)
        finally:
            sandbox.terminate()
            try:
                sandbox.wait(timeout=10)
            except subprocess.TimeoutExpired:
                sandbox.kill()
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(status)


def prepare_web(web: Path, args: argparse.Namespace) -> list[BenchSite]:
    """Build the sandbox web, or reuse the one a --keep folder holds if it was built
    with the same sites and seed."""
    index = web / "bench-sites.json"
    wanted = {"sites": args.sites, "seed": args.seed}
    if index.is_file():
        saved = json.loads(index.read_text(encoding="utf-8"))
        if saved["built_with"] == wanted:
            print(f"sandbox web: reusing {web}", file=sys.stderr)
            return [BenchSite(**site) for site in saved["sites"]]
        raise SystemExit(f"{web} was built with {saved['built_with']}, not {wanted}: "
                         "use another --keep folder")
    if web.exists() and any(web.iterdir()):
        raise SystemExit(f"{web}: folder not empty")
    web.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    log: list[str] = []
    sites = build_web(web, args.sites, args.seed, log)
    size = sum(path.stat().st_size for path in web.rglob("*") if path.is_file())
    print(f"sandbox web: {len(sites)} sites, {len(sites) * PAGES_PER_SITE} pages, "
          f"{len(sites) * len(IMAGE_PATHS)} images, {size / 1e6:.0f} MB, built in "
          f"{time.monotonic() - started:.0f} s in {web}", file=sys.stderr)
    for line in log:
        print(f"  {line}", file=sys.stderr)
    index.write_text(json.dumps({"built_with": wanted, "sites": [asdict(site) for site in sites]},
                                ensure_ascii=False), encoding="utf-8")
    return sites


def run_all(bench: Bench, args: argparse.Namespace) -> int:
    """All runs; a run that fails is reported and the others still run. Exit status 1 if
    any failed."""
    settings = shared_settings()
    # Not a politeness setting: a per-site safety cap, which (see README) starts counting
    # for every site when the crawl starts, so that a slow run would cut late sites short.
    site_settings = {**settings, "MASTHEAD_SITE_TIMEOUT": args.site_timeout}
    if args.registry:
        site_settings["MASTHEAD_REGISTRY"] = [str(path.resolve()) for path in args.registry]
    if args.no_detection:
        import crawler.settings as project

        site_settings["ITEM_PIPELINES"] = {name: order for name, order in project.ITEM_PIPELINES.items()
                                           if not name.startswith("crawler.detection.")}
    # A crawl loads its detection engine from the cache (detectors/engine_cache.py), which
    # the first crawl on a machine fills: filled here, so that no run pays a build the
    # others do not.
    from detectors.engine_cache import cached_engine
    from detectors.registry import Registry

    cached_engine(Registry.load(args.registry or []))
    results: list[RunResult] = []
    failures: list[str] = []

    def attempt(name: str, run: Any) -> RunResult | None:
        print(f"running {name}…", file=sys.stderr)
        try:
            result = run()
        except BenchFailure as exc:
            failures.append(str(exc))
            print(f"FAILED {exc}", file=sys.stderr)
            return None
        results.append(result)
        return result

    pairs: list[tuple[RunResult, RunResult]] = []
    for repeat in range(args.repeat):
        suffix = f"#{repeat + 1}" if args.repeat > 1 else ""
        order = ("bare", "site") if repeat % 2 == 0 else ("site", "bare")
        pair = {}
        for kind in order:
            name = f"{kind}{suffix}"
            pair[kind] = attempt(name, (lambda name=name: bench.bare(settings, name)) if kind == "bare"
                                 else (lambda name=name: bench.site(site_settings, name)))
        if pair["bare"] and pair["site"]:
            pairs.append((pair["bare"], pair["site"]))
    if not args.no_polite:
        polite = {key: value for key, value in site_settings.items()
                  if key not in ("AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY")}
        attempt("site-polite", lambda: bench.site(polite, "site-polite"))
    if args.rendered_sites:
        attempt("site-rendered", lambda: bench.site(site_settings, "site-rendered", render="auto",
                                                     count=args.rendered_sites))
    profile_path = None
    if args.profile:
        print("running site-profiled (cProfile)…", file=sys.stderr)
        path = str(bench.work / "site.prof")
        try:
            profiled = bench.site({**site_settings, "MASTHEAD_SITE_TIMEOUT": max(args.site_timeout, 3600)},
                                  "site-profiled", profile=path)
        except BenchFailure as exc:
            failures.append(str(exc))
        else:
            profile_path = path
            for note in profiled.notes:
                print(f"note (site-profiled): {note}", file=sys.stderr)

    speed = [site.pages_per_s / bare.pages_per_s for bare, site in pairs]
    memory = [site.self_peak_mb / bare.self_peak_mb for bare, site in pairs]
    cpu = [(site.cpu / site.pages) / (bare.cpu / bare.pages) for bare, site in pairs]

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 3) if values else None

    summary = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_at_end": [round(value, 2) for value in os.getloadavg()]},
        "scheme": args.scheme,
        "sites": len(bench.sites),
        "ratio_pages_per_s": median(speed),
        "ratio_pages_per_s_each": [round(value, 3) for value in speed],
        "ratio_peak_rss": median(memory),
        "ratio_cpu_per_page": median(cpu),
        "goal": GOAL_RATIO,
        "goal_met": bool(speed) and statistics.median(speed) >= GOAL_RATIO,
        "failures": failures,
        "runs": [result.to_dict() for result in results],
    }
    print()
    print(table(results))
    print()
    if speed:
        print(f"site/bare pages/s: {summary['ratio_pages_per_s']:.2f} (goal ≥ {GOAL_RATIO}; "
              f"each pair: {', '.join(f'{value:.2f}' for value in speed)})")
        print(f"site/bare peak RSS: {summary['ratio_peak_rss']:.2f}   "
              f"site/bare process CPU per page: {summary['ratio_cpu_per_page']:.2f}")
    for r in results:
        if r.home_to_done_median is not None:
            print(f"{r.run}: a site waited at most {r.wait_to_home_max:.0f} s for its home page "
                  f"(its time cap runs meanwhile); home page to snapshot: median "
                  f"{r.home_to_done_median:.1f} s, max {r.home_to_done_max:.1f} s")
        for note in r.notes:
            print(f"note ({r.run}): {note}")
    for r in results:
        if r.rendered:
            print(f"rendered: {r.rendered} home pages in {r.elapsed:.1f} s = {r.rendered_per_s:.2f} "
                  f"rendered pages/s ({r.pages_per_s:.1f} pages/s all told); peak tree RSS "
                  f"{r.tree_peak_mb:.0f} MB, PSS {r.tree_pss_mb:.0f} MB, {r.processes} processes at most")
    if profile_path:
        print_profile(profile_path)
    for failure in failures:
        print(f"\nFAILED {failure}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(json.dumps(summary))
    return 1 if failures else 0


if __name__ == "__main__":
    # This checkout's code, not the one the environment has installed (editable installs
    # resolve `crawler` to their own checkout): a bench run from a second worktree runs
    # that worktree's code, in the children and their analysis workers too.
    sys.path.insert(0, str(REPO))
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child_main(sys.argv[2])
    else:
        main()
