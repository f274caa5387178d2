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

from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

from detectors.logo_overlay import coincidence, picture, window

_SIDE = 256  # images are seen at this size (longest side) before keypoints are found
_MARGIN = 16  # blank border added, so that keypoints at the content's edge are found
_FEATURES = 300  # most keypoints kept per image (the strongest)
_RATIO = 0.8  # Lowe's ratio test
_RANSAC_PIXELS = 6.0
_SCALES = (0.2, 4.0)  # plausible query/reference scales (a logo within a wide banner: ~0.3)
_MAX_ANGLE = 30.0  # degrees
VERIFIED_INLIERS = 12  # geometric matches from which a candidate is the same drawing…
VERIFIED_SHARE = 0.4  # …when they are also this share of the sparser image's keypoints
OVERLAID = 8  # agreeing keypoints from which the pictures are laid over each other (logo_overlay)
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
    size: tuple[int, int]  # (width, height) of the picture seen, content plus _MARGIN all round
    picture: np.ndarray | None = None  # that picture, small (detectors.logo_overlay)
    view: np.ndarray | None = None  # that picture as seen, a query's (the registry keeps only the small one)
    cut: bool = False  # its content runs into two or more of its edges, as a logo's cut at them does
    edge_picture: np.ndarray | None = None  # its colour edges (_colour_edges), small as picture…
    edge_view: np.ndarray | None = None  # …and as seen, a query's

    @property
    def detailed(self) -> bool:
        return self.usable and len(self.points) >= DETAILED


_WHITE = np.full(3, 255.0, dtype=np.float32)
BORDER, ON_WHITE, RECOMPOSED = "on its border colour", "on white", "recomposed on white"  # see _grey
_COLOUR_STEP = 32  # see _border_colour
_OPAQUE = 96.0  # distance from the ground colour (0–255) from which a pixel is all content


def _grey(image: Image.Image, seen: str = BORDER) -> tuple[np.ndarray, np.ndarray, bool]:
    """How far each pixel is from the background colour (white where the image has
    transparency or when seen ON_WHITE, else the colour of its border), drawn dark on
    white: the same picture whatever the logo's colours or its ground's (a reversed logo
    on a dark header included). Trimmed to the content, at most _SIDE px, with a blank
    margin. Also the picture's colour edges, drawn the same way (see _colour_edges).

    RECOMPOSED: the content taken off its border colour and put on white, in its own
    colours, then seen as on white. A logo with white inside it (letters cut out of a
    coloured disc) shows that white as background on white, as the registry's logo on
    transparency does, but as the farthest ink from a dark ground."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    alpha = rgba[..., 3:4] / 255.0
    rgb = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)
    ground = _WHITE if seen == ON_WHITE or _transparent(image) else _border_colour(rgb)
    ink = np.abs(rgb - ground).max(axis=2)
    content = ink > 24
    edges = sum(bool(side.any()) for side in (content[0], content[-1], content[:, 0], content[:, -1]))
    if seen == RECOMPOSED:
        opaque = np.clip(ink / _OPAQUE, 0.0, 1.0)
        ink = opaque * np.abs(rgb - _WHITE).max(axis=2)
        rgb, ground = rgb * opaque[..., None] + _WHITE * (1.0 - opaque[..., None]), _WHITE
    if content.any():
        rows, cols = np.flatnonzero(content.any(axis=1)), np.flatnonzero(content.any(axis=0))
        ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        rgb = rgb[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = ink.shape
    scale = _SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    ink = cv2.resize(ink, size, interpolation=interpolation)
    grey = (255.0 - np.clip(ink, 0, 255)).astype(np.uint8)
    grey = cv2.copyMakeBorder(grey, _MARGIN, _MARGIN, _MARGIN, _MARGIN, cv2.BORDER_CONSTANT, value=255)
    return grey, _colour_edges(cv2.resize(rgb, size, interpolation=interpolation), ground), edges >= 2


def _colour_edges(rgb: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """Where the colour changes (the largest channel's Sobel magnitude), drawn dark on
    white, with the _MARGIN of the ground around it: where a logo's parts meet, whatever
    their colours. The picture of how far each pixel is from the ground loses a band
    between two colours equally far from it, and a recoloured part changes it; the
    boundaries stay where they are."""
    framed = cv2.copyMakeBorder(rgb.astype(np.float32), _MARGIN, _MARGIN, _MARGIN, _MARGIN,
                                cv2.BORDER_CONSTANT, value=[float(v) for v in ground])
    strength = np.zeros(framed.shape[:2], dtype=np.float32)
    for channel in cv2.split(framed):
        strength = np.maximum(strength, cv2.magnitude(cv2.Sobel(channel, cv2.CV_32F, 1, 0),
                                                      cv2.Sobel(channel, cv2.CV_32F, 0, 1)))
    return (255.0 - np.clip(strength / 4.0, 0, 255)).astype(np.uint8)  # a full step: 4 × 255


def _transparent(image: Image.Image) -> bool:
    """Whether transparency shows the background (then white is the background)."""
    return image.mode in ("RGBA", "LA", "PA") and image.getchannel("A").getextrema()[0] < 128


def _border_colour(rgb: np.ndarray) -> np.ndarray:
    """A flat picture's background colour: the commonest colour of its border (to within
    _COLOUR_STEP per channel), each channel's median within it. Not each channel's median
    over the whole border: a wordmark cropped tight shows its letters along much of its
    border, and the median of ink and ground is a colour between them, from which both
    stand out (the letters then turn light). Nor the mean within it: a white ground with a
    few anti-aliased pixels would come out 254.x instead of white, and its keypoints shift."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    codes = (border // _COLOUR_STEP).astype(np.int32) @ np.array([65536, 256, 1], dtype=np.int32)
    values, counts = np.unique(codes, return_counts=True)
    return np.median(border[codes == values[counts.argmax()]], axis=0)


def query_keypoints(image: Image.Image) -> list[Keypoints]:
    """The keypoints of a query, seen on its border colour and, when that is not white,
    also on white: the border of a logo cut at its edges is the logo itself, not its
    background (registry logos with transparency are seen on white)."""
    seen = [keypoints(image)]
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32)
    if not _transparent(image) and np.abs(_border_colour(rgb) - _WHITE).max() > 24:
        seen += [keypoints(image, ON_WHITE), keypoints(image, RECOMPOSED)]
    return seen


def keypoints(image: Image.Image, seen: str = BORDER) -> Keypoints:
    grey, colour_edges, cut = _grey(image, seen)
    found, descriptors = cv2.SIFT_create(nfeatures=_FEATURES).detectAndCompute(grey, None)
    usable, size = max(image.size) >= _SMALLEST, (grey.shape[1], grey.shape[0])
    pictures = {"picture": picture(grey), "view": grey, "cut": cut,
                "edge_picture": picture(colour_edges), "edge_view": colour_edges}
    if descriptors is None:
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 128), np.uint8), usable, size, **pictures)
    points = np.array([point.pt for point in found], dtype=np.float32)
    return Keypoints(points, descriptors.astype(np.uint8), usable, size, **pictures)


@dataclass(frozen=True)
class Agreement:
    """How a query's keypoints agree with a reference's under one similarity transform."""

    inliers: int  # matches that agree on the transform
    overlap: int  # the fewer keypoints, query's or reference's, inside the other's content under it
    covered: float  # share of the reference's keypoints inside the query's content under it
    coincidence: float = 0.0  # the pictures' correlation under it (logo_overlay), from OVERLAID inliers
    # and for a query large enough for keypoints (a favicon's view is a blur of a few pixels)
    edges: float = 0.0  # the same of their colour edges (_colour_edges)


_NONE = Agreement(0, 0, 0.0)


def _inside(points: np.ndarray, transform: np.ndarray, size: tuple[int, int]) -> int:
    """How many points fall inside a picture's content once transformed into it."""
    moved = cv2.transform(points[None], transform)[0]
    low = _MARGIN - _RANSAC_PIXELS
    return int(((moved >= low) & (moved <= np.array(size) - low)).all(axis=1).sum())


def agreement(query: Keypoints, reference: Keypoints) -> Agreement:
    """Matches of the query's keypoints onto the reference's that agree on one
    similarity transform (rotation, scale, shift), and how many keypoints each has where
    the other's content lies under it: a cut query shows only part of the reference, a
    banner shows more than it."""
    if len(query.points) < 4 or len(reference.points) < 4:
        return _NONE
    pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(query.descriptors.astype(np.float32),
                                                reference.descriptors.astype(np.float32), k=2)
    good: dict[int, cv2.DMatch] = {}  # one query keypoint per reference keypoint
    for pair in pairs:
        if len(pair) == 2 and pair[0].distance < _RATIO * pair[1].distance:
            kept = good.get(pair[0].trainIdx)
            if kept is None or pair[0].distance < kept.distance:
                good[pair[0].trainIdx] = pair[0]
    if len(good) < 4:
        return _NONE
    source = query.points[[match.queryIdx for match in good.values()]]
    target = reference.points[list(good)]
    transform, mask = cv2.estimateAffinePartial2D(source, target, method=cv2.RANSAC,
                                                  ransacReprojThreshold=_RANSAC_PIXELS)
    if transform is None or mask is None:
        return _NONE
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    angle = abs(float(np.degrees(np.arctan2(transform[1, 0], transform[0, 0]))))
    if not _SCALES[0] <= scale <= _SCALES[1] or angle > _MAX_ANGLE:
        return _NONE  # everything folded onto a few points, or turned over: no drawing in common
    in_query = _inside(reference.points, cv2.invertAffineTransform(transform), query.size)
    in_reference = _inside(query.points, transform, reference.size)
    inliers = int(mask.sum())
    overlaid = inliers >= OVERLAID and query.usable and query.view is not None and reference.picture is not None
    alike = coincidence(query.view, reference.picture, transform, _MARGIN) if overlaid else 0.0
    edges = (coincidence(query.edge_view, reference.edge_picture, transform, _MARGIN)
             if overlaid and query.edge_view is not None and reference.edge_picture is not None else 0.0)
    return Agreement(inliers, min(in_query, in_reference), in_query / len(reference.points), alike, edges)


def cut_likeness(query: Keypoints, reference: Keypoints) -> float:
    """How well the query's picture matches a window of the reference's, stretched over it
    (logo_overlay.window): the reference cut at its edges, whatever keypoints say. Only a
    query whose content runs into its edges is searched so (each search costs ~0.3 ms)."""
    if not query.cut or query.picture is None or reference.picture is None:
        return 0.0
    return window(query.picture, reference.picture, _MARGIN)


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
        self._logos.append(replace(keypoints(image), view=None, edge_view=None))
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

    def proposals(self, query: list[Keypoints], limit: int) -> list[int]:
        """Logo numbers with the most distinctive matches of the query's keypoints (at
        least 4), most first."""
        search = self._searcher()
        descriptors = np.concatenate([seen.descriptors for seen in query]).astype(np.float32)
        if search is None or len(descriptors) < 4:
            return []
        neighbours, distances = search.knnSearch(descriptors, 2, params={"checks": _CHECKS})
        distinctive = distances[:, 0] < _RATIO**2 * distances[:, 1]  # squared L2 distances
        if not distinctive.any():
            return []
        votes = np.bincount(self._owners[neighbours[distinctive, 0]], minlength=len(self._logos))
        best = np.argsort(-votes, kind="stable")[:limit]
        return [int(number) for number in best if votes[number] >= 4]
