"""Untrusted image bytes from the web → a decoded Pillow image, safely.

Pillow's own bomb limit (89.5 Mpx, only a warning below 179 Mpx) is far too lax for
logos: the declared size is checked before any pixel is decoded. SVG is rasterised at a
bounded size by cairosvg in a separate process limited in time and memory, with no access
to files or the network.
"""

from __future__ import annotations

import atexit
import gzip
import io
import math
import os
import re
import resource
import select
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 16_000_000
MAX_BYTES = 5 * 1024 * 1024
SVG_RASTER_SIZE = 512
CHECK_SVG_SIZE = 64  # side of the raster that only checks an SVG (see image_facts)
SVG_TIMEOUT = 5.0  # seconds of rendering for one SVG
SVG_MEMORY = 512 * 1024 * 1024  # address space of the process that renders SVG
_DRAFT_SIZE = 1024  # JPEGs at least twice this on both sides decode at 1/2, 1/4 or 1/8
_SNIFF_BYTES = 65_536
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_MAGIC = ((_PNG_MAGIC, "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
          (b"\x00\x00\x01\x00", "ICO"), (b"BM", "BMP"), (b"\x1f\x8b", "SVG"))
_EMPTY_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
_SVG_TAG = re.compile(rb"<svg[\s>/]", re.I)
_SVG_LEAD = re.compile(rb"\s*(?:<\?xml|<!--|<!doctype\s+svg|<svg[\s>/])", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in|em|ex)?\s*$", re.I)
_PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
                "in": 96.0, "em": 16.0, "ex": 8.0}
_TRUNCATION_WORDS = ("truncated", "broken", "end of file")


class ImageError(ValueError):
    """Bytes that cannot be used as an image; the message is a short clear reason."""


@dataclass(frozen=True)
class DecodedImage:
    image: Image.Image  # fully loaded, RGBA; a large JPEG is decoded at reduced scale
    format: str  # PNG | JPEG | MPO | GIF | WEBP | ICO | BMP | SVG
    width: int  # of the source (for SVG: the rasterised size)
    height: int


def sniff_format(data: bytes) -> str | None:
    """Format from magic bytes (any gzip counts as SVGZ until decompressed), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return "SVG" if _looks_like_svg(data) else None


def _looks_like_svg(data: bytes) -> bool:
    """XML whose root is <svg>; an HTML page with inline SVG is not one."""
    head = data[:_SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
    tag = _SVG_TAG.search(head)
    return bool(_SVG_LEAD.match(head)) and tag is not None and b"<html" not in head[:tag.start()].lower()


def load_image(data: bytes, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> DecodedImage:
    """Decode untrusted bytes; raise ImageError for anything unsafe or broken."""
    if not data:
        raise ImageError("empty file")
    if len(data) > max_bytes:
        raise ImageError(f"image too large: {len(data)} bytes exceeds {max_bytes}")
    kind = sniff_format(data)
    if kind is None:
        raise ImageError("not an image")
    if kind == "SVG":
        return _load_svg(data, max_pixels, max_bytes)
    return _load_raster(data, kind, max_pixels)


def image_facts(data: bytes, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> tuple[str, int, int]:
    """(format, width, height) as `load_image` would answer, after the same checks, for a
    caller that does not keep the pixels (the crawl describing what it downloaded). An SVG
    is painted only CHECK_SVG_SIZE px wide: cairo's cost grows with the pixels painted
    (~17 ms a real page's logo at 512 px, ~3 ms at 64 px), while what makes an SVG unusable
    (its XML, CSS, references, embedded images) fails at any size."""
    if sniff_format(data) != "SVG" or len(data) > max_bytes:
        decoded = load_image(data, max_pixels=max_pixels, max_bytes=max_bytes)
        return decoded.format, decoded.width, decoded.height
    svg = _svg_text(data, max_bytes)
    _load_svg(svg, max_pixels, max_bytes, CHECK_SVG_SIZE)
    return "SVG", *_svg_raster_size(_svg_root_attributes(svg))


def load_image_file(path: Path, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> DecodedImage:
    """`load_image` of a file, reading at most `max_bytes` + 1 bytes of it."""
    with Path(path).open("rb") as stream:
        data = stream.read(max_bytes + 1)
    return load_image(data, max_pixels=max_pixels, max_bytes=max_bytes)


# --- raster images -------------------------------------------------------------------------

def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageError(f"image too large: {width}x{height} px exceeds {max_pixels} px")


def _ico_entry_sizes(data: bytes) -> Iterator[tuple[int, int]]:
    """The real size of each icon of an ICO file, from the PNG or bitmap header inside it:
    Pillow decodes the largest icon while opening the file, trusting those headers."""
    for index in range(int.from_bytes(data[4:6], "little")):
        offset = int.from_bytes(data[18 + 16 * index:22 + 16 * index], "little")
        header = data[offset:offset + 24]
        if len(header) < 24:
            continue  # a truncated file, which Pillow reports
        if header.startswith(_PNG_MAGIC):
            yield struct.unpack(">II", header[16:24])
        elif int.from_bytes(header[:4], "little") == 12:  # the old OS/2 bitmap header
            yield struct.unpack("<HH", header[4:8])
        else:
            width, height = struct.unpack("<ii", header[4:12])
            yield abs(width), abs(height)


def _load_raster(data: bytes, kind: str, max_pixels: int) -> DecodedImage:
    if kind == "ICO":
        for width, height in _ico_entry_sizes(data):
            _check_pixels(width, height, max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's complaints about hostile files are noise here
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Opening reads the header only (ICO: see above); the first frame of an
            # animation and the largest icon of an ICO are the ones opened.
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size
                _check_pixels(width, height, max_pixels)
                if kind == "JPEG":
                    image.draft(None, (_DRAFT_SIZE, _DRAFT_SIZE))
                image.load()
                return DecodedImage(_to_rgba(image), image.format or kind, width, height)
        except ImageError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageError(f"image too large: declared size exceeds {max_pixels} px") from None
        except UnidentifiedImageError:
            raise ImageError(f"corrupt image: not a valid {kind} file") from None
        except Exception as exc:  # noqa: BLE001 - decoders of hostile bytes raise all kinds
            text = str(exc)
            if isinstance(exc, EOFError) or any(word in text.lower() for word in _TRUNCATION_WORDS):
                raise ImageError("truncated image") from None
            raise ImageError(f"corrupt image: {text[:120] or type(exc).__name__}") from None


def _to_rgba(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit grey: Pillow would clip it at 255 (all white) rather than scale it.
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    return image.convert("RGBA")


# --- SVG -------------------------------------------------------------------------------------

def _svg_text(data: bytes, max_bytes: int) -> bytes:
    """The SVG's XML, SVGZ decompressed (at most `max_bytes` of it)."""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ImageError(f"corrupt SVGZ: {exc}") from None
        if len(data) > max_bytes:
            raise ImageError(f"SVG too large: over {max_bytes} bytes once decompressed")
        if not _looks_like_svg(data):
            raise ImageError("not an image: gzip data that is not SVG")
    return data


def _load_svg(data: bytes, max_pixels: int, max_bytes: int, side: int = SVG_RASTER_SIZE) -> DecodedImage:
    data = _svg_text(data, max_bytes)
    width, height = _svg_raster_size(_svg_root_attributes(data), side)
    png, reason = _render_in_worker(data, width, height, max_pixels)
    if png is None:
        raise ImageError(reason)
    with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
        return DecodedImage(image.convert("RGBA"), "SVG", width, height)


def _svg_root_attributes(svg: bytes) -> dict[str, str]:
    head = svg[:_SNIFF_BYTES]
    tag = _SVG_TAG.search(head)
    end = head.find(b">", tag.start()) if tag else -1
    if tag is None or end < 0:
        return {}
    text = head[tag.start():end].decode("utf-8", "replace")
    return {name: double or single for name, double, single in _ATTRIBUTE.findall(text)}


def _svg_length(value: str | None) -> float | None:
    """A length in px; None for percentages, nonsense and absence."""
    match = _LENGTH.match(value or "")
    return float(match.group(1)) * _PX_PER_UNIT[(match.group(2) or "").lower()] if match else None


def _svg_raster_size(attributes: dict[str, str], side: int = SVG_RASTER_SIZE) -> tuple[int, int]:
    """The SVG's aspect ratio (from width and height, else the viewBox, else square)
    fitted within `side` px. The declared size itself is never used: cairosvg would
    allocate and paint it (a 20000x20000 px SVG took 11 s of CPU)."""
    width, height = _svg_length(attributes.get("width")), _svg_length(attributes.get("height"))
    if not (width and height):
        box = re.split(r"[\s,]+", attributes.get("viewBox", "").strip())
        try:
            width, height = float(box[2]), float(box[3])
        except (IndexError, ValueError):
            width = height = 1.0
    ratio = width / height if height else 0.0
    if not (math.isfinite(ratio) and ratio > 0):
        ratio = 1.0
    if ratio >= 1:
        return side, max(1, round(side / ratio))
    return max(1, round(side * ratio)), side


_worker: subprocess.Popen[bytes] | None = None
_worker_lock = threading.Lock()
_WORKER_CODE = "import sys; sys.path[:0] = {path!r}; from detectors.images import _serve; _serve()"


def _render_in_worker(svg: bytes, width: int, height: int, max_pixels: int) -> tuple[bytes | None, str]:
    """Rasterise in a long-lived worker process, killed when it overruns SVG_TIMEOUT:
    cairosvg bounds neither time nor memory (a 1 KiB SVG of nested <use> ran 55 s, a
    30000-unit pattern took 2.4 GB). Not multiprocessing: its spawn re-runs the caller's
    main module, which hangs any script without a main guard."""
    global _worker
    with _worker_lock:
        if _worker is None or _worker.poll() is not None:
            _stop_worker()
            _worker = _start_worker()
        assert _worker.stdin is not None
        try:
            _worker.stdin.write(struct.pack("<IIQI", width, height, max_pixels, len(svg)) + svg)
            _worker.stdin.flush()
            deadline = time.monotonic() + SVG_TIMEOUT
            ok, size = struct.unpack("<?I", _read(_worker, 5, deadline))
            payload = _read(_worker, size, deadline)
        except (OSError, EOFError, TimeoutError) as exc:
            _stop_worker()
            took = f"took over {SVG_TIMEOUT:g} s" if isinstance(exc, TimeoutError) else "crashed"
            raise ImageError(f"SVG refused: rendering {took}") from None
    return (payload, "") if ok else (None, payload.decode(errors="replace"))


def _start_worker() -> subprocess.Popen[bytes]:
    root = str(Path(__file__).resolve().parent.parent)
    worker = subprocess.Popen([sys.executable, "-c", _WORKER_CODE.format(path=[root])],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              start_new_session=True)  # Ctrl-C in a terminal is for the caller
    try:
        _read(worker, 1, time.monotonic() + 60)  # its start is not part of SVG_TIMEOUT
    except (EOFError, TimeoutError):
        worker.kill()
        worker.communicate()
        raise RuntimeError("the SVG worker process did not start (see its stderr)") from None
    return worker


@atexit.register
def _stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.kill()
        _worker.communicate()  # reaps it and closes the pipes
        _worker = None


def _read(worker: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
    """`size` bytes from the worker's stdout file descriptor (never through its buffer)."""
    assert worker.stdout is not None
    chunks, fd = [], worker.stdout.fileno()
    while size > 0:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _serve() -> None:
    """The worker's loop: requests on stdin, answers on a private copy of stdout, so that
    nothing a library prints can garble them."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = SVG_MEMORY if hard == resource.RLIM_INFINITY else min(SVG_MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    import cairosvg  # noqa: F401 - loaded before the first request, whose time is counted

    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    answers.write(b"R")
    answers.flush()
    while header := sys.stdin.buffer.read(20):
        width, height, max_pixels, size = struct.unpack("<IIQI", header)
        png, reason = _rasterise(sys.stdin.buffer.read(size), width, height, max_pixels)
        payload = png if png is not None else reason.encode()
        answers.write(struct.pack("<?I", png is not None, len(payload)) + payload)
        answers.flush()


def _rasterise(svg: bytes, width: int, height: int, max_pixels: int) -> tuple[bytes | None, str]:
    """In the worker: (PNG, "") or (None, the reason for an ImageError)."""
    import cairosvg
    from defusedxml import DefusedXmlException, EntitiesForbidden

    try:
        png = cairosvg.surface.PNGSurface.convert(  # svg2png, with a fetcher of our own
            bytestring=svg, output_width=width, output_height=height, unsafe=False,
            url_fetcher=partial(_fetch_embedded, max_pixels=max_pixels))
    except ImageError as exc:
        return None, str(exc)
    except EntitiesForbidden:
        return None, "SVG refused: XML entity declaration"
    except DefusedXmlException as exc:
        return None, f"SVG refused: {type(exc).__name__}"
    except MemoryError:
        return None, "SVG refused: rendering needs too much memory"
    except Exception as exc:  # noqa: BLE001 - parser, CSS and cairo errors alike
        return None, f"corrupt SVG: {type(exc).__name__}: {str(exc)[:120]}"
    return png, ""


def _fetch_embedded(url: str, resource_type: str, *, max_pixels: int) -> bytes:
    """cairosvg's fetcher: data: URLs only (no file, no network), and an embedded raster
    only if it passes `load_image`'s checks (cairosvg decodes it with Pillow's defaults)."""
    if not url.startswith("data:"):
        return _EMPTY_SVG
    with urllib.request.urlopen(url) as response:  # the data: handler only decodes the URL
        data = response.read()
    kind = sniff_format(data)
    if kind not in (None, "SVG"):
        try:
            _load_raster(data, kind, max_pixels)
        except ImageError as exc:
            raise ImageError(f"SVG refused: embedded {exc}") from None
    return data
