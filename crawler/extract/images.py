"""Which images of a page show who it is: favicons, touch icons, social images, logos
(by class, id, alt, src or a logo-marked ancestor) and inline SVG logos."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.text import clean_value

_LOGO_MARK = re.compile(r"logo|brand|masthead|site-?name|site-?title")  # searched in lower case
_ICON_RELS = {
    "icon": "favicon", "shortcut": "favicon", "mask-icon": "favicon",
    "apple-touch-icon": "apple-touch-icon", "apple-touch-icon-precomposed": "apple-touch-icon",
}
_SOCIAL = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
ROLE_ORDER = ("favicon", "apple-touch-icon", "logo", "svg-logo", "og-image")
MAX_INLINE_SVG = 200_000


@dataclass(frozen=True)
class ImageCandidate:
    url: str  # absolute URL (http, https or data:), or `inline-svg:N`
    role: str
    alt: str | None = None
    svg: str | None = None  # markup of an inline SVG


_MARK_ATTRIBUTES = ("class", "id", "alt", "src", "title", "aria-label")


def _marked(element: etree._Element, known: dict[etree._Element, bool], levels: int = 3) -> bool:
    """True when the element or one of its near ancestors is marked as a logo. `known`
    remembers elements already looked at: a page's images share their ancestors."""
    node: etree._Element | None = element
    for _ in range(levels + 1):
        if node is None or not isinstance(node.tag, str):
            return False
        mark = known.get(node)
        if mark is None:
            attributes = " ".join(node.get(key, "") for key in _MARK_ATTRIBUTES).lower()
            mark = known[node] = bool(_LOGO_MARK.search(attributes))
        if mark:
            return True
        node = node.getparent()
    return False


def _absolute(base: str, link: str | None) -> str | None:
    link = (link or "").strip()
    if not link or link.startswith(("javascript:", "#", "about:")):
        return None
    url = urljoin(base, link)
    return url if url.startswith(("http://", "https://", "data:image/")) else None


def image_candidates(root: etree._Element, base_url: str) -> list[ImageCandidate]:
    """Identity images of a page, favicons first; `/favicon.ico` when none is declared."""
    found: list[ImageCandidate] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        role = next((_ICON_RELS[rel] for rel in rels if rel in _ICON_RELS), None)
        url = _absolute(base_url, link.get("href")) if role else None
        if role and url:
            found.append(ImageCandidate(url, role))
    if not any(candidate.role == "favicon" for candidate in found):
        found.append(ImageCandidate(urljoin(base_url, "/favicon.ico"), "favicon"))
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        url = _absolute(base_url, meta.get("content")) if key in _SOCIAL else None
        if url:
            found.append(ImageCandidate(url, "og-image"))
    known: dict[etree._Element, bool] = {}
    for img in root.iter("img"):
        source = img.get("src") or img.get("data-src") or img.get("data-original")
        if source and _marked(img, known):
            url = _absolute(base_url, source)
            if url:
                alt = clean_value(img.get("alt") or img.get("title")) or None
                found.append(ImageCandidate(url, "logo", alt=alt))
    svg_count = 0
    for svg in root.iter("svg"):  # the HTML parser gives inline SVG plain tag names
        if next(svg.iterancestors("svg"), None) is not None or not _marked(svg, known):
            continue
        markup = etree.tostring(svg, encoding="unicode", method="xml")
        if len(markup) <= MAX_INLINE_SVG:
            svg_count += 1
            title = next((clean_value("".join(child.itertext())) for child in svg.iter("title")), "")
            alt = title or clean_value(svg.get("aria-label")) or None
            found.append(ImageCandidate(f"inline-svg:{svg_count}", "svg-logo", alt=alt, svg=markup))
    unique = {candidate.url: candidate for candidate in reversed(found)}
    return sorted(unique.values(), key=lambda c: (ROLE_ORDER.index(c.role), found.index(c)))
