"""How the logo detector scores a candidate: its hash distance, its keypoints, its
thumbnails and, for a favicon, its pixels drawn as small, into one 0–100 score, and how
candidates are ranked. detectors.logos gathers the candidates; this module judges them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cmp_to_key

import numpy as np

from detectors.logo_hashes import THUMB
from detectors.logo_keypoints import OVERLAID, VERIFIED_INLIERS, VERIFIED_SHARE, Agreement, Keypoints

# Combined distance → score: (distance, score) knots, linear in between.
_KNOTS = ((0.0, 100.0), (0.10, 90.0), (0.18, 80.0), (0.22, 70.0), (0.26, 60.0), (0.34, 0.0))
SCORE_FLOOR = 60
FARTHEST = _KNOTS[-1][0]  # a hash distance from which a candidate scores nothing
CONTRADICTED = 65  # most a hash look-alike scores when keypoints contradict it (< 70)…
_CONTRADICTED_SHARE = 0.15  # …that is, when fewer than this share of keypoints agree
_COVERED = 0.5  # share of a reference's keypoints a query must show for the share to count only those
SUPPORTED = 6  # agreeing keypoints from which a look-alike's hashes are taken at their word…
_UNSUPPORTED = 0.04  # …else this is added to its distance, when the query is large enough for keypoints
_ALIKE = 0.9  # thumbnail correlation (see likeness) below which an unsupported candidate's…
_ALIKE_FAVICON = 0.92  # …(a favicon's, at half the side)…
_UNLIKE_WEIGHT = 0.7  # …distance grows by this much per unit of the shortfall
_MORE_INLIERS = 1.3  # see ranked
_CONFIRMED = 80  # least score of a candidate keypoints confirm (judge)…
_CLEARER = 1.5  # …and how many times less one's colour edges must miss the query's (1 - coincides) to rank first
_COINCIDES = 0.9  # from OVERLAID agreeing keypoints, a candidate whose picture laid over the query's under
# their geometry correlates this much with it is the same drawing (logo_overlay)
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
    coincides: float = 0.0  # its colour edges' correlation with the query's laid over them (Agreement.edges)


def score_for(distance: float) -> int:
    """The 0–100 score of a combined distance (see _KNOTS; calibrated by bench/eval_logos.py)."""
    xs, ys = zip(*_KNOTS)
    return int(round(float(np.interp(distance, xs, ys))))


def favicon_score(correlation: float) -> int:
    """The score a favicon earns on its correlation with a logo drawn as small (0 below
    the first of _FAVICON_KNOTS)."""
    xs, ys = zip(*_FAVICON_KNOTS)
    return int(round(float(np.interp(correlation, xs, ys)))) if correlation >= xs[0] else 0



def ranked(matches: Iterable[LogoMatch]) -> list[LogoMatch]:
    """Best first: higher scores; between equal scores, closer hashes, unless keypoints
    confirm both and one has clearly more agreeing (_MORE_INLIERS times): two registry
    logos sharing lettering may both be confirmed and both capped at 95, and the hashes of
    a logo on a dark ground or recoloured can be nearer another's.

    Before all that, between two candidates keypoints confirm whose colour edges were laid
    over the query's (logo_keypoints.Agreement.edges), the one whose edges coincide with
    the query's clearly better (miss them _CLEARER times less) comes first: logos sharing
    lettering are both confirmed on the letters' keypoints (their count, hence their
    score, is then chance), but only the genuine one's other parts (a band, a frame) meet
    where the query's do, whatever colours the query shows them in."""
    def order(first: LogoMatch, second: LogoMatch) -> int:
        laid = min(first.score, second.score) >= _CONFIRMED and min(first.coincides, second.coincides) > 0
        misses = sorted((1.0 - first.coincides, 1.0 - second.coincides))
        if laid and misses[1] > _CLEARER * misses[0]:
            return -1 if first.coincides > second.coincides else 1
        if first.score != second.score:
            return second.score - first.score
        fewer, more = sorted((first.inliers, second.inliers))
        if fewer >= VERIFIED_INLIERS and more >= _MORE_INLIERS * fewer:
            return second.inliers - first.inliers
        return (first.distance > second.distance) - (first.distance < second.distance)
    return sorted(matches, key=cmp_to_key(order))


def favicons_alike(correlations: np.ndarray, limit: int) -> list[int]:
    """Logo numbers whose favicon-size drawing a favicon correlates with closely enough to
    score at least SCORE_FLOOR on that alone, best first (at most limit)."""
    best = np.argsort(-correlations, kind="stable")[:limit]
    return [int(number) for number in best if correlations[number] >= _FAVICON_KNOTS[0][0]]


def as_favicon(score: int, correlation: float) -> tuple[int, float]:
    """A favicon candidate's score given how its pixels correlate with the candidate drawn
    as small (a close correlation raises it, see _FAVICON_KNOTS), and that correlation if
    it raised the score (else 0). A poor correlation does not lower it: a favicon drawn
    within a margin, its edges blended, may correlate poorly with its own logo."""
    alike = favicon_score(correlation)
    return (alike, correlation) if alike > score else (score, 0.0)


def judge(distance: float, agreed: Agreement, query: Keypoints, reference: Keypoints, whole: bool,
          cut: bool = False) -> int:
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
    any (SUPPORTED) agreeing needs closer hashes to be flagged. A favicon cannot show
    keypoints, so its hashes are judged as they are."""
    if distance == 0.0:
        return 100
    score = score_for(distance)
    agreeing = agreed.inliers
    fewest = min(len(query.points), len(reference.points))
    if cut or confirms(agreed, query, reference):
        return max(score, min(95, _CONFIRMED + max(0, agreeing - VERIFIED_INLIERS)))
    if whole and query.detailed and reference.detailed and agreeing < _CONTRADICTED_SHARE * fewest:
        return min(score, CONTRADICTED)
    if query.usable and agreeing < SUPPORTED:
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


def unlikeness(query: np.ndarray, reference: np.ndarray, usable: bool) -> float:
    """Distance added to a hash candidate whose thumbnails correlate less than _ALIKE (a
    favicon's are compared at half the side: it is blurred, its reference is not)."""
    alike = likeness(query, reference) if usable else likeness(query, reference, THUMB // 2)
    return _UNLIKE_WEIGHT * max(0.0, (_ALIKE if usable else _ALIKE_FAVICON) - alike)


def confirms(agreed: Agreement, query: Keypoints, reference: Keypoints) -> bool:
    """Enough keypoints agree on one geometry for the candidate to be the same drawing."""
    if agreed.inliers >= OVERLAID and agreed.coincidence >= _COINCIDES:
        return True
    fewest = min(len(query.points), len(reference.points))
    shown = agreed.overlap if agreed.covered >= _COVERED else fewest
    return agreed.inliers >= VERIFIED_INLIERS and agreed.inliers >= VERIFIED_SHARE * shown

