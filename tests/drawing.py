"""Logos the tests draw: simple marks of shapes and letters, reproducible, no files."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def logo(seed: int, size: int = 256, text: str = "", background: str = "white") -> Image.Image:
    """A distinct mark for each seed: a coloured shape, a band and optional letters."""
    palette = ["#c8102e", "#003f87", "#00843d", "#ffb81c", "#5f259f", "#e35205", "#0085ca", "#222222"]
    image = Image.new("RGBA", (size, size), background)
    draw = ImageDraw.Draw(image)
    first, second = palette[seed % 8], palette[(seed // 8 + 3) % 8]
    shape = seed % 3
    box = (size * 0.12, size * 0.12, size * 0.88, size * 0.88)
    if shape == 0:
        draw.ellipse(box, fill=first)
    elif shape == 1:
        draw.rectangle(box, fill=first)
    else:
        draw.polygon([(size / 2, size * 0.1), (size * 0.9, size * 0.9), (size * 0.1, size * 0.9)], fill=first)
    band = size * (0.3 + (seed % 5) * 0.08)
    draw.rectangle((size * 0.2, band, size * 0.8, band + size * 0.12), fill=second)
    if text:
        font = ImageFont.truetype(FONT, int(size * 0.22))
        draw.text((size / 2, size * 0.72), text, fill="white", font=font, anchor="mm")
    return image


def save(image: Image.Image, path: Path, format: str | None = None, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format=format, **options)
    return path


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
