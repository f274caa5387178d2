"""Reading pages and judging targets, in worker processes.

Reading a real news page costs about 10 ms of CPU and judging a target a few more. Scrapy
runs on one thread: there, that work would hold back every download. Worker processes
(`MASTHEAD_ANALYSIS_WORKERS`, by default one per spare core; see crawler.workers) do it
beside the crawl, whose thread then only moves bytes. With 0 workers everything runs
in-process.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from w3lib.encoding import resolve_encoding

from crawler.extract import PageIdentity, decode_html, extract_page
from crawler.workers import WorkerPool
from detectors.hostnames import registrable_domain
from detectors.images import ImageError, image_facts

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import TargetSnapshot
    from detectors.engine import DetectionEngine
    from detectors.findings import Verdict

Result = TypeVar("Result")
_registry_paths: list[Path] = []
_engine: DetectionEngine | None = None
_engine_lock = threading.Lock()
_described: dict[tuple[str, int], tuple[int | None, int | None, str | None, str | None]] = {}
_DESCRIBED_MAX = 4096  # descriptions kept (a few hundred bytes each)


def default_workers() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


def _start_worker(registry_paths: Sequence[Path]) -> None:
    global _registry_paths
    _registry_paths = list(registry_paths)


def read_page(body: bytes, content_type: str | None, url: str, link_limit: int) -> tuple[str, PageIdentity]:
    """(encoding, identity) of a page as received."""
    text, encoding = decode_html(body, content_type)
    utf8 = body if resolve_encoding(encoding) == "utf-8" and "\ufffd" not in text else None
    return encoding, extract_page(text, url, link_limit, utf8)


def read_rendered(html: str, url: str, link_limit: int) -> PageIdentity:
    return extract_page(html, url, link_limit)


def describe_image(content: bytes, max_bytes: int) -> tuple[str, int | None, int | None, str | None, str | None]:
    """(sha256, width, height, format, error) of downloaded image bytes, decoded safely.

    The same bytes come back often (a site's logo and inline SVGs on each of its pages), and
    decoding, an SVG's above all, costs far more than hashing: answers are kept by sha256.
    An SVG is only checked, not rasterised at full size: the logo detector does that."""
    sha256 = hashlib.sha256(content).hexdigest()
    known = _described.get((sha256, max_bytes))
    if known is None:
        try:
            kind, width, height = image_facts(content, max_bytes=max_bytes)
            known = (width, height, kind, None)
        except ImageError as exc:
            known = (None, None, None, str(exc))
        if len(_described) >= _DESCRIBED_MAX:
            _described.clear()
        _described[(sha256, max_bytes)] = known
    return (sha256, *known)


def describe_images(contents: list[bytes], max_bytes: int) -> list[tuple[str, int | None, int | None, str | None, str | None]]:
    """`describe_image` of each of a target's images, in one trip to a worker."""
    return [describe_image(content, max_bytes) for content in contents]


def _engine_of_process() -> DetectionEngine:
    """The detection engine, built once per process (a second caller waits for it)."""
    global _engine
    from detectors.engine_cache import cached_engine
    from detectors.registry import Registry

    with _engine_lock:
        if _engine is None:
            _engine = cached_engine(Registry.load(_registry_paths))
        return _engine


def _build_engine_quietly() -> None:
    try:
        _engine_of_process()
    except Exception:  # noqa: BLE001 - reported by judge(), on the target that needs it
        pass


def warm_up() -> None:
    """Build what the first pages and targets need as the crawl starts. The engine (~1 s
    of imports, then ~0.3 s to load from detectors.engine_cache or ~1 s to build) comes on
    a thread of its own: the first pages are read meanwhile instead of queueing behind it,
    while the crawl, waiting for their links, would have little else to do. A registry
    that cannot be loaded is left to fail where a verdict needs it."""
    registrable_domain("example.com")
    threading.Thread(target=_build_engine_quietly, name="engine-build", daemon=True).start()


def judge(snapshot: TargetSnapshot) -> Verdict:
    """The engine's verdict on a finished target."""
    from crawler.detection import verdict_of

    return verdict_of(_engine_of_process(), snapshot)


class Analysis:
    """The crawl's pool of analysis workers (one per crawler, shared by spider and
    pipelines, shut down when the spider closes)."""

    def __init__(self, workers: int, registry_paths: Sequence[Path]):
        if workers > 0:
            self.pool: WorkerPool | None = WorkerPool(workers, _start_worker, (list(registry_paths),), warm_up)
        else:
            self.pool = None
            _start_in_process(registry_paths)

    @classmethod
    def of(cls, crawler: Crawler) -> Analysis:
        analysis = getattr(crawler, "masthead_analysis", None)
        if analysis is None:
            from scrapy import signals

            settings = crawler.settings
            workers = settings.get("MASTHEAD_ANALYSIS_WORKERS")
            analysis = cls(default_workers() if workers is None else int(workers),
                           [Path(p) for p in settings.getlist("MASTHEAD_REGISTRY")])
            crawler.masthead_analysis = analysis
            crawler.signals.connect(analysis.close, signal=signals.engine_stopped)
        return analysis

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        if self.pool is None:
            return function(*args)
        return await self.pool.run(function, *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def _start_in_process(registry_paths: Sequence[Path]) -> None:
    global _registry_paths, _engine
    if list(registry_paths) != _registry_paths:
        _registry_paths, _engine = list(registry_paths), None
