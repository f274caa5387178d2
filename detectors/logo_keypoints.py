"""The logo detector's second stage: SIFT keypoints, matched and checked for geometry.

Perceptual hashes see a logo as a 32×32 blur: they survive downscaling, JPEG and
recolouring, but two round icons with different glyphs inside, or a logo cut at its edges
or turned a few degrees, fool them. Keypoints see the details: a candidate whose keypoints
map onto the query's under one similarity transform (RANSAC) is the same drawing, whatever
the crop, scale or small rotation; a candidate that shares no such geometry with a detailed
query is not. bench/eval_logos.py measures what this stage adds.

All registry descriptors sit in one matrix, searched through randomised k-d trees (FLANN:
approximate, but a brute-force search of 10,000 logos' descriptors takes seconds a query);
each registry logo gets a vote per distinctive match (Lowe's ratio test), so that logos the
hashes missed can still be proposed. Descriptors are kept as uint8 (SIFT's values are
whole numbers from 0 to 255), a quarter of the float32 memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

_SIDE = 256  # images are seen at this size (longest side) before keypoints are found
_MARGIN = 16  # blank border added, so that keypoints at the content's edge are found
_FEATURES = 300  # most keypoints kept per image (the strongest)
_RATIO = 0.8  # Lowe's ratio test
_RANSAC_PIXELS = 6.0
_SCALES = (0.2, 4.0)  # plausible query/reference scales (a logo within a wide banner: ~0.3)
_MAX_ANGLE = 30.0  # degrees
VERIFIED_INLIERS = 12  # geometric matches from which a candidate is the same drawing…
VERIFIED_SHARE = 0.4  # …when they are also this share of the sparser image's keypoints
DETAILED = 30  # keypoints an image needs for their absence to mean something
_SMALLEST = 64  # a query smaller than this (a favicon) has no usable keypoints
_TREES = 4  # randomised k-d trees over the registry's descriptors
_CHECKS = 64  # tree leaves visited per query descriptor: more finds more true neighbours, slower

cv2.setNumThreads(1)  # the crawler runs several analysis processes; one thread each


@dataclass(frozen=True)
class Keypoints:
    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray  # (n, 128) uint8
    usable: bool  # large enough for keypoints to say anything

    @property
    def detailed(self) -> bool:
        return self.usable and len(self.points) >= DETAILED


def _grey(image: Image.Image) -> np.ndarray:
    """How far each pixel is from the background colour (white where the image has
    transparency, else the colour of its border), drawn dark on white: the same picture whatever the logo's colours or its ground's (a
    reversed logo on a dark header included). Trimmed to the content, at most _SIDE px,
    with a blank margin."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    alpha = rgba[..., 3:4] / 255.0
    rgb = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)
    if (alpha < 0.5).any():
        ground = np.full(3, 255.0, dtype=np.float32)  # transparency is the background
    else:  # a flat picture: its border says which colour the background is
        ground = np.median(np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]), axis=0)
    ink = np.abs(rgb - ground).max(axis=2)
    content = ink > 24
    if content.any():
        rows, cols = np.flatnonzero(content.any(axis=1)), np.flatnonzero(content.any(axis=0))
        ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = ink.shape
    scale = _SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    ink = cv2.resize(ink, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    grey = (255.0 - np.clip(ink, 0, 255)).astype(np.uint8)
    return cv2.copyMakeBorder(grey, _MARGIN, _MARGIN, _MARGIN, _MARGIN, cv2.BORDER_CONSTANT, value=255)


def keypoints(image: Image.Image) -> Keypoints:
    found, descriptors = cv2.SIFT_create(nfeatures=_FEATURES).detectAndCompute(_grey(image), None)
    if descriptors is None:
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 128), np.uint8), max(image.size) >= _SMALLEST)
    points = np.array([point.pt for point in found], dtype=np.float32)
    return Keypoints(points, descriptors.astype(np.uint8), max(image.size) >= _SMALLEST)


def inliers(query: Keypoints, reference: Keypoints) -> int:
    """Matches of the query's keypoints onto the reference's that agree on one
    similarity transform (rotation, scale, shift)."""
    if len(query.points) < 4 or len(reference.points) < 4:
        return 0
    pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(query.descriptors.astype(np.float32),
                                                reference.descriptors.astype(np.float32), k=2)
    good: dict[int, cv2.DMatch] = {}  # one query keypoint per reference keypoint
    for pair in pairs:
        if len(pair) == 2 and pair[0].distance < _RATIO * pair[1].distance:
            kept = good.get(pair[0].trainIdx)
            if kept is None or pair[0].distance < kept.distance:
                good[pair[0].trainIdx] = pair[0]
    if len(good) < 4:
        return 0
    source = query.points[[match.queryIdx for match in good.values()]]
    target = reference.points[list(good)]
    transform, mask = cv2.estimateAffinePartial2D(source, target, method=cv2.RANSAC,
                                                  ransacReprojThreshold=_RANSAC_PIXELS)
    if transform is None or mask is None:
        return 0
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    angle = abs(float(np.degrees(np.arctan2(transform[1, 0], transform[0, 0]))))
    if not _SCALES[0] <= scale <= _SCALES[1] or angle > _MAX_ANGLE:
        return 0  # everything folded onto a few points, or turned over: no drawing in common
    return int(mask.sum())


class KeypointIndex:
    """Keypoints of every registry logo, by logo number, and all their descriptors in one
    searchable matrix for voting."""

    def __init__(self) -> None:
        self._logos: list[Keypoints] = []
        self._owners = np.zeros(0, dtype=np.int32)
        self._search: cv2.flann_Index | None = None
        self._matrix = np.zeros((0, 128), dtype=np.float32)  # kept alive: the trees point into it
        self._stale = False

    def add(self, image: Image.Image) -> None:
        self._logos.append(keypoints(image))
        self._stale = True

    def __getitem__(self, number: int) -> Keypoints:
        return self._logos[number]

    def _searcher(self) -> cv2.flann_Index | None:
        """The k-d trees over every descriptor, (re)built after logos were added."""
        if self._stale:
            self._matrix = np.concatenate([logo.descriptors for logo in self._logos]).astype(np.float32)
            self._owners = np.concatenate([np.full(len(logo.descriptors), number, np.int32)
                                           for number, logo in enumerate(self._logos)])
            self._search = (cv2.flann_Index(self._matrix, {"algorithm": 1, "trees": _TREES})
                            if len(self._matrix) >= 2 else None)
            self._stale = False
        return self._search

    def proposals(self, query: Keypoints, limit: int) -> list[int]:
        """Logo numbers with the most distinctive matches of the query's keypoints (at
        least 4), most first."""
        search = self._searcher()
        descriptors = query.descriptors.astype(np.float32)
        if search is None or len(descriptors) < 4:
            return []
        neighbours, distances = search.knnSearch(descriptors, 2, params={"checks": _CHECKS})
        distinctive = distances[:, 0] < _RATIO**2 * distances[:, 1]  # squared L2 distances
        if not distinctive.any():
            return []
        votes = np.bincount(self._owners[neighbours[distinctive, 0]], minlength=len(self._logos))
        best = np.argsort(-votes, kind="stable")[:limit]
        return [int(number) for number in best if votes[number] >= 4]
