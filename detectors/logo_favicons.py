"""The logo detector's favicon stage: a tiny query compared with every registry logo drawn
at the same tiny size, colours included.

A 16 px favicon is a blur to the hashes (detectors.logo_hashes see it stretched to 64 px)
and shows no keypoints. What it does show is the registry logo downscaled: the same
content, fitted into the same square, in the same colours. Each registry logo is therefore
kept as it would look as a favicon (trimmed to its content, fitted into FAVICON_SIDE px on
its ground, then seen as a query is seen), and a small query is compared with all of them
at once by correlation of their pixels (1 = the same up to brightness and contrast).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

FAVICON_SIDE = 16
_INK = 8.0  # a pixel this far (0–255, any channel) from the ground colour is content
_CHUNK = 512  # registry rows correlated at once: their float32 copy stays in cache (~8x faster)
_WHITE = np.full(3, 255.0, dtype=np.float32)


def _on_white(image: Image.Image) -> np.ndarray:
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    alpha = rgba[..., 3:4] / 255.0
    return rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)


def _ground(image: Image.Image, rgb: np.ndarray) -> np.ndarray:
    """White where transparency shows the background, else the border's colour."""
    if image.mode in ("RGBA", "LA", "PA") and image.getchannel("A").getextrema()[0] < 128:
        return _WHITE
    return np.median(np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]), axis=0)


def favicon_view(image: Image.Image) -> np.ndarray | None:
    """The image's content trimmed, fitted into FAVICON_SIDE px and centred on its ground
    colour, (FAVICON_SIDE, FAVICON_SIDE, 3) uint8; None for a blank image."""
    rgb = _on_white(image)
    ground = _ground(image, rgb)
    content = np.abs(rgb - ground).max(axis=2) > _INK
    if not content.any():
        return None
    rows, cols = np.flatnonzero(content.any(axis=1)), np.flatnonzero(content.any(axis=0))
    trimmed = Image.fromarray(rgb[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].round().astype(np.uint8))
    scale = FAVICON_SIDE / max(trimmed.size)
    width, height = (max(1, round(side * scale)) for side in trimmed.size)
    canvas = Image.new("RGB", (FAVICON_SIDE, FAVICON_SIDE), tuple(int(round(v)) for v in ground))
    canvas.paste(trimmed.resize((width, height), Image.Resampling.LANCZOS),
                 ((FAVICON_SIDE - width) // 2, (FAVICON_SIDE - height) // 2))
    return np.asarray(canvas, dtype=np.uint8)


def small_view(image: Image.Image) -> np.ndarray | None:
    """favicon_view of the favicon_view: the same for a logo, the logo cut to its content
    box as a favicon and that favicon within a margin. Its first pass trims the margin, the
    second trims a full-bleed square icon to what is inside it, however it was first shown."""
    small = favicon_view(image)
    return None if small is None else favicon_view(Image.fromarray(small, "RGB"))


class FaviconIndex:
    """Every registry logo's small_view, by logo number (uint8, 768 bytes a logo)."""

    def __init__(self) -> None:
        self._pending: list[np.ndarray] = []
        self._views = np.zeros((0, FAVICON_SIDE * FAVICON_SIDE * 3), dtype=np.uint8)
        self._norms = np.zeros(0, dtype=np.float32)  # of each view less its mean; 0 = blank

    def add(self, image: Image.Image) -> None:
        view = small_view(image)
        self._pending.append(np.zeros(FAVICON_SIDE * FAVICON_SIDE * 3, np.uint8) if view is None
                             else view.reshape(-1))

    def _table(self) -> np.ndarray:
        if self._pending:
            added = np.stack(self._pending)
            centred = added - added.mean(axis=1, keepdims=True, dtype=np.float32)
            self._views = np.concatenate([self._views, added])
            self._norms = np.concatenate([self._norms, np.sqrt((centred**2).sum(axis=1)).astype(np.float32)])
            self._pending = []
        return self._views

    def correlations(self, image: Image.Image) -> np.ndarray | None:
        """The query's small_view correlated with every registry logo's (-1 to 1; 0
        where the registry logo is blank); None for a blank query."""
        views = self._table()
        shown = small_view(image)
        if shown is None:
            return None
        query = shown.reshape(-1).astype(np.float32)
        query -= query.mean()
        norm = float(np.sqrt((query**2).sum()))
        if norm == 0.0:
            return None
        query /= norm  # sums to 0: a row's mean does not change its product with it
        found = np.zeros(len(views), dtype=np.float32)
        chunk = np.empty((_CHUNK, views.shape[1]), dtype=np.float32)
        for start in range(0, len(views), _CHUNK):
            rows = chunk[:len(views[start:start + _CHUNK])]
            np.copyto(rows, views[start:start + _CHUNK], casting="unsafe")
            found[start:start + _CHUNK] = rows @ query
        return np.divide(found, self._norms, out=np.zeros_like(found), where=self._norms > 0)
