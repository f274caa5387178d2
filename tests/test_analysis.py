"""crawler.analysis: what the analysis workers compute, and what they remember."""

from __future__ import annotations

import asyncio

import pytest

from crawler import analysis
from tests.drawing import logo, png_bytes


def test_the_same_image_bytes_are_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[int] = []
    real = analysis.load_image

    def counting(content: bytes, **options):
        decoded.append(len(content))
        return real(content, **options)

    monkeypatch.setattr(analysis, "load_image", counting)
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
