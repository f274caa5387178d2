"""What an account page says about its account, read by the platform's profile: fields by
CSS/XPath on the page or by JMESPath over the JSON it embeds, and the markers of login
walls, captchas and removed accounts. Pure functions over HTML text; scraped text is
hostile, so every value is cleaned and bounded and nothing of it is run or followed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

import jmespath
from parsel import Selector

from crawler.extract.text import clean_value, parse_html, visible_text
from crawler.platforms import FIELDS, MARKERS, EmbeddedJson, Extractor, Marker, PlatformProfile

MAX_JSON_CHARS = 5_000_000  # an embedded state larger than this is not read


@dataclass
class AccountPage:
    fields: dict[str, str] = field(default_factory=dict)  # see crawler.platforms.FIELDS
    marker: tuple[str, str] | None = None  # (removed | captcha | login_wall, what showed it)


def _documents(page: Selector, sources: list[EmbeddedJson]) -> dict[str, Any]:
    """Each embedded JSON source of the page, parsed, by name (unreadable ones left out)."""
    documents: dict[str, Any] = {}
    for source in sources:
        selected = page.css(source.css) if source.css else page.xpath(source.xpath or "")
        for text in selected.getall():
            if source.pattern:
                found = re.search(source.pattern, text, re.S)
                if found is None:
                    continue
                text = found.group(1) if found.groups() else found.group(0)
            if len(text) > MAX_JSON_CHARS:
                continue
            if source.encoding == "urlencoded":
                text = unquote(text)
            try:
                documents[source.name] = json.loads(text)
                break
            except ValueError:
                continue
    return documents


def _node_text(node: Selector) -> str:
    if isinstance(node.root, str):  # ::text, ::attr() or a text()/@attr XPath
        return node.root
    return node.xpath("string()").get() or ""


def _matched(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        return ""
    return found.group(1) if found.groups() else found.group(0)


def _value(page: Selector, documents: dict[str, Any], extractor: Extractor) -> str:
    """The first value the extractor finds; with a `pattern`, the first selected node
    (say, among a page's scripts) in which the pattern matches."""
    if extractor.json_path:
        found = jmespath.search(extractor.json_path, documents) if documents else None
        texts = [str(found)] if isinstance(found, (str, int, float)) and not isinstance(found, bool) else []
    else:
        selected = page.css(extractor.css) if extractor.css else page.xpath(extractor.xpath or "")
        texts = [_node_text(node) for node in (selected if extractor.pattern else selected[:1])]
    for text in texts:
        if extractor.pattern:
            text = _matched(extractor.pattern, text)
        if text:
            return clean_value(text)
    return ""


def _shows(page: Selector, text: str, marker: Marker) -> bool:
    if marker.text:
        return marker.text in text
    selected = page.css(marker.css) if marker.css else page.xpath(marker.xpath or "")
    return bool(selected)


def read_account(html: str, url: str, profile: PlatformProfile, served: str | None = None) -> AccountPage:
    """The account fields and the first marker (removed, captcha, login wall) that `html`
    (the page at `url`, rendered or not) shows. Embedded JSON is also looked for in the
    page as `served`, since a script may remove its state from the page once it has used
    it (Bilibili's does)."""
    page = Selector(text=html or "<html></html>", base_url=url)
    text = visible_text(parse_html(html))
    result = AccountPage()
    for kind in MARKERS:
        marker = next((m for m in getattr(profile.markers, kind) if _shows(page, text, m)), None)
        if marker is not None:
            result.marker = (kind, marker.text or marker.css or marker.xpath or "")
            break
    documents = _documents(page, profile.embedded_json)
    if served is not None and served is not html:
        documents = {**_documents(Selector(text=served or "<html></html>"), profile.embedded_json), **documents}
    for name in FIELDS:
        for extractor in getattr(profile.fields, name):
            value = _value(page, documents, extractor)
            if value:
                if name == "avatar":
                    value = urljoin(url, value)
                    if not value.startswith(("http://", "https://")):
                        continue
                result.fields[name] = value
                break
    return result
