"""The logo detector's overlay check: a registry logo laid over the query under the
geometry its keypoints agree on, and how well the two pictures coincide there.

Agreeing keypoints alone say little when they are few or a small share of a logo's: a
text logo cut at its edges keeps a third of its keypoints' matches (repeated letters fail
the ratio test), and two unrelated logos may share a handful of corners. Where the
geometry is right, though, the genuine logo's picture lies on the query's wherever both
show content, and an unrelated one's does not. Registry pictures are kept small
(PICTURE_SHRINK times smaller than the keypoints' view, ≤ 72×72 bytes a logo); the query's
view is laid over them, both reduced to their details (a difference of Gaussians, so that
a pixel of misalignment costs little and filled shapes of one size do not coincide as
masses), and correlated over the part of both contents that overlap. The same is done
with a second picture of each, of where its colour changes (logo_keypoints._colour_edges,
another ≤ 72×72 bytes): it ranks candidates the ink pictures cannot tell apart (two logos
sharing lettering and shape, their bands in colours equally far from white).

A plain glyph cut at its edges shows too few keypoints for any geometry: `window` looks
for the query's picture as a window of a candidate's, stretched over the shares of each
side that a cut at its edges leaves.
"""

from __future__ import annotations

import cv2
import numpy as np

PICTURE_SHRINK = 4  # the pictures kept are this many times smaller than the keypoints' views
_BLUR = 1.0  # Gaussian sigma (picture pixels) before correlating…
_BROAD = 3.0  # …less this broader blur: details, not the mass of a filled shape
_LEAST_OVERLAP = 0.5  # share of the smaller content that must overlap the other
_LEAST_SPREAD = 2.0  # standard deviation of details (grey levels) below which a picture shows nothing
_WINDOW = (0.76, 0.80, 0.84, 0.88)  # shares of a side that a logo cut at its edges may keep
_LEAST_WINDOW = 12  # picture pixels: a smaller window shows too little to correlate


def picture(grey: np.ndarray) -> np.ndarray:
    """The small picture kept of a keypoints' view (dark ink on white, with its margin)."""
    height, width = grey.shape
    size = (max(1, round(width / PICTURE_SHRINK)), max(1, round(height / PICTURE_SHRINK)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def _content(shape: tuple[int, int], margin: float) -> np.ndarray:
    """A mask of a picture's content: all of it but its blank margin."""
    mask = np.zeros(shape, dtype=np.uint8)
    low = int(round(margin))
    mask[low:shape[0] - low, low:shape[1] - low] = 1
    return mask


def _details(picture: np.ndarray) -> np.ndarray:
    """A picture's edges and strokes (a difference of Gaussians): two filled discs of
    one size coincide as masses whatever is drawn inside them."""
    return cv2.GaussianBlur(picture, (0, 0), _BLUR) - cv2.GaussianBlur(picture, (0, 0), _BROAD)


def coincidence(query: np.ndarray, reference: np.ndarray, transform: np.ndarray, margin: float) -> float:
    """Correlation (−1 to 1) of the query's view (keypoint pixels) laid over the
    reference's small picture, transform mapping the query's view onto the reference's,
    over the part of both contents that overlap; 0 when too little overlaps or it is blank.

    Compared in the reference's picture, at its resolution: a registry logo found small
    within a wide query (a wordmark beside a site name) is seen as sharply as on its own,
    not as a blur in which any line of text of that size coincides with it.
    margin: the blank border (keypoint pixels) around each view's content, left out: a
    query cut at its edges shows blank where the reference goes on."""
    onto = transform.astype(np.float64) / PICTURE_SHRINK  # query view → reference picture…
    onto[:, 2] += 0.5 / PICTURE_SHRINK - 0.5  # …whose pixels' centres lie between the view's
    scale = float(np.hypot(onto[0, 0], onto[1, 0]))  # reference picture pixels per query pixel
    shown = query.astype(np.float32)
    if scale < 1.0:  # reduced by the warp: blurred first, as INTER_AREA would
        shown = cv2.GaussianBlur(shown, (0, 0), 0.5 / scale)
    size = (reference.shape[1], reference.shape[0])
    laid = cv2.warpAffine(shown, onto, size, flags=cv2.INTER_LINEAR, borderValue=255.0)
    content = _content(query.shape, margin)
    covered = cv2.warpAffine(content, onto, size, flags=cv2.INTER_NEAREST, borderValue=0)
    inside = _content(reference.shape, margin / PICTURE_SHRINK) > 0
    overlap = (covered > 0) & inside
    query_area = float(content.sum()) * scale * scale
    if overlap.sum() < _LEAST_OVERLAP * min(float(inside.sum()), query_area):
        return 0.0
    laid = _details(laid)[overlap]
    drawn = _details(reference.astype(np.float32))[overlap]
    if laid.std() < _LEAST_SPREAD or drawn.std() < _LEAST_SPREAD:
        return 0.0
    return float(np.corrcoef(laid, drawn)[0, 1])


def window(query: np.ndarray, reference: np.ndarray, margin: float) -> float:
    """The best correlation (details, as `coincidence`) of the query's picture stretched
    over a window of the reference's covering _WINDOW of each side, anywhere within it:
    whether the query is the reference cut at its edges. A plain glyph cut so shows too
    few keypoints for any geometry, and its hashes move far from the whole's."""
    low = int(round(margin / PICTURE_SHRINK))
    shown = _details(query[low:query.shape[0] - low, low:query.shape[1] - low].astype(np.float32))
    whole = _details(reference.astype(np.float32))[low:reference.shape[0] - low, low:reference.shape[1] - low]
    height, width = whole.shape
    best = 0.0
    for across in _WINDOW:
        for down in _WINDOW:
            size = (round(across * width), round(down * height))
            if min(size) < _LEAST_WINDOW or min(shown.shape) < 2:
                continue
            cut = cv2.resize(shown, size, interpolation=cv2.INTER_AREA)  # details first: 16 sizes, one blur
            if cut.std() < _LEAST_SPREAD:
                continue
            best = max(best, float(cv2.matchTemplate(whole, cut, cv2.TM_CCOEFF_NORMED).max()))
    return best
