"""Untrusted image bytes from the web → a decoded Pillow image, safely.

Pillow's own bomb limit (89.5 Mpx, only a warning below 179 Mpx) is far too lax for
logos: the declared size is checked before any pixel is decoded, and SVG is rasterised at
a bounded size with external references refused.
"""

from __future__ import annotations

import gzip
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 16_000_000
MAX_BYTES = 5 * 1024 * 1024
SVG_RASTER_SIZE = 512
_DRAFT_SIDE = 2048
_SVG_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s>]", re.S | re.I)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|mm|cm|in|em|ex|%)?\s*$", re.I)


class ImageError(ValueError):
    """Bytes that cannot be used as an image; the message is a short reason."""


@dataclass(frozen=True)
class DecodedImage:
    image: Image.Image  # fully loaded, RGBA
    format: str
    width: int  # of the source (of the raster, for SVG)
    height: int


def sniff_format(data: bytes) -> str | None:
    """Format from magic bytes, or None."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] == b"\x00\x00\x01\x00":
        return "ICO"
    if head[:2] == b"BM":
        return "BMP"
    if head[:2] == b"\x1f\x8b" or _SVG_START.match(data[:4096]):
        return "SVG"
    return None


def _svg_length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match or match.group(2) == "%":
        return None
    return float(match.group(1)) or None


def _svg_raster_size(svg: bytes) -> tuple[int, int]:
    """Raster size within SVG_RASTER_SIZE, keeping the SVG's declared aspect ratio."""
    head = svg[:8192].decode("utf-8", "replace")
    root = re.search(r"<svg\b[^>]*>", head, re.S | re.I)
    attributes = dict(re.findall(r"([\w:-]+)\s*=\s*[\"']([^\"']*)[\"']", root.group(0))) if root else {}
    width, height = _svg_length(attributes.get("width")), _svg_length(attributes.get("height"))
    box = re.split(r"[\s,]+", attributes.get("viewBox", "").strip())
    if (not width or not height) and len(box) == 4:
        try:
            width, height = float(box[2]) or None, float(box[3]) or None
        except ValueError:
            pass
    if not width or not height:
        return SVG_RASTER_SIZE, SVG_RASTER_SIZE
    scale = SVG_RASTER_SIZE / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _load_svg(data: bytes, max_bytes: int) -> DecodedImage:
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(max_bytes + 1)
        except (OSError, EOFError) as exc:
            raise ImageError(f"corrupt SVGZ: {exc}") from None
        if len(data) > max_bytes:
            raise ImageError(f"SVG too large: over {max_bytes} bytes once decompressed")
    if b"<!ENTITY" in data.upper():
        raise ImageError("SVG refused: it declares entities")
    import cairosvg  # imported here: only SVG needs cairo

    width, height = _svg_raster_size(data)
    try:
        png = cairosvg.svg2png(bytestring=data, output_width=width, output_height=height,
                               unsafe=False)
    except Exception as exc:  # noqa: BLE001 - cairosvg raises parser and cairo errors alike
        raise ImageError(f"corrupt SVG: {type(exc).__name__}: {str(exc)[:120]}") from None
    image = Image.open(io.BytesIO(png))
    image.load()
    return DecodedImage(image.convert("RGBA"), "SVG", image.width, image.height)


def _pick_frame(image: Image.Image) -> None:
    """Largest size of an icon; first frame of an animation."""
    if image.format == "ICO":
        sizes = sorted(image.info.get("sizes") or [image.size], key=lambda s: s[0] * s[1])
        image.size = sizes[-1]
    elif getattr(image, "n_frames", 1) > 1:
        image.seek(0)


def load_image(data: bytes, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> DecodedImage:
    """Decode untrusted bytes; raise ImageError for anything unsafe or broken."""
    if not data:
        raise ImageError("empty file")
    if len(data) > max_bytes:
        raise ImageError(f"image too large: {len(data)} bytes exceeds {max_bytes}")
    kind = sniff_format(data)
    if kind == "SVG":
        return _load_svg(data, max_bytes)
    if kind is None:
        raise ImageError("not an image")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            _pick_frame(image)
            width, height = image.size
            if width * height > max_pixels:
                raise ImageError(f"image too large: {width}x{height} px exceeds {max_pixels} px")
            if image.format == "JPEG" and max(width, height) > _DRAFT_SIDE:
                image.draft("RGB", (_DRAFT_SIDE, _DRAFT_SIDE))
            image.load()
            converted = image.convert("RGBA")
        except ImageError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ImageError(f"image too large: {exc}") from None
        except UnidentifiedImageError:
            raise ImageError("not an image") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            text = str(exc)
            reason = "truncated image" if "truncated" in text or "broken data" in text else f"corrupt image: {text[:120]}"
            raise ImageError(reason) from None
    return DecodedImage(converted, image.format or kind, width, height)


def load_image_file(path: Path, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> DecodedImage:
    """`load_image` of a file, reading at most `max_bytes` + 1 bytes of it."""
    with Path(path).open("rb") as stream:
        data = stream.read(max_bytes + 1)
    return load_image(data, max_pixels=max_pixels, max_bytes=max_bytes)
