"""Page text: decoding bytes whatever their declared charset, visible text, clean values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import charset_normalizer
from selectolax.lexbor import LexborHTMLParser
from w3lib.encoding import html_to_unicode, resolve_encoding

MAX_VALUE_LENGTH = 200
_SPACE = re.compile(r"\s+")
# C0/C1 controls (NUL included) are dropped from values; bidi controls are kept and
# shown escaped where names are displayed (see crawler.cli.display).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Elements whose text no reader sees (a <title> is shown in the tab, not the page).
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "head", "title"]
# Between text nodes: the HTML parser drops or replaces every NUL of a page's text.
_BETWEEN_NODES = "\x00"
_REPLACEMENT_SHARE = 0.01
# C0 controls no text uses (tab, line feeds, form feed and ISO-2022's escape are text).
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27})
_BINARY_SHARE = 0.05
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")


def looks_binary(body: bytes, sniff: int = 8192) -> bool:
    """True for bytes no web page is made of (an image, an archive, noise served as
    text/html): more than 5 % C0 control bytes at the start. Random bytes have about
    10 %; a page with a stray NUL in its title has a few; UTF-16 pages (which have
    NULs throughout) say so with a BOM."""
    head = body[:sniff]
    if not head or head.startswith(_WIDE_BOMS):
        return False
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    return controls > _BINARY_SHARE * len(head)


def _detect(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:65536]).best()
    return best.encoding if best else None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding) of an HTML body: BOM, HTTP header, meta declaration, then
    detection. A declaration that garbles the page is overruled: GBK bytes declared as
    UTF-8 by detection, and UTF-8 declared as another encoding (a page re-saved as UTF-8
    whose meta still says gbk) by UTF-8 itself. Text in another multi-byte encoding is
    hardly ever valid UTF-8 (GBK's second bytes would have to be continuation bytes
    throughout), so a body that decodes as UTF-8 and is not ASCII is UTF-8."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    if not resolve_encoding(encoding).startswith("utf-") and not body.isascii():
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if text and text.count("\ufffd") > _REPLACEMENT_SHARE * len(text):
        detected = _detect(body)
        if detected and resolve_encoding(detected) != resolve_encoding(encoding):
            candidate = body.decode(detected, errors="replace")
            if candidate.count("\ufffd") < text.count("\ufffd"):
                return candidate, detected
    return text, encoding


def clean_value(value: str | None, limit: int = MAX_VALUE_LENGTH) -> str:
    """A scraped value made storable: NFC, controls removed, whitespace collapsed,
    length capped (a 1 MB title becomes its first `limit` characters and an ellipsis)."""
    if not value:
        return ""
    value = value[: limit * 4]
    value = _SPACE.sub(" ", _CONTROLS.sub("", unicodedata.normalize("NFC", value))).strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def parse_html(html: str | bytes) -> LexborHTMLParser:
    """A page's document as browsers build it (HTML5 parsing, by lexbor). Bytes are read
    as UTF-8, without their byte order mark: decode other encodings first (`decode_html`)."""
    if isinstance(html, bytes):
        html = html.removeprefix(b"\xef\xbb\xbf")
    return LexborHTMLParser(html or "<html></html>")


def visible_text(document: LexborHTMLParser, limit: int = 500_000) -> str:
    """The text a reader sees, one line per text node of the body (scripts, styles,
    templates, SVG and titles left out), capped at `limit` characters.

    Removes those invisible elements from `document`, which costs less than copying it:
    read what they hold first."""
    document.strip_tags(_INVISIBLE_TAGS)
    top = document.body or document.root
    if top is None:
        return ""
    parts = top.text(deep=True, separator=_BETWEEN_NODES, strip=True).split(_BETWEEN_NODES)
    return "\n".join(part for part in parts if part)[:limit]


def cued_matches(pattern: re.Pattern[str], text: str, cues: tuple[str, ...],
                 haystack: str | None = None) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, for a pattern every match of which begins with one of
    `cues`, as found in `haystack` (`text` itself, or its `lower()` for a pattern that
    ignores case). `str.find` finds those places at C speed and the regex engine is tried
    only there, instead of at every character of a long page."""
    haystack = text if haystack is None else haystack
    if len(haystack) != len(text):  # lower() lengthened a character: places would shift
        yield from pattern.finditer(text)
        return
    places: set[int] = set()
    for cue in cues:
        place = haystack.find(cue)
        while place >= 0:
            places.add(place)
            place = haystack.find(cue, place + 1)
    end = 0
    for place in sorted(places):
        if place >= end and (match := pattern.match(text, place)):
            yield match
            end = match.end()
