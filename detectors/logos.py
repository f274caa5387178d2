"""Logos: does an image a target shows look like a registry organisation's logo?

Two stages. Hashes of normalised views (detectors.logo_hashes) find candidates; keypoints
(detectors.logo_keypoints) confirm or overrule them, and propose what the hashes missed.
Where a few keypoints agree, the candidate laid over the query under their geometry must
coincide with it (detectors.logo_overlay); a plain glyph cut at its edges, too bare for
keypoints, is looked for as a window of each hash candidate. A hash candidate that
keypoints do not support must also look alike in thumbnails of the same views: 64-bit
hashes of unrelated plain logos collide far more often (detectors.logo_scores scores them).
A favicon, too small for keypoints, is also compared pixel by pixel with every registry
logo drawn as small (detectors.logo_favicons), which finds and raises its own candidates.

All registry hashes sit in one uint64 array (row = logo × crop, column = hash kind); a query
is compared with every row at once (XOR + popcount), so its cost does not grow as a Python
loop over the registry.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

import numpy as np
from PIL import Image

from detectors.findings import Finding
from detectors.images import ImageError, load_image_file
from detectors.logo_favicons import FaviconIndex
from detectors.logo_hashes import HASH_KINDS, THUMB, VARIANT, image_features
from detectors.logo_keypoints import VERIFIED_INLIERS, KeypointIndex, agreement, cut_likeness, query_keypoints
from detectors.logo_scores import (CONTRADICTED, FARTHEST, SCORE_FLOOR, SUPPORTED, LogoMatch, as_favicon, confirms,
                                   favicons_alike, judge, ranked, unlikeness)
from detectors.profile import TargetProfile
from detectors.registry import Registry

logger = logging.getLogger(__name__)

_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)  # per hash kind
_ASPECT_SLACK = 0.2  # log aspect-ratio difference that costs nothing (see aspect_penalty)
_ASPECT_WEIGHT = 0.25
_PROPOSALS = 5  # candidates proposed by keypoint votes besides the hashes' own
_VERIFIED_HASHES = 8  # closest hash candidates checked on keypoints
_CUT_COINCIDES = 0.85  # a hash candidate a window of which the query matches this well is it, cut


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
        both (`logo_scores.judge`): keypoints that agree on one geometry confirm a candidate, a
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
                if best[row] > FARTHEST:
                    break
                hashed[self._rows[row][0]] = (float(best[row]), int(best_crop[row]), int(row))
        if not crops:
            return ranked(found.values())[:limit]
        proposed = self._keypoints.proposals(seen, _PROPOSALS)
        correlations = None if seen[0].usable else self._favicons.correlations(image)
        small = [] if correlations is None else favicons_alike(correlations, _PROPOSALS)
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
            coincides = agreed.edges  # ranks confirmed candidates (logo_scores.ranked)
            if row < 0:  # proposed by keypoint votes alone: confirmed by keypoints alone, not by
                agreed = replace(agreed, coincidence=0.0)  # a few and the overlay (a shared wordmark)
            cut = (row >= 0 and view.usable and not confirms(agreed, view, reference)
                   and max(cut_likeness(shown, reference) for shown in seen) >= _CUT_COINCIDES)
            if row >= 0 and agreed.inliers < SUPPORTED and not cut:
                value += unlikeness(thumbs[crop_number], self._thumbs[row], seen[0].usable)
            score, alike = judge(value, agreed, view, reference, crop == "whole", cut), 0.0
            if correlations is not None:
                score, alike = as_favicon(score, float(correlations[number]))
            if score >= SCORE_FLOOR:
                found[org_id] = LogoMatch(org_id, label, round(value, 4), score, False, crop, agreed.inliers,
                                          round(alike, 4), round(coincides, 4))
                confirmed |= {org_id} if cut or confirms(agreed, view, reference) else set()
        if confirmed:  # the drawing is known: others the keypoints did not confirm are look-alikes
            found = {org_id: match if match.exact or org_id in confirmed else replace(
                match, score=min(match.score, CONTRADICTED)) for org_id, match in found.items()}
        return ranked(found.values())[:limit]




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
