"""The hostile web: sites made to hurt a crawler, each with the status it must end with.

`build_hostile_web(root)` writes them as sandbox folders (pages, images and the `_generate`,
`_redirects`, `_headers` and `_slow` rules that make up the rest); the resilience tests and
`bench/hostile.py` crawl them. Every case is data: a host, its files, the status and a word
of the reason expected.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

PAGE = ('<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        "<body><h1>{title}</h1>{body}</body></html>")


@dataclass(frozen=True)
class HostileSite:
    host: str
    status: str  # the status the target must end with
    reason: str | None  # a word of its error (None: no error)
    files: dict[str, bytes | str] = field(default_factory=dict)
    rendered: bool = False  # a case only a rendering crawl meets (JavaScript)


def _page(title: str, body: str = "", head: str = "") -> str:
    return PAGE.format(title=title, body=body, head=head)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _grey_png(side: int) -> bytes:
    """A valid black PNG of side × side pixels, written by hand: a 20,000 px square is
    400 Mpx in some 400 KB of zlib."""
    compressor, row = zlib.compressobj(9), b"\x00" * (side + 1)
    rows = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows)
            + _png_chunk(b"IEND", b""))


def _redirecting(host: str, location: str, reason: str = "not fetched") -> HostileSite:
    return HostileSite(host, "blocked", reason, {"_redirects": f"/ 302 {location}\n"})


def hostile_sites(image_side: int = 20_000, bomb: str = "256M", huge: str = "100M") -> list[HostileSite]:
    """The cases (sizes can be changed: the benchmark uses bigger bombs)."""
    icons = '<link rel="icon" href="/favicon.png"><link rel="apple-touch-icon" href="/touch.png">'
    svg_bomb = ('<svg class="logo" xmlns="http://www.w3.org/2000/svg" width="20000" height="20000">'
                + '<rect width="20000" height="20000" fill="red"/>' * 2000 + "</svg>")
    gbk = _page("晨光日报", "<p>本报讯 晨光日报社主办</p>").replace('charset="utf-8"', 'charset="{}"')
    control_name = "Daily\u202egnp.exe\u202c \x00News\x07"
    busy = "<script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 10))</script>"
    return [
        HostileSite("gzip-bomb.example.com", "error", "too large",
                    {"_generate": f"/ gzip {bomb}\n"}),
        HostileSite("deflate-bomb.example.com", "error", "too large",
                    {"_generate": f"/ deflate {bomb}\n"}),
        HostileSite("huge-page.example.com", "error", "too large",
                    {"_generate": f"/ html {huge}\n"}),
        HostileSite("image-bombs.example.com", "ok", None, {
            "index.html": _page("Image bombs", head=icons),
            "favicon.png": _grey_png(image_side),
            "touch.png": _grey_png(64)[:60],  # truncated
        }),
        HostileSite("svg-bombs.example.com", "ok", None, {
            "index.html": _page("SVG bombs", svg_bomb, head='<link rel="icon" href="/icon.svg">'),
            "icon.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"',  # malformed
        }),
        HostileSite("redirect-loop.example.com", "error", "redirect",
                    {"_redirects": "/ 302 /a\n/a 302 /b\n/b 302 /\n"}),
        _redirecting("to-loopback.example.com", "http://127.0.0.1/admin"),
        _redirecting("to-private.example.com", "http://10.0.0.1/"),
        _redirecting("to-metadata.example.com", "http://169.254.169.254/latest/meta-data/"),
        _redirecting("to-localhost.example.com", "http://localhost/"),
        _redirecting("to-file.example.com", "file:///etc/passwd", "refused"),
        HostileSite("calendar-trap.example.com", "ok", None, {
            "index.html": _page("Calendar", '<a href="/calendar/2026-01-01/about/">About us</a>'),
            "_generate": "/calendar/* calendar\n",
        }),
        HostileSite("link-flood.example.com", "ok", None, {"_generate": "/ links 50000\n"}),
        HostileSite("trickle.example.com", "error", "timed out", {
            "index.html": _page("Trickle", "<p>" + "slow " * 400 + "</p>"),
            "_slow": "/ 0 1\n",
        }),
        HostileSite("wrong-charset.example.cn", "ok", None,
                    {"index.html": gbk.format("utf-8").encode("gbk")}),
        HostileSite("no-charset.example.cn", "ok", None,
                    {"index.html": gbk.replace('<meta charset="{}">', "").encode("gbk")}),
        HostileSite("binary-as-html.example.com", "error", "binary", {
            "_generate": "/ binary 2M\n", "_headers": "/ Content-Type: text/html; charset=utf-8\n"}),
        HostileSite("huge-title.example.com", "ok", None,
                    {"index.html": _page("Huge " * 200_000)}),
        HostileSite("control-names.example.com", "ok", None, {"index.html": _page(
            control_name, head=f'<meta property="og:site_name" content="{control_name}">')}),
        HostileSite("js-busy.example.com", "ok", None,
                    {"index.html": _page("Busy", busy)}, rendered=True),
        HostileSite("js-unsettled.example.com", "ok", None, {
            "index.html": _page("Unsettled", '<img src="/never.png"><script>setInterval(() => '
                                'document.body.append(document.createElement("p")), 5)</script>'),
            "never.png": _grey_png(8), "_slow": "/never.png 600\n"}, rendered=True),
        HostileSite("js-dialogs.example.com", "ok", None, {"index.html": _page(
            "Dialogs", "<script>for (let i = 0; i < 50; i++) { alert(i); confirm(i); prompt(i) }"
            "onbeforeunload = () => 'stay'</script>")}, rendered=True),
        HostileSite("js-private-fetch.example.com", "ok", None, {"index.html": _page(
            "Private fetch", '<img src="http://127.0.0.1:9/pixel.png"><script>'
            'fetch("http://169.254.169.254/latest/meta-data/").catch(() => null)</script>')}, rendered=True),
        HostileSite("js-popups.example.com", "ok", None, {"index.html": _page(
            "Pop-ups", "<script>for (let i = 0; i < 20; i++) window.open('/?' + i, '_blank')</script>")},
                    rendered=True),
    ]


def build_hostile_web(root: Path, rendered: bool = True, **sizes: object) -> list[HostileSite]:
    """Write the hostile sites under `root` (the JavaScript ones only if `rendered`);
    return the cases written."""
    written = []
    for site in hostile_sites(**sizes):  # type: ignore[arg-type]
        if site.rendered and not rendered:
            continue
        folder = root / site.host
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in site.files.items():
            path = folder / name
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
        written.append(site)
    return written
