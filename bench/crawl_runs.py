"""The runs of bench/crawl.py: each crawl in its own measured process, and the checks
that it fetched exactly what it should have."""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsweb import PAGES_PER_SITE, BenchSite
from process_tree import Measured, cpu_seconds, run_measured


@dataclass
class RunResult:
    run: str
    sites: int
    pages: int
    images: int
    robots: int
    rendered: int
    inline_images: int  # inline SVG and data: images read from the pages (not fetched)
    elapsed: float  # Scrapy's elapsed_time_seconds
    wall: float  # process, start-up included
    cpu: float
    own_cpu: float  # the crawl process alone (cpu less its analysis workers)
    sandbox_cpu: float
    self_peak_mb: float
    tree_peak_mb: float
    tree_pss_mb: float
    processes: int
    requests: int
    retries: int
    # Per site (site spider): seconds from the visit's start (when start() yielded it; its
    # MASTHEAD_SITE_TIMEOUT clock starts then) to its home page, and from its home page to
    # its snapshot.
    wait_to_home_max: float | None = None
    home_to_done_median: float | None = None
    home_to_done_max: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.elapsed if self.elapsed else 0.0

    @property
    def rendered_per_s(self) -> float:
        return self.rendered / self.elapsed if self.elapsed else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pages_per_s": round(self.pages_per_s, 2),
                "rendered_per_s": round(self.rendered_per_s, 3)}


class BenchFailure(SystemExit):
    pass


class Bench:
    def __init__(self, work: Path, proxy: str, sandbox_pid: int, sites: list[BenchSite],
                 scheme: str, timeout: float):
        self.work, self.proxy, self.sandbox_pid = work, proxy, sandbox_pid
        self.sites, self.scheme, self.timeout = sites, scheme, timeout
        self.counter = 0
        self.last_log: Path | None = None

    def urls(self, sites: list[BenchSite]) -> tuple[list[str], list[str]]:
        pages = [url.format(scheme=self.scheme) for site in sites for url in site.page_urls]
        images = [url.format(scheme=self.scheme) for site in sites for url in site.image_urls]
        return pages, images

    def _child(self, name: str, config: dict[str, Any], pss: bool = False) -> tuple[dict[str, Any], Measured, float]:
        self.counter += 1
        stem = self.work / f"{self.counter:02d}-{name}"
        config = {**config, "proxy": self.proxy, "result": f"{stem}.result.json"}
        Path(f"{stem}.config.json").write_text(json.dumps(config), encoding="utf-8")
        self.last_log = Path(f"{stem}.log")
        sandbox_before = cpu_seconds(self.sandbox_pid)
        measured = run_measured([sys.executable, str(Path(__file__).with_name("crawl.py")), "--child",
                                 f"{stem}.config.json"], Path(f"{stem}.log"), self.timeout, pss)
        sandbox_cpu = cpu_seconds(self.sandbox_pid) - sandbox_before
        if measured.returncode != 0 or not Path(f"{stem}.result.json").is_file():
            tail = Path(f"{stem}.log").read_text(encoding="utf-8", errors="replace")[-3000:]
            raise BenchFailure(f"{name}: the crawl process failed (exit {measured.returncode}):\n{tail}")
        return json.loads(Path(f"{stem}.result.json").read_text(encoding="utf-8")), measured, sandbox_cpu

    def _result(self, name: str, sites: int, result: dict[str, Any], measured: Measured,
                sandbox_cpu: float, settings: dict[str, Any]) -> RunResult:
        stats = result["stats"]
        mb = 1024 * 1024
        return RunResult(
            run=name, sites=sites, pages=result["pages_ok"], images=result["images_ok"],
            robots=int(stats.get("robotstxt/response_count", 0)),
            rendered=result.get("rendered_ok", 0), inline_images=result.get("inline_images", 0),
            elapsed=float(stats["elapsed_time_seconds"]), wall=measured.wall, cpu=measured.cpu,
            own_cpu=result.get("own_cpu", measured.cpu), sandbox_cpu=sandbox_cpu, self_peak_mb=measured.self_peak_rss / mb,
            tree_peak_mb=measured.tree_peak_rss / mb, tree_pss_mb=measured.tree_peak_pss / mb,
            processes=measured.processes, requests=int(stats.get("downloader/request_count", 0)),
            retries=int(stats.get("retry/count", 0)), settings=settings,
        )

    @staticmethod
    def _outside_failures(result: dict[str, Any], sites: list[BenchSite]) -> list[str]:
        """Failed images on hosts the sandbox web does not serve. A real page's scripts may
        put in images from its CDNs (cdn.oneesports.gg); with no internet those fail, with
        retries, as they would for a crawler cut off from that CDN."""
        hosts = {site.host for site in sites}
        return sorted(url for url in result["failed_images"] if urlsplit(url).hostname not in hosts)

    @staticmethod
    def _fetch_problems(result: dict[str, Any], sites: int, settings: dict[str, Any],
                        excused: bool = False) -> list[str]:
        """Problems with robots.txt and download errors; `excused`: retries and errors are
        those of images outside the sandbox web (then any failure inside it is caught by
        the fetched-URL checks)."""
        stats, problems = result["stats"], []
        robots = int(stats.get("robotstxt/response_count", 0))
        if settings.get("ROBOTSTXT_OBEY") and robots != sites:
            problems.append(f"fetched robots.txt of {robots}/{sites} sites")
        if not excused and (stats.get("retry/count") or stats.get("downloader/exception_count")):
            problems.append(f"{stats.get('retry/count', 0)} retries, "
                            f"{stats.get('downloader/exception_count', 0)} download errors")
        return problems

    def bare(self, settings: dict[str, Any], name: str = "bare") -> RunResult:
        pages, images = self.urls(self.sites)
        # Home pages first, then each identity page, then images: the order in which the
        # site spider's chained requests become due.
        ordered = [pages[i::PAGES_PER_SITE] for i in range(PAGES_PER_SITE)]
        ordered = [url for group in ordered for url in group] + images
        result, measured, sandbox_cpu = self._child(name, {"kind": "bare", "urls": ordered,
                                                           "settings": settings})
        problems = self._fetch_problems(result, len(self.sites), settings)
        if result["pages_ok"] != len(pages) or result["images_ok"] != len(images) or result["failed"]:
            problems.append(f"fetched {result['pages_ok']}/{len(pages)} pages, "
                            f"{result['images_ok']}/{len(images)} images, {result['failed']} failed")
        if sorted(result["urls"]) != sorted(pages + images):
            problems.append("fetched other URLs than asked")
        if problems:
            raise BenchFailure(f"{name}: " + "; ".join(problems) + f" (log: {self.last_log})")
        return self._result(name, len(self.sites), result, measured, sandbox_cpu, settings)

    def site(self, settings: dict[str, Any], name: str, render: str = "never",
             count: int | None = None, profile: str | None = None) -> RunResult:
        sites = self.sites[:count] if count else self.sites
        pages, images = self.urls(sites)
        output = self.work / f"out-{name}"
        targets = [site.target for site in sites]
        if self.scheme == "http":
            targets = [f"http://{site.target}/" for site in sites]
        config = {"kind": "site", "targets": targets, "render": render, "settings": settings,
                  "output": str(output), "profile": profile}
        result, measured, sandbox_cpu = self._child(name, config, pss=render != "never")
        notes: list[str] = []
        outside = self._outside_failures(result, sites) if render != "never" else []
        if outside:
            notes.append(f"{len(outside)} image(s) of rendered pages on hosts outside the sandbox web "
                         f"not fetched: {outside[:3]}")
        problems = self._fetch_problems(result, len(sites), settings, excused=bool(outside))
        if result["snapshots"] != len(sites) or result["snapshots_ok"] != len(sites):
            problems.append(f"{result['snapshots_ok']}/{len(sites)} sites ok ({result['snapshots']} snapshots)")
        if result["pages_ok"] != len(pages) or result["pages_failed"]:
            problems.append(f"fetched {result['pages_ok']}/{len(pages)} pages ({result['pages_failed']} failed)")
        fetched, expected = set(result["urls"]), set(pages + images)
        if render == "never":
            if result["images_ok"] != len(images) or result["images_failed"]:
                problems.append(f"fetched {result['images_ok']}/{len(images)} images "
                                f"({result['images_failed']} failed)")
            if sorted(result["urls"]) != sorted(pages + images):
                problems.append(f"fetched other URLs than the bare spider (missing "
                                f"{sorted(expected - fetched)[:5]}, extra {sorted(fetched - expected)[:5]})")
        else:
            # A rendered DOM may show images the page as served does not (scripts rewrite
            # heads): those extra fetches are allowed, and said.
            if expected - fetched:
                problems.append(f"missing {len(expected - fetched)} URLs: {sorted(expected - fetched)[:5]}")
            extra = sorted((fetched | set(result["failed_images"])) - expected - set(outside))
            if extra:
                notes.append(f"{len(extra)} image(s) seen only in rendered pages: {extra[:3]}")
            result["images_ok"] = len(expected & fetched) - len(pages)
        if render == "never" and result["rendered_ok"] + result["rendered_failed"]:
            problems.append("rendered pages with MASTHEAD_RENDER=never")
        if render != "never" and (result["rendered_ok"] != len(sites) or result["rendered_failed"]
                                  or result["screenshots"] != len(sites)):
            problems.append(f"rendered {result['rendered_ok']}/{len(sites)} home pages "
                            f"({result['rendered_failed']} failed, {result['screenshots']} screenshots)")
        if problems and profile:
            notes += problems  # cProfile slows the crawl: its fetch counts are not judged
        elif problems:
            details = "\n  ".join(result.get("errors", [])[:10])
            raise BenchFailure(f"{name}: " + "; ".join(problems) + f" (log: {self.last_log})"
                               + (f"\n  {details}" if details else ""))
        if output.exists():
            shutil.rmtree(output, ignore_errors=True)
        run = self._result(name, len(sites), result, measured, sandbox_cpu, settings)
        run.notes = notes
        spans = [(start, home, done) for start, home, done in result["spans"]
                 if None not in (start, home, done)]
        if spans:
            run.wait_to_home_max = round(max(home - start for start, home, _ in spans), 1)
            to_done = [done - home for _, home, done in spans]
            run.home_to_done_median = round(statistics.median(to_done), 1)
            run.home_to_done_max = round(max(to_done), 1)
        return run


