"""Logos: does an image a target shows look like a registry organisation's logo?

Every image is normalised the same way before hashing: alpha onto white, background taken
from the border, trimmed to its content, padded to a square; a foreground lighter than its
background (a reversed logo on a dark header) is inverted. Two views are hashed: the tone
view (the content composited onto white) with pHash, dHash and wHash, and a shape view (how
far each pixel is from the background, whatever its colour) with pHash, which survives
recolouring. Wide or tall images are also cut at their blank gaps, so that a logo at the
left of a banner with the site name beside it is compared on its own.

All registry hashes sit in one uint64 array (row = logo × crop, column = hash kind); a query
is compared with every row at once (XOR + popcount), so its cost does not grow as a Python
loop over the registry.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from detectors.findings import Finding
from detectors.images import ImageError, load_image_file
from detectors.logo_keypoints import VERIFIED_INLIERS, VERIFIED_SHARE, KeypointIndex, Keypoints, inliers, keypoints
from detectors.profile import TargetProfile
from detectors.registry import Registry

logger = logging.getLogger(__name__)

HASH_KINDS = ("phash", "dhash", "whash", "shape")
_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)
_VIEW = 64  # side of the normalised square views
_CANVAS = 32  # side hashed (pHash's own input size)
_WORK = 128  # larger images are reduced to this before normalising
_MIN_CONTRAST = 0.04  # a content/background difference below this is a blank image
_WIDE = 1.6  # aspect ratio from which an image is also cut at its gaps
_MAX_GAPS = 3
_ASPECT_SLACK = 0.2  # log aspect-ratio difference that costs nothing (see aspect_penalty)
_ASPECT_WEIGHT = 0.25

# Combined distance → score: (distance, score) knots, linear in between.
_KNOTS = ((0.0, 100.0), (0.10, 90.0), (0.18, 80.0), (0.22, 70.0), (0.26, 60.0), (0.34, 0.0))
SCORE_FLOOR = 60
_CONTRADICTED = 65  # most a hash look-alike scores when keypoints contradict it (< 70)…
_CONTRADICTED_SHARE = 0.15  # …that is, when fewer than this share of keypoints agree
_PROPOSALS = 5  # candidates proposed by keypoint votes besides the hashes' own
_VERIFIED_HASHES = 8  # closest hash candidates checked on keypoints


@dataclass(frozen=True)
class LogoMatch:
    org_id: str
    logo: str  # registry logo file (str path) or label
    distance: float  # combined normalised distance, 0 = identical
    score: int  # 0–100
    exact: bool  # same bytes (sha256)
    crop: str  # which crop of the query matched ("whole", "left", ...)
    inliers: int  # keypoints agreeing on one geometry (detectors.logo_keypoints)


def score_for(distance: float) -> int:
    """The 0–100 score of a combined distance (see _KNOTS; calibrated by bench/eval_logos.py)."""
    xs, ys = zip(*_KNOTS)
    return int(round(float(np.interp(distance, xs, ys))))


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


def normalised_views(image: Image.Image) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Crop labels, their (tone, shape) views (crops, 2, _VIEW, _VIEW) float32 and their
    log aspect ratios.

    An image whose border is not white is seen twice: as content on its border colour
    (a logo on a coloured header) and as a picture on white (a full-bleed square icon)."""
    image = image.convert("RGBA")
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
        for label, region in ground.crops():
            view, aspect = ground.views(region)
            labels.append(prefix + label)
            views.append(view)
            aspects.append(aspect)
    return (labels, np.array(views, dtype=np.float32).reshape(len(views), 2, _VIEW, _VIEW),
            np.array(aspects, dtype=np.float32))


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


def image_hashes(image: Image.Image) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Crop labels, their hashes (crops × HASH_KINDS, uint64) and log aspect ratios; none
    for a blank image."""
    labels, views, aspects = normalised_views(image)
    if not labels:
        return [], np.zeros((0, len(HASH_KINDS)), dtype=np.uint64), aspects
    return labels, view_hashes(views), aspects


def aspect_penalty(query: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Distance added for a difference of shape the square views no longer show (they are
    stretched): a wide wordmark and a round icon may hash alike. A small rotation or crop
    changes a logo's aspect a little, so differences within _ASPECT_SLACK cost nothing."""
    gap = np.abs(query[:, None] - rows[None, :])
    return _ASPECT_WEIGHT * np.maximum(gap - _ASPECT_SLACK, 0.0)


class LogoIndex:
    """Hashes of every registry logo (and its crops), matched all at once."""

    def __init__(self) -> None:
        self._hashes = np.zeros((0, len(HASH_KINDS)), dtype=np.uint64)
        self._aspects = np.zeros(0, dtype=np.float32)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._rows: list[tuple[int, str]] = []  # per row: logo number, crop label
        self._logos: list[tuple[str, str, str | None]] = []  # org_id, label, sha256
        self._by_sha256: dict[str, list[int]] = {}
        self._keypoints = KeypointIndex()

    def __len__(self) -> int:
        return len(self._logos)

    def add(self, org_id: str, image: Image.Image, label: str, sha256: str | None = None) -> None:
        crops, hashes, aspects = image_hashes(image)
        number = len(self._logos)
        self._logos.append((org_id, label, sha256))
        if sha256:
            self._by_sha256.setdefault(sha256, []).append(number)
        self._rows.extend((number, crop) for crop in crops)
        self._pending.append((hashes, aspects))
        self._keypoints.add(image)

    @classmethod
    def from_registry(cls, registry: Registry) -> LogoIndex:
        index = cls()
        for org in registry:
            for path in org.logos:
                try:
                    decoded = load_image_file(path)
                    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
                except (ImageError, OSError) as exc:
                    logger.warning("logo %s of %s skipped: %s", path, org.id, exc)
                    continue
                index.add(org.id, decoded.image, str(path), sha256)
        return index

    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        """(hashes, aspects) of every row."""
        if self._pending:
            self._hashes = np.concatenate([self._hashes, *(hashes for hashes, _ in self._pending)])
            self._aspects = np.concatenate([self._aspects, *(aspects for _, aspects in self._pending)])
            self._pending = []
        return self._hashes, self._aspects

    def match(self, image: Image.Image, sha256: str | None = None, limit: int = 3) -> list[LogoMatch]:
        """Best matches first, at most one per organisation, only those scoring at least
        SCORE_FLOOR (same bytes always match).

        Candidates come from the hashes and from keypoint votes; each is then judged on
        both (`_judge`): keypoints that agree on one geometry confirm a candidate, a
        detailed query whose keypoints find no such geometry rules a hash look-alike out."""
        table, aspects = self._table()
        found: dict[str, LogoMatch] = {}
        for number in self._by_sha256.get(sha256 or "", ()):
            org_id, label, _ = self._logos[number]
            found.setdefault(org_id, LogoMatch(org_id, label, 0.0, 100, True, "whole", 0))
        hashed: dict[int, tuple[float, str]] = {}  # logo number → (distance, crop)
        crops, query, query_aspects = image_hashes(image)
        if len(crops) and len(table):
            bits = np.bitwise_count(query[:, None, :] ^ table[None, :, :])  # crops × rows × kinds
            distance = (bits * _WEIGHTS).sum(axis=2) / (64.0 * _WEIGHTS.sum())
            distance += aspect_penalty(query_aspects, aspects)
            best_crop = distance.argmin(axis=0)
            best = distance[best_crop, np.arange(distance.shape[1])]
            for row in np.argsort(best, kind="stable")[: 8 * limit + 8]:
                if best[row] > _KNOTS[-1][0]:
                    break
                hashed.setdefault(self._rows[row][0], (float(best[row]), crops[best_crop[row]]))
        if not crops:
            return sorted(found.values(), key=lambda m: (-m.score, m.distance))[:limit]
        seen = keypoints(image)
        proposed = self._keypoints.proposals(seen, _PROPOSALS)
        closest = list(hashed)[:_VERIFIED_HASHES]
        for number in [*closest, *(n for n in proposed if n not in closest)]:
            org_id, label, _ = self._logos[number]
            if org_id in found:
                continue
            value, crop = hashed.get(number, (1.0, "whole"))
            agreeing = inliers(seen, self._keypoints[number])
            score = _judge(value, agreeing, seen, self._keypoints[number], crop == "whole")
            if score >= SCORE_FLOOR:
                found[org_id] = LogoMatch(org_id, label, round(value, 4), score, False, crop, agreeing)
        return sorted(found.values(), key=lambda m: (-m.score, m.distance))[:limit]


def _judge(distance: float, agreeing: int, query: Keypoints, reference: Keypoints, whole: bool) -> int:
    """A candidate's score from its hash distance and its keypoints agreeing on one
    geometry (logo_keypoints): identical hashes score 100; enough agreeing keypoints make
    it at least 80; a detailed query and reference with almost none agreeing cap it below
    the flagging threshold, however close the hashes — unless the hashes matched a part of
    the query (a logo beside a site name), whose own keypoints are too few to judge."""
    if distance == 0.0:
        return 100
    score = score_for(distance)
    fewest = min(len(query.points), len(reference.points))
    if agreeing >= VERIFIED_INLIERS and agreeing >= VERIFIED_SHARE * fewest:
        return max(score, min(95, 80 + agreeing - VERIFIED_INLIERS))
    if whole and query.detailed and reference.detailed and agreeing < _CONTRADICTED_SHARE * fewest:
        return min(score, _CONTRADICTED)
    return score


class LogoDetector:
    """Images the target shows (favicons, logos, social images, avatars) against every
    organisation's logos."""

    name = "logo"
    description = "images a target shows that look like a genuine organisation's logo"

    def __init__(self, registry: Registry, index: LogoIndex | None = None):
        self.registry = registry
        self._index = index

    @property
    def index(self) -> LogoIndex:
        if self._index is None:
            self._index = LogoIndex.from_registry(self.registry)
        return self._index

    def detect(self, profile: TargetProfile) -> list[Finding]:
        findings: list[Finding] = []
        if not len(self.index):
            return findings  # a registry without logos: no image is worth decoding
        for shown in profile.images:
            try:
                decoded = load_image_file(shown.path)
                sha256 = shown.sha256 or hashlib.sha256(shown.path.read_bytes()).hexdigest()
            except (ImageError, OSError) as exc:
                logger.info("image %s not compared: %s", shown.path, exc)
                continue
            where = shown.url or str(shown.path)
            for match in self.index.match(decoded.image, sha256):
                org = self.registry.get(match.org_id)
                name = org.name if org else match.org_id
                how = "is the same file as" if match.exact else "looks like"
                part = "" if match.crop == "whole" or match.exact else f" (its {match.crop} part)"
                findings.append(Finding(
                    detector=self.name, kind="logo_exact" if match.exact else "logo_match",
                    score=match.score, org_id=match.org_id,
                    explanation=f"The {shown.role} ({where}){part} {how} the logo of {name} "
                                f"({match.logo}): {_how_it_matched(match)}.",
                    matched=where, reference=match.logo,
                    evidence=({"path": str(shown.path), "url": shown.url, "role": shown.role},),
                ))
        return sorted(findings, key=lambda f: -f.score)


def _how_it_matched(match: LogoMatch) -> str:
    if match.exact:
        return "identical bytes"
    hashes = ("identical perceptual hashes" if match.distance == 0 else
              f"perceptual distance {match.distance:.2f} over pHash/dHash/wHash/shape" if match.distance < 1
              else "hashes apart (cropped, turned or framed)")
    if match.inliers >= VERIFIED_INLIERS:
        return f"{hashes}; {match.inliers} keypoints agree under one rotation, scale and shift"
    return hashes
