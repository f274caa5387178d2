"""Page text: decoding bytes whatever their declared charset, visible text, clean values."""

from __future__ import annotations

import re
import unicodedata

import charset_normalizer
from lxml import etree
from w3lib.encoding import html_to_unicode, resolve_encoding

MAX_VALUE_LENGTH = 200
_SPACE = re.compile(r"\s+")
# C0/C1 controls (NUL included) are dropped from values; bidi controls are kept and
# shown escaped where names are displayed (see crawler.cli.display).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "head")
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
    detection. A declaration that garbles the page (GBK bytes declared as UTF-8, say) is
    overruled by detection."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
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


_SKIP = " or ".join(f"ancestor::{tag}" for tag in _INVISIBLE_TAGS)
_BODY_TEXT = etree.XPath(f"//body//text()[not({_SKIP})]", smart_strings=False)
_ALL_TEXT = etree.XPath(f"//text()[not({_SKIP})]", smart_strings=False)


def visible_text(root: etree._Element, limit: int = 500_000) -> str:
    """The text a reader sees (scripts, styles and templates left out), one line per
    block, capped at `limit` characters."""
    parts = _BODY_TEXT(root) or _ALL_TEXT(root)
    text = "\n".join(stripped for part in parts if (stripped := part.strip()))
    return text[:limit]
