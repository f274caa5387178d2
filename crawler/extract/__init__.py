"""What one page says about who runs it: names, licences, news claims, identity images
and links to the pages where more of that is said. Pure functions over HTML text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from parsel.selector import create_root_node

from crawler.extract.claims import find_claims
from crawler.extract.images import ImageCandidate, image_candidates
from crawler.extract.links import identity_links
from crawler.extract.names import extract_names
from crawler.extract.text import decode_html, visible_text
from detectors.registrations import context_around, find_registrations

__all__ = ["PageIdentity", "decode_html", "extract_page"]

_APP_ROOT = re.compile(r"<div[^>]+id=[\"'](?:app|root|__next|__nuxt)[\"']", re.I)
_SHELL_TEXT = 200
# Names that say who a site is, beyond a page title (a bare <title> is set by any template).
_IDENTITY_SOURCES = {"og:site_name", "application-name", "json-ld", "logo-alt", "copyright", "sponsor"}


@dataclass
class PageIdentity:
    names: list[tuple[str, str]] = field(default_factory=list)  # (value, source)
    licences: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, number, context)
    claims: list[tuple[str, str]] = field(default_factory=list)  # (wording, context)
    images: list[ImageCandidate] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    text_length: int = 0
    javascript_shell: bool = False

    @property
    def lacks_identity(self) -> bool:
        """No site name, logo or licence beyond a title: worth rendering to find them."""
        has_names = any(source in _IDENTITY_SOURCES for _, source in self.names)
        has_logo = any(image.role in ("logo", "svg-logo") for image in self.images)
        return not (has_names or has_logo or self.licences)


def extract_page(html: str, url: str, link_limit: int = 10, utf8: bytes | None = None) -> PageIdentity:
    """Everything `html` (served at `url`) says about its site's identity. `utf8`: the
    bytes `html` was decoded from, when they were valid UTF-8; parsed as they are, they
    spare encoding the text again (~0.4 ms for a 200 KB page)."""
    # Parsed as parsel parses it, into plain lxml elements: lxml.html's element classes
    # cost a Python look-up for every element the extraction visits.
    if utf8:
        root = create_root_node("", etree.HTMLParser, base_url=url, body=utf8, encoding="utf-8")
    else:
        root = create_root_node(html or "<html></html>", etree.HTMLParser, base_url=url)
    base_element = next(root.iter("base"), None)
    base = (base_element.get("href") if base_element is not None else None) or url
    text = visible_text(root)
    images = image_candidates(root, base)
    logo_alts = [image.alt for image in images if image.alt and image.role in ("logo", "svg-logo")]
    licences = [
        (found.kind, found.number, context_around(text, found.start, found.end))
        for found in find_registrations(text)
    ]
    shell = len(text) < _SHELL_TEXT and (next(root.iter("script"), None) is not None
                                         or bool(_APP_ROOT.search(html[:200_000])))
    return PageIdentity(
        names=extract_names(root, text, logo_alts),
        licences=licences,
        claims=find_claims(text),
        images=images,
        links=identity_links(root, base, link_limit),
        text_length=len(text),
        javascript_shell=shell,
    )

