"""Which images of a page show who it is: favicons, touch icons, social images, logos
(by class, id, alt, src or a logo-marked ancestor) and inline SVG logos."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborNode

from crawler.extract.elements import PageElements
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


def _marked(node: LexborNode, known: dict[int, bool], levels: int = 3) -> bool:
    """True when the element or one of its near ancestors is marked as a logo. `known`
    remembers elements already looked at (by node id): a page's images share their
    ancestors."""
    current: LexborNode | None = node
    for _ in range(levels + 1):
        if current is None or not current.is_element_node:
            return False
        mark = known.get(current.mem_id)
        if mark is None:
            text = " ".join(filter(None, map(current.attributes.get, _MARK_ATTRIBUTES))).lower()
            mark = known[current.mem_id] = bool(_LOGO_MARK.search(text))
        if mark:
            return True
        current = current.parent
    return False


def _absolute(base: str, link: str | None) -> str | None:
    link = (link or "").strip()
    if not link or link.startswith(("javascript:", "#", "about:")):
        return None
    url = urljoin(base, link)
    return url if url.startswith(("http://", "https://", "data:image/")) else None


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None and parent.is_element_node:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def image_candidates(elements: PageElements, base_url: str) -> list[ImageCandidate]:
    """Identity images of a page, favicons first; `/favicon.ico` when none is declared."""
    found: list[ImageCandidate] = []
    for link in elements("link"):
        attributes = link.attributes
        rels = (attributes.get("rel") or "").lower().split()
        role = next((_ICON_RELS[rel] for rel in rels if rel in _ICON_RELS), None)
        url = _absolute(base_url, attributes.get("href")) if role else None
        if role and url:
            found.append(ImageCandidate(url, role))
    if not any(candidate.role == "favicon" for candidate in found):
        found.append(ImageCandidate(urljoin(base_url, "/favicon.ico"), "favicon"))
    for meta in elements("meta"):
        attributes = meta.attributes
        key = (attributes.get("property") or attributes.get("name") or "").lower()
        url = _absolute(base_url, attributes.get("content")) if key in _SOCIAL else None
        if url:
            found.append(ImageCandidate(url, "og-image"))
    known: dict[int, bool] = {}
    for img in elements("img"):
        attributes = img.attributes
        source = attributes.get("src") or attributes.get("data-src") or attributes.get("data-original")
        if source and _marked(img, known) and not _inside(img, ("noscript",)):
            url = _absolute(base_url, source)
            if url:
                alt = clean_value(attributes.get("alt") or attributes.get("title")) or None
                found.append(ImageCandidate(url, "logo", alt=alt))
    svg_count = 0
    for svg in elements("svg"):
        if not _marked(svg, known) or _inside(svg, ("svg", "noscript")):
            continue
        markup = svg.html or ""
        if len(markup) <= MAX_INLINE_SVG:
            svg_count += 1
            title = next((clean_value(child.text()) for child in svg.css("title")), "")
            alt = title or clean_value(svg.attributes.get("aria-label")) or None
            found.append(ImageCandidate(f"inline-svg:{svg_count}", "svg-logo", alt=alt, svg=markup))
    unique = {candidate.url: candidate for candidate in reversed(found)}
    return sorted(unique.values(), key=lambda c: (ROLE_ORDER.index(c.role), found.index(c)))
