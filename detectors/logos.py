"""Logos: does an image a target shows look like a registry organisation's logo?

Two stages. Hashes of normalised views (detectors.logo_hashes) find candidates; keypoints
(detectors.logo_keypoints) confirm or overrule them, and propose what the hashes missed.
A hash candidate that keypoints do not support must also look alike in thumbnails of the
same views (`likeness`): 64-bit hashes of unrelated plain logos collide far more often.
A favicon, too small for keypoints, is also compared pixel by pixel with every registry
logo drawn as small (detectors.logo_favicons), which finds and raises its own candidates.

All registry hashes sit in one uint64 array (row = logo × crop, column = hash kind); a query
is compared with every row at once (XOR + popcount), so its cost does not grow as a Python
loop over the registry.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cmp_to_key

import numpy as np
from PIL import Image

from detectors.findings import Finding
from detectors.images import ImageError, load_image_file
from detectors.logo_favicons import FaviconIndex
from detectors.logo_hashes import HASH_KINDS, THUMB, VARIANT, image_features
from detectors.logo_keypoints import (VERIFIED_INLIERS, VERIFIED_SHARE, Agreement, KeypointIndex, Keypoints,
                                      agreement, query_keypoints)
from detectors.profile import TargetProfile
from detectors.registry import Registry

logger = logging.getLogger(__name__)

_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)  # per hash kind
_ASPECT_SLACK = 0.2  # log aspect-ratio difference that costs nothing (see aspect_penalty)
_ASPECT_WEIGHT = 0.25

# Combined distance → score: (distance, score) knots, linear in between.
_KNOTS = ((0.0, 100.0), (0.10, 90.0), (0.18, 80.0), (0.22, 70.0), (0.26, 60.0), (0.34, 0.0))
SCORE_FLOOR = 60
_CONTRADICTED = 65  # most a hash look-alike scores when keypoints contradict it (< 70)…
_CONTRADICTED_SHARE = 0.15  # …that is, when fewer than this share of keypoints agree
_PROPOSALS = 5  # candidates proposed by keypoint votes besides the hashes' own
_VERIFIED_HASHES = 8  # closest hash candidates checked on keypoints
_COVERED = 0.5  # share of a reference's keypoints a query must show for the share to count only those
_SUPPORTED = 6  # agreeing keypoints from which a look-alike's hashes are taken at their word…
_UNSUPPORTED = 0.04  # …else this is added to its distance, when the query is large enough for keypoints
_ALIKE = 0.9  # thumbnail correlation (see likeness) below which an unsupported candidate's…
_ALIKE_FAVICON = 0.92  # …(a favicon's, at half the side)…
_UNLIKE_WEIGHT = 0.7  # …distance grows by this much per unit of the shortfall
_MORE_INLIERS = 1.3  # see _ranked
# A favicon's correlation with a registry logo drawn as small (logo_favicons) → score, as _KNOTS.
_FAVICON_KNOTS = ((0.975, 60.0), (0.985, 70.0), (0.995, 80.0), (1.0, 90.0))  # two wide wordmarks of
# other brands, a few pixels thick at 16 px, correlated 0.98 (bench/eval_logos.py, seed 7)


@dataclass(frozen=True)
class LogoMatch:
    org_id: str
    logo: str  # registry logo file (str path) or label
    distance: float  # combined normalised distance, 0 = identical
    score: int  # 0–100
    exact: bool  # same bytes (sha256)
    crop: str  # which crop of the query matched ("whole", "left", ...)
    inliers: int  # keypoints agreeing on one geometry (detectors.logo_keypoints)
    favicon: float = 0.0  # a favicon's correlation with the logo drawn as small, if that scored it


def score_for(distance: float) -> int:
    """The 0–100 score of a combined distance (see _KNOTS; calibrated by bench/eval_logos.py)."""
    xs, ys = zip(*_KNOTS)
    return int(round(float(np.interp(distance, xs, ys))))


def favicon_score(correlation: float) -> int:
    """The score a favicon earns on its correlation with a logo drawn as small (0 below
    the first of _FAVICON_KNOTS)."""
    xs, ys = zip(*_FAVICON_KNOTS)
    return int(round(float(np.interp(correlation, xs, ys)))) if correlation >= xs[0] else 0


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
        self._row_logos = np.zeros(0, dtype=np.int32)  # per row: logo number
        self._variant_rows = np.zeros(0, dtype=bool)  # per row: a cut or turned variant
        self._thumbs = np.zeros((0, 2, THUMB, THUMB), dtype=np.uint8)  # per row: see likeness
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._rows: list[tuple[int, str]] = []  # per row: logo number, crop label
        self._logos: list[tuple[str, str, str | None]] = []  # org_id, label, sha256
        self._by_sha256: dict[str, list[int]] = {}
        self._keypoints = KeypointIndex()
        self._favicons = FaviconIndex()

    def __len__(self) -> int:
        return len(self._logos)

    def add(self, org_id: str, image: Image.Image, label: str, sha256: str | None = None) -> None:
        crops, hashes, aspects, thumbs = image_features(image, variants=True)
        number = len(self._logos)
        self._logos.append((org_id, label, sha256))
        if sha256:
            self._by_sha256.setdefault(sha256, []).append(number)
        self._rows.extend((number, crop) for crop in crops)
        self._pending.append((hashes, aspects, thumbs))
        self._keypoints.add(image)
        self._favicons.add(image)

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
            self._hashes = np.concatenate([self._hashes, *(hashes for hashes, _, _ in self._pending)])
            self._aspects = np.concatenate([self._aspects, *(aspects for _, aspects, _ in self._pending)])
            self._thumbs = np.concatenate([self._thumbs, *(thumbs for _, _, thumbs in self._pending)])
            self._row_logos = np.array([number for number, _ in self._rows], dtype=np.int32)
            self._variant_rows = np.array([VARIANT in label for _, label in self._rows], dtype=bool)
            self._pending = []
        return self._hashes, self._aspects

    def match(self, image: Image.Image, sha256: str | None = None, limit: int = 3) -> list[LogoMatch]:
        """Best matches first, at most one per organisation, only those scoring at least
        SCORE_FLOOR (same bytes always match).

        Candidates come from the hashes and from keypoint votes; each is then judged on
        both (`_judge`): keypoints that agree on one geometry confirm a candidate, a
        detailed query whose keypoints find no such geometry rules a hash look-alike out,
        and a hash candidate with hardly any agreeing keypoints must look alike in
        thumbnails too."""
        table, aspects = self._table()
        found: dict[str, LogoMatch] = {}
        for number in self._by_sha256.get(sha256 or "", ()):
            org_id, label, _ = self._logos[number]
            found.setdefault(org_id, LogoMatch(org_id, label, 0.0, 100, True, "whole", 0))
        hashed: dict[int, tuple[float, int, int]] = {}  # logo number → (distance, query crop, row)
        crops, query, query_aspects, thumbs = image_features(image)
        seen = query_keypoints(image) if crops else []
        if len(crops) and len(table):
            bits = np.bitwise_count(query[:, None, :] ^ table[None, :, :])  # crops × rows × kinds
            distance = (bits * _WEIGHTS).sum(axis=2) / (64.0 * _WEIGHTS.sum())
            distance += aspect_penalty(query_aspects, aspects)
            best_crop = distance.argmin(axis=0)
            best = distance[best_crop, np.arange(distance.shape[1])]
            if not seen[0].usable:  # a favicon is drawn at its size, not cut or turned; unchecked by
                best = np.where(self._variant_rows, np.inf, best)  # keypoints, variants only collide
            order = np.argsort(best, kind="stable")
            _, first = np.unique(self._row_logos[order], return_index=True)  # each logo's closest row
            for row in order[np.sort(first)][: 8 * limit + 8]:
                if best[row] > _KNOTS[-1][0]:
                    break
                hashed[self._rows[row][0]] = (float(best[row]), int(best_crop[row]), int(row))
        if not crops:
            return _ranked(found.values())[:limit]
        proposed = self._keypoints.proposals(seen, _PROPOSALS)
        correlations = None if seen[0].usable else self._favicons.correlations(image)
        small = [] if correlations is None else _favicons_alike(correlations)
        closest = list(hashed)[:_VERIFIED_HASHES]
        confirmed: set[str] = set()
        for number in dict.fromkeys([*closest, *proposed, *small]):
            org_id, label, _ = self._logos[number]
            if org_id in found:
                continue
            value, crop_number, row = hashed.get(number, (1.0, 0, -1))
            crop = crops[crop_number]
            reference = self._keypoints[number]
            agreed, view = max(((agreement(view, reference), view) for view in seen),
                               key=lambda pair: pair[0].inliers)
            if row >= 0 and agreed.inliers < _SUPPORTED:
                value += _unlikeness(thumbs[crop_number], self._thumbs[row], seen[0].usable)
            score, alike = _judge(value, agreed, view, reference, crop == "whole"), 0.0
            if correlations is not None:
                score, alike = _as_favicon(score, float(correlations[number]))
            if score >= SCORE_FLOOR:
                found[org_id] = LogoMatch(org_id, label, round(value, 4), score, False, crop, agreed.inliers,
                                          round(alike, 4))
                confirmed |= {org_id} if _confirmed(agreed, view, reference) else set()
        if confirmed:  # the drawing is known: others the keypoints did not confirm are look-alikes
            found = {org_id: match if match.exact or org_id in confirmed else replace(
                match, score=min(match.score, _CONTRADICTED)) for org_id, match in found.items()}
        return _ranked(found.values())[:limit]



def _ranked(matches: Iterable[LogoMatch]) -> list[LogoMatch]:
    """Best first: higher scores; between equal scores, closer hashes, unless keypoints
    confirm both and one has clearly more agreeing (_MORE_INLIERS times): two registry
    logos sharing lettering may both be confirmed and both capped at 95, and the hashes of
    a logo on a dark ground or recoloured can be nearer another's."""
    def order(first: LogoMatch, second: LogoMatch) -> int:
        if first.score != second.score:
            return second.score - first.score
        fewer, more = sorted((first.inliers, second.inliers))
        if fewer >= VERIFIED_INLIERS and more >= _MORE_INLIERS * fewer:
            return second.inliers - first.inliers
        return (first.distance > second.distance) - (first.distance < second.distance)
    return sorted(matches, key=cmp_to_key(order))


def _favicons_alike(correlations: np.ndarray) -> list[int]:
    """Logo numbers whose favicon-size drawing a favicon correlates with closely enough to
    score at least SCORE_FLOOR on that alone, best first (at most _PROPOSALS)."""
    best = np.argsort(-correlations, kind="stable")[:_PROPOSALS]
    return [int(number) for number in best if correlations[number] >= _FAVICON_KNOTS[0][0]]


def _as_favicon(score: int, correlation: float) -> tuple[int, float]:
    """A favicon candidate's score given how its pixels correlate with the candidate drawn
    as small (a close correlation raises it, see _FAVICON_KNOTS), and that correlation if
    it raised the score (else 0). A poor correlation does not lower it: a favicon drawn
    within a margin, its edges blended, may correlate poorly with its own logo."""
    alike = favicon_score(correlation)
    return (alike, correlation) if alike > score else (score, 0.0)


def _judge(distance: float, agreed: Agreement, query: Keypoints, reference: Keypoints, whole: bool) -> int:
    """A candidate's score from its hash distance and its keypoints agreeing on one
    geometry (logo_keypoints): identical hashes score 100; enough agreeing keypoints make
    it at least 80; a detailed query and reference with almost none agreeing cap it below
    the flagging threshold, however close the hashes — unless the hashes matched a part of
    the query (a logo beside a site name), whose own keypoints are too few to judge.

    "Enough" is a share of the keypoints where both pictures overlap under the transform
    (a cut logo, a logo within a banner), provided the query shows at least _COVERED of
    the reference; otherwise of all keypoints.

    Simple round glyph icons have too few keypoints to contradict anything, and their
    64-bit hashes collide: a query large enough for keypoints whose candidate has hardly
    any (_SUPPORTED) agreeing needs closer hashes to be flagged. A favicon cannot show
    keypoints, so its hashes are judged as they are."""
    if distance == 0.0:
        return 100
    score = score_for(distance)
    agreeing = agreed.inliers
    fewest = min(len(query.points), len(reference.points))
    if _confirmed(agreed, query, reference):
        return max(score, min(95, 80 + agreeing - VERIFIED_INLIERS))
    if whole and query.detailed and reference.detailed and agreeing < _CONTRADICTED_SHARE * fewest:
        return min(score, _CONTRADICTED)
    if query.usable and agreeing < _SUPPORTED:
        return min(score, score_for(distance + _UNSUPPORTED))
    return score


def likeness(query: np.ndarray, reference: np.ndarray, side: int = THUMB) -> float:
    """How alike two (tone, shape) thumbnails are, seen at side px: the lesser of their two
    correlations (1 = the same up to brightness and contrast)."""
    factor = THUMB // side
    pair = np.stack([query, reference]).astype(np.float32)
    pair = pair.reshape(2, 2, side, factor, side, factor).mean(axis=(3, 5)).reshape(2, 2, -1)
    pair -= pair.mean(axis=2, keepdims=True)
    products = (pair[0] * pair[1]).sum(axis=1)
    norms = np.sqrt((pair[0] ** 2).sum(axis=1) * (pair[1] ** 2).sum(axis=1))
    return float(np.min(np.where(norms > 0, products / np.maximum(norms, 1e-9), 0.0)))


def _unlikeness(query: np.ndarray, reference: np.ndarray, usable: bool) -> float:
    """Distance added to a hash candidate whose thumbnails correlate less than _ALIKE (a
    favicon's are compared at half the side: it is blurred, its reference is not)."""
    alike = likeness(query, reference) if usable else likeness(query, reference, THUMB // 2)
    return _UNLIKE_WEIGHT * max(0.0, (_ALIKE if usable else _ALIKE_FAVICON) - alike)


def _confirmed(agreed: Agreement, query: Keypoints, reference: Keypoints) -> bool:
    """Enough keypoints agree on one geometry for the candidate to be the same drawing."""
    fewest = min(len(query.points), len(reference.points))
    shown = agreed.overlap if agreed.covered >= _COVERED else fewest
    return agreed.inliers >= VERIFIED_INLIERS and agreed.inliers >= VERIFIED_SHARE * shown


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
              f"perceptual distance {match.distance:.2f} (pHash/dHash/wHash/shape, thumbnails)"
              if match.distance < 1 else "hashes apart (cropped, turned or framed)")
    if match.favicon:
        return f"{hashes}; at favicon size its pixels correlate {match.favicon:.3f} with the logo's"
    if match.inliers >= VERIFIED_INLIERS:
        return f"{hashes}; {match.inliers} keypoints agree under one rotation, scale and shift"
    return hashes
