"""Answers the sandbox makes up instead of reading a file (`_generate` rules): the hostile
web — huge pages, compression bombs, binary noise, link floods, infinite calendars —
without putting gigabytes on disk.

Each body is produced in chunks while it is sent, so that a 100 MB page costs the sandbox
no more memory than a small one; a compression bomb is compressed once and kept (a
gigabyte of HTML compresses to about a megabyte).
"""

from __future__ import annotations

import datetime
import functools
import random
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

CHUNK = 64 * 1024
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
_SIZE = re.compile(r"^(\d+)([KMG]?)$", re.I)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_HTML = "text/html; charset=utf-8"
_HEAD = b'<!doctype html><html><head><meta charset="utf-8"><title>generated</title></head><body>\n'
_TAIL = b"</body></html>\n"
_FILLER = b"<p>" + b"lorem ipsum dolor sit amet " * 36 + b"</p>\n"


@dataclass(frozen=True)
class Generated:
    """A made-up body: its length, how to produce it, and the headers it comes with."""

    length: int
    chunks: Callable[[], Iterator[bytes]]
    headers: tuple[tuple[str, str], ...]


def parse_size(text: str) -> int:
    """`200`, `64K`, `100M`, `1G` → bytes; raises ValueError."""
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(f"not a size: {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2).upper()]


def _html_chunks(size: int) -> Iterator[bytes]:
    """An HTML page of exactly `size` bytes (at least head and tail), mostly paragraphs."""
    yield _HEAD
    left = max(0, size - len(_HEAD) - len(_TAIL))
    block = _FILLER * (CHUNK // len(_FILLER))
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece
    yield _TAIL


def _html_length(size: int) -> int:
    return max(size, len(_HEAD) + len(_TAIL))


@functools.lru_cache(maxsize=8)
def _compressed(size: int, wbits: int) -> bytes:
    """`size` bytes of HTML compressed with zlib (`wbits` 31: gzip; 15: deflate)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [compressor.compress(chunk) for chunk in _html_chunks(size)]
    parts.append(compressor.flush())
    return b"".join(parts)


def _bomb(size: int, encoding: str) -> Generated:
    body = _compressed(size, 31 if encoding == "gzip" else 15)
    return Generated(len(body), lambda: iter((body,)),
                     (("Content-Type", _HTML), ("Content-Encoding", encoding)))


def _noise(size: int, seed: str) -> Generated:
    def chunks() -> Iterator[bytes]:
        generator = random.Random(seed)
        left = size
        while left > 0:
            piece = generator.randbytes(min(CHUNK, left))
            left -= len(piece)
            yield piece

    return Generated(size, chunks, (("Content-Type", "application/octet-stream"),))


def _page(markup: bytes) -> Generated:
    body = _HEAD + markup + _TAIL
    return Generated(len(body), lambda: iter((body,)), (("Content-Type", _HTML),))


def _links(count: int) -> Generated:
    markup = b"".join(b'<a href="/page/%d.html">page %d</a>\n' % (n, n) for n in range(count))
    return _page(b"<h1>links</h1>\n" + markup)


def _calendar(path: str) -> Generated:
    """A day of an endless calendar: links to the day before and after, for ever. The
    links are labelled like identity pages, so that a crawler looking for those is
    tempted."""
    match = _DATE.search(path)
    try:
        day = datetime.date(*map(int, match.groups())) if match else datetime.date(2026, 1, 1)
    except ValueError:
        day = datetime.date(2026, 1, 1)
    prefix = path[: match.start()] if match else path.rstrip("/") + "/"
    links = []
    for step in (-1, 1, 30):
        other = day + datetime.timedelta(days=step)
        links.append(f'<a href="{prefix}{other.isoformat()}/about/">About us — {other.isoformat()}</a>')
    return _page(f"<h1>Calendar {day.isoformat()}</h1>\n{' '.join(links)}\n".encode())


def generate(kind: str, argument: str | None, path: str) -> Generated:
    """The answer of a `_generate` rule: `html SIZE`, `gzip SIZE`, `deflate SIZE`,
    `binary SIZE`, `links COUNT` or `calendar`; raises ValueError for anything else."""
    if kind == "calendar":
        return _calendar(path)
    if argument is None:
        raise ValueError(f"{kind} needs a size or count")
    if kind == "links":
        return _links(int(argument))
    size = parse_size(argument)
    if kind == "html":
        return Generated(_html_length(size), functools.partial(_html_chunks, size), (("Content-Type", _HTML),))
    if kind in ("gzip", "deflate"):
        return _bomb(size, kind)
    if kind == "binary":
        return _noise(size, path)
    raise ValueError(f"unknown generated answer {kind!r}")
