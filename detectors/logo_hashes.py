"""The logo detector's first stage: normalised views of an image, and their hashes.

Every image is normalised the same way before hashing: alpha onto white, background taken
from the border, trimmed to its content, stretched to a square (the aspect ratio is kept
aside); a foreground lighter than its background (a reversed logo on a dark header) is
inverted. Two views are hashed: the tone view (the content composited onto white) with
pHash, dHash and wHash, and a shape view (how far each pixel is from the background,
whatever its colour) with pHash, which survives recolouring. Wide or tall images are also
cut at their blank gaps, so that a logo at the left of a banner with the site name beside
it is compared on its own. The hashes are computed for all views at once (numpy).
Each view is also kept as a 16 px thumbnail: 64-bit hashes of unrelated simple logos
collide, their grey levels much less (see detectors.logo_scores.likeness).

A registry logo is also hashed as a page might show it cut at its edges or turned a few
degrees (`variants=True`): those views hash far from the upright whole, so each gets rows
of its own, and a cut or turned copy meets one of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PIL import Image

HASH_KINDS = ("phash", "dhash", "whash", "shape")
_VIEW = 64  # side of the normalised square views
_CANVAS = 32  # side hashed (pHash's own input size)
THUMB = 16  # side of the thumbnails kept beside the hashes
_WORK = 128  # larger images are reduced to this before normalising
_MIN_CONTRAST = 0.04  # a content/background difference below this is a blank image
_WIDE = 1.6  # aspect ratio from which an image is also cut at its gaps
_MAX_GAPS = 3
_CUTS = (0.06, 0.11)  # registry variants: this share of the content cut off every edge…
_TURNS = (-7.0, -4.0, 4.0, 7.0)  # …and turned by these degrees
VARIANT = "variant"  # in the crop label of every cut or turned view


def _rgb_on_white(image: Image.Image) -> np.ndarray:
    """RGB composited onto white, reduced to at most _WORK px."""
    if max(image.size) > _WORK:
        image = image.copy()
        image.thumbnail((_WORK, _WORK), Image.Resampling.LANCZOS)
    rgba = np.asarray(image, dtype=np.float32)
    alpha = rgba[..., 3:4] / 255.0
    return rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _spans(filled: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Blank runs (start, end) of at least min_gap inside a 1-D occupancy profile."""
    gaps, start = [], None
    for index, value in enumerate(filled):
        if not value and start is None:
            start = index
        elif value and start is not None:
            if index - start >= min_gap:
                gaps.append((start, index))
            start = None
    return gaps


class _Ground:
    """An image seen as content on one background colour: how far each pixel is from it
    (alpha, 0–1) and which pixels are content (mask)."""

    def __init__(self, rgb: np.ndarray, background: np.ndarray):
        self.rgb, self.background = rgb, background
        distance = np.abs(rgb - background).max(axis=2) / 255.0
        height, width = distance.shape
        smooth = distance[: height // 2 * 2, : width // 2 * 2].reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
        peak = float(smooth.max()) if smooth.size else float(distance.max())
        self.alpha = np.clip(distance / max(peak, 1e-6), 0.0, 1.0)
        self.mask = distance > max(0.25 * peak, 0.06)
        self.blank = peak < _MIN_CONTRAST or not self.mask.any()

    def box(self, top: int = 0, bottom: int | None = None, left: int = 0, right: int | None = None
            ) -> tuple[int, int, int, int]:
        """The content's bounding box (top, bottom, left, right) within a region."""
        mask = self.mask[top:bottom, left:right]
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        return top + rows[0], top + rows[-1] + 1, left + cols[0], left + cols[-1] + 1

    def cut(self, share: float) -> tuple[int, int, int, int] | None:
        """The content's box with share of it cut off every edge; None if nothing is left."""
        top, bottom, left, right = self.box()
        down, across = round(share * (bottom - top)), round(share * (right - left))
        region = (top + down, bottom - down, left + across, right - across)
        if region[1] - region[0] < 4 or region[3] - region[2] < 4 or not self.mask[
                region[0]:region[1], region[2]:region[3]].any():
            return None
        return region

    def crops(self) -> Iterator[tuple[str, tuple[int, int, int, int]]]:
        """("whole", box) and, for wide or tall content, the parts either side of its
        widest blank gaps."""
        top, bottom, left, right = self.box()
        yield "whole", (top, bottom, left, right)
        height, width = bottom - top, right - left
        if max(width, height) < _WIDE * min(width, height):
            return
        wide = width > height
        profile = self.mask[top:bottom, left:right].any(axis=0 if wide else 1)
        gaps = sorted(_spans(profile, max(2, round(0.08 * min(width, height)))), key=lambda g: g[0] - g[1])
        for start, end in gaps[:_MAX_GAPS]:
            if wide:
                yield "left", (top, bottom, left, left + start)
                yield "right", (top, bottom, left + end, right)
            else:
                yield "top", (top, top + start, left, right)
                yield "bottom", (top + end, bottom, left, right)

    def views(self, region: tuple[int, int, int, int]) -> tuple[np.ndarray, float]:
        """The tone and shape views (2, _VIEW, _VIEW) of the content in a region,
        stretched to the square, and the content's log aspect ratio."""
        top, bottom, left, right = self.box(*region)
        alpha = self.alpha[top:bottom, left:right]
        luma = _luma(self.rgb[top:bottom, left:right])
        weight = alpha.sum()
        foreground = float((luma * alpha).sum() / weight) if weight else 0.0
        if foreground > 160 and foreground > _luma(self.background):
            luma = 255.0 - luma  # a light logo on a darker ground: the reversed version
        tone = alpha * luma + (1.0 - alpha) * 255.0
        aspect = float(np.log((right - left) / (bottom - top)))
        return np.stack([_stretch(tone), _stretch((1.0 - alpha) * 255.0)]), aspect


def normalised_views(image: Image.Image, variants: bool = False) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Crop labels, their (tone, shape) views (crops, 2, _VIEW, _VIEW) float32 and their
    log aspect ratios; with variants, also the whole content cut at its edges and turned
    (see _CUTS, _TURNS).

    An image whose border is not white is seen twice: as content on its border colour
    (a logo on a coloured header) and as a picture on white (a full-bleed square icon)."""
    image = image.convert("RGBA")
    labels, views, aspects = _views(image, variants)
    if variants and labels:
        small = image.copy()
        small.thumbnail((_WORK, _WORK), Image.Resampling.LANCZOS)  # turning costs by the pixel
        for degrees in _TURNS:
            turned = small.rotate(degrees, Image.Resampling.BICUBIC, expand=True)
            more = _views(turned, cut=False, whole_only=True)
            labels += [f"{label} {VARIANT} turned {degrees:+.0f}°" for label in more[0]]
            views += more[1]
            aspects += more[2]
    return (labels, np.array(views, dtype=np.float32).reshape(len(views), 2, _VIEW, _VIEW),
            np.array(aspects, dtype=np.float32))


def _views(image: Image.Image, cut: bool, whole_only: bool = False) -> tuple[list[str], list[np.ndarray], list[float]]:
    """normalised_views' views of an RGBA image, as lists; cut: also the whole content cut
    at its edges; whole_only: without the parts either side of a gap."""
    rgb = _rgb_on_white(image)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    backgrounds = [("", np.median(border, axis=0))]
    if np.abs(backgrounds[0][1] - 255.0).max() > 40:
        backgrounds.append(("framed ", np.full(3, 255.0, dtype=np.float32)))
    labels, views, aspects = [], [], []
    for prefix, background in backgrounds:
        ground = _Ground(rgb, background)
        if ground.blank:
            continue
        ground = _zoomed(image, rgb, ground)
        regions = list(ground.crops())[: 1 if whole_only else None]
        if cut:
            regions += [(f"whole {VARIANT} cut {share:.0%}", region) for share in _CUTS
                        if (region := ground.cut(share)) is not None]
        for label, region in regions:
            view, aspect = ground.views(region)
            labels.append(prefix + label)
            views.append(view)
            aspects.append(aspect)
    return labels, views, aspects


def _zoomed(image: Image.Image, rgb: np.ndarray, ground: _Ground) -> _Ground:
    """Small content in a large image (a logo with a lot of space around it) is seen
    again from the original pixels, cropped to it, so that it keeps its resolution."""
    top, bottom, left, right = ground.box()
    height, width = rgb.shape[:2]
    scale = image.width / width
    if scale <= 1.0 or max(bottom - top, right - left) > 0.6 * max(height, width):
        return ground
    box = (max(0, left - 1) * scale, max(0, top - 1) * scale,
           min(width, right + 1) * scale, min(height, bottom + 1) * scale)
    return _Ground(_rgb_on_white(image.crop(tuple(round(v) for v in box))), ground.background)


def _stretch(view: np.ndarray) -> np.ndarray:
    image = Image.fromarray(view.clip(0, 255).astype(np.uint8), "L")
    return np.asarray(image.resize((_VIEW, _VIEW), Image.Resampling.LANCZOS), dtype=np.float32)


_N = np.arange(_CANVAS)
_DCT = np.cos(np.pi * np.arange(8)[:, None] * (2 * _N[None, :] + 1) / (2 * _CANVAS))


def _bits(cells: np.ndarray) -> np.ndarray:
    """(m, 8, 8) values → (m,) uint64: bit set where a cell is above its image's median,
    row-major and most significant first, as imagehash orders them."""
    above = cells > np.median(cells.reshape(len(cells), -1), axis=1)[:, None, None]
    return np.packbits(above.reshape(len(cells), -1), axis=1).view(">u8")[:, 0].astype(np.uint64)


def _phash(views: np.ndarray) -> np.ndarray:
    """imagehash.phash of 32 px images, for a stack of them at once."""
    return _bits(_DCT @ views @ _DCT.T)


def _whash(views: np.ndarray) -> np.ndarray:
    """imagehash.whash (Haar, top level removed) of 32 px images: the 8×8 block means."""
    return _bits(views.reshape(len(views), 8, _CANVAS // 8, 8, _CANVAS // 8).mean(axis=(2, 4)))


def _dhash(views: np.ndarray) -> np.ndarray:
    """imagehash.dhash: is each pixel of a 9×8 reduction brighter than its left neighbour."""
    small = np.stack([np.asarray(Image.fromarray(v.astype(np.uint8), "L").resize((9, 8), Image.Resampling.LANCZOS),
                                 dtype=np.int16) for v in views])
    diff = small[:, :, 1:] > small[:, :, :-1]
    return np.packbits(diff.reshape(len(views), -1), axis=1).view(">u8")[:, 0].astype(np.uint64)


def _reduce(views: np.ndarray) -> np.ndarray:
    """_VIEW px views → _CANVAS px (box average)."""
    factor = _VIEW // _CANVAS
    return views.reshape(len(views), _CANVAS, factor, _CANVAS, factor).mean(axis=(2, 4))


def view_hashes(views: np.ndarray) -> np.ndarray:
    """(crops, 2, _VIEW, _VIEW) views → (crops, HASH_KINDS) uint64."""
    tone, shape = _reduce(views[:, 0]), _reduce(views[:, 1])
    return np.stack([_phash(tone), _dhash(tone), _whash(tone), _phash(shape)], axis=1)


def image_hashes(image: Image.Image, variants: bool = False) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Crop labels, their hashes (crops × HASH_KINDS, uint64) and log aspect ratios; none
    for a blank image. variants: also of the image cut and turned (registry logos)."""
    return image_features(image, variants)[:3]


def image_features(image: Image.Image, variants: bool = False
                   ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """image_hashes, and the (tone, shape) thumbnails of the same views (crops, 2, THUMB,
    THUMB) uint8."""
    labels, views, aspects = normalised_views(image, variants)
    if not labels:
        return ([], np.zeros((0, len(HASH_KINDS)), dtype=np.uint64), aspects,
                np.zeros((0, 2, THUMB, THUMB), dtype=np.uint8))
    factor = _VIEW // THUMB
    thumbs = views.reshape(len(views), 2, THUMB, factor, THUMB, factor).mean(axis=(3, 5))
    return labels, view_hashes(views), aspects, thumbs.round().clip(0, 255).astype(np.uint8)
