"""crawler.analysis: what the analysis workers compute, and what they remember."""

from __future__ import annotations

import asyncio

import pytest

from crawler import analysis
from tests.drawing import logo, png_bytes


def test_the_same_image_bytes_are_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[int] = []
    real = analysis.image_facts

    def counting(content: bytes, **options):
        decoded.append(len(content))
        return real(content, **options)

    monkeypatch.setattr(analysis, "image_facts", counting)
    monkeypatch.setattr(analysis, "_described", {})
    content = png_bytes(logo(3, 64))
    first, again = analysis.describe_image(content, 10_000_000), analysis.describe_image(content, 10_000_000)
    assert first == again and first[1:4] == (64, 64, "PNG")
    assert len(decoded) == 1
    broken = analysis.describe_image(content[:40], 10_000_000)
    assert broken[4] and analysis.describe_image(content[:40], 10_000_000) == broken
    assert len(decoded) == 2, "a refused image is remembered too"


def test_a_targets_images_are_described_in_one_trip_in_order() -> None:
    """Each trip to a worker costs the crawl's thread a hand-over: a target's images go
    together, and each answer stays with its image."""
    pool = analysis.Analysis(1, [])
    try:
        contents = [png_bytes(logo(1, 32)), b"not an image", png_bytes(logo(2, 48))]
        described = asyncio.run(pool.run(analysis.describe_images, contents, 10_000_000))
    finally:
        pool.close()
    assert [entry[1:4] for entry in described] == [(32, 32, "PNG"), (None, None, None), (48, 48, "PNG")]
    assert described[1][4] and not described[0][4] and not described[2][4]


def test_pages_are_read_while_the_engine_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's warm-up builds the detection engine beside the first pages, not in
    front of them; a verdict waits for the build."""
    import threading

    import detectors.engine_cache

    release, building = threading.Event(), threading.Event()
    built, builds = object(), []

    def slow_build(registry):
        builds.append(registry)
        building.set()
        release.wait(30)
        return built

    monkeypatch.setattr(detectors.engine_cache, "cached_engine", slow_build)
    monkeypatch.setattr(analysis, "_engine", None)
    monkeypatch.setattr(analysis, "_registry_paths", [])
    analysis.warm_up()
    assert building.wait(10)
    _, identity = analysis.read_page(b"<title>Daily</title>", "text/html", "https://daily.example/", 10)
    assert identity.names == [("Daily", "title")]  # read while the build is under way
    judged: list[object] = []
    waiting = threading.Thread(target=lambda: judged.append(analysis._engine_of_process()))
    waiting.start()
    waiting.join(0.2)
    assert not judged, "a verdict waits for the engine being built"
    release.set()
    waiting.join(10)
    assert judged == [built] and analysis._engine_of_process() is built
    assert len(builds) == 1, "built once, not again by the verdict that waited"


class DeadWorkers:
    """An Analysis whose worker died during every call."""

    async def run(self, function, *args):
        from crawler.workers import WorkerDied

        raise WorkerDied("analysis worker 1 ended (exit status -9) during the call")


def test_a_target_whose_worker_died_is_kept_with_its_evidence_not_dropped() -> None:
    """The pipelines before the store carry on without the worker's answers: images named
    by their digest with the reason, the target stored unjudged with the reason."""
    import hashlib

    from crawler.detection import DetectionPipeline
    from crawler.items import Blob, ImageSeen, TargetSnapshot
    from crawler.pipelines import ImageEvidencePipeline

    content = png_bytes(logo(4, 32))
    item = TargetSnapshot(target="daily.example", url="https://daily.example/",
                          images=[ImageSeen("https://daily.example/logo.png", "logo", "https://daily.example/")],
                          blobs=[Blob("", "image", "https://daily.example/logo.png", content, "2026-11-29T00:00:00Z")])
    item = asyncio.run(ImageEvidencePipeline(DeadWorkers(), 10_000_000).process_item(item))
    digest = hashlib.sha256(content).hexdigest()
    assert item.images[0].sha256 == digest and "not described" in item.images[0].error
    assert item.blobs[0].name == f"images/{digest}.bin"
    item = asyncio.run(DetectionPipeline(DeadWorkers()).process_item(item))
    assert item.verdict is None and item.reasons[0].startswith("not judged: analysis worker 1 ended")


def test_the_crawl_process_does_not_load_what_only_workers_need() -> None:
    """pypinyin's dictionaries (~56 MB, ~0.4 s) are for the workers' detectors."""
    import subprocess
    import sys

    code = ("import sys, crawler.run, crawler.detection, crawler.pipelines, crawler.spiders.site; "
            "print(sorted(m for m in ('pypinyin', 'cv2', 'cairosvg') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
