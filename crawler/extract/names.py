"""The names a page gives its site: title, site-name metadata, JSON-LD, logo alt texts,
copyright holder, sponsoring unit (主办单位), headings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree

from crawler.extract.text import clean_value, cued_matches

_META_NAMES = {
    "og:site_name": "og:site_name",
    "application-name": "application-name",
    "apple-mobile-web-app-title": "application-name",
}
_ORG_TYPES = {"Organization", "NewsMediaOrganization", "WebSite", "Corporation"}
_HOLDER = r"([\w\u3400-\u9fff（）()·&.\-' ]{2,40}?)"
_YEARS = r"(?:\d{4}(?:\s*[-–—~]\s*\d{4})?\s*)?"
# 新华网版权所有 / 人民网 版权所有
_HOLDER_BEFORE = re.compile(r"([\w\u3400-\u9fff（）()·]{2,30}?)\s*版权所有")
_HOLDER_BEFORE_LONGEST = 30
# 版权所有：新华网 / 版权所有 © 2024 人民网
_HOLDER_AFTER = re.compile(
    rf"版权所有\s*[:：]?\s*(?:©|\(c\)|copyright)?\s*{_YEARS}([\w\u3400-\u9fff（）()·]{{2,30}})", re.I)
# Copyright © 2024 The Guardian. All rights reserved / © 2024 Le Monde
_HOLDER_AFTER_SIGN = re.compile(rf"(?:copyright\s*(?:©|\(c\))?|©)\s*{_YEARS}(?:by\s+)?{_HOLDER}\s*"
                                r"(?=\.(?:\s|$)|[,|;]|all rights|版权|保留|$)", re.I | re.M)
_SPONSOR = re.compile(r"主办(?:单位)?\s*[:：]\s*([\w\u3400-\u9fff（）()·]{2,40})")
_NOT_A_HOLDER = re.compile(r"^(?:\d+|all rights reserved|by|版权所有|本站|本网)$", re.I)


def _meta_names(root: etree._Element) -> Iterator[tuple[str, str]]:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _META_NAMES and meta.get("content"):
            yield _META_NAMES[key], meta.get("content")


def _json_ld_names(root: etree._Element) -> Iterator[str]:
    scripts = [script.text or "" for script in root.iter("script")
               if (script.get("type") or "").strip().lower() == "application/ld+json"]
    for script in scripts[:10]:
        if len(script) > 200_000:
            continue
        try:
            document = json.loads(script)
        except ValueError:
            continue
        yield from _organisation_names(document, depth=0)


def _organisation_names(node: object, depth: int) -> Iterator[str]:
    if depth > 6:
        return
    if isinstance(node, list):
        for child in node[:50]:
            yield from _organisation_names(child, depth + 1)
    elif isinstance(node, dict):
        kinds = node.get("@type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if kinds & _ORG_TYPES and isinstance(node.get("name"), str):
            yield node["name"]
        for key in ("publisher", "author", "sourceOrganization", "@graph", "isPartOf"):
            if key in node:
                yield from _organisation_names(node[key], depth + 1)


def _holders_before(text: str) -> Iterator[re.Match[str]]:
    """`_HOLDER_BEFORE.finditer(text)`, without trying the pattern at every character of
    the page: a match ends at a 版权所有 and starts at most 30 characters (and the spaces
    between) before it, so no match starts before that."""
    position = 0
    while (cue := text.find("版权所有", position)) >= 0:
        start = cue
        while start > position and text[start - 1].isspace():
            start -= 1
        match = _HOLDER_BEFORE.search(text, max(position, start - _HOLDER_BEFORE_LONGEST))
        if match is None:
            return
        yield match
        position = match.end()


def copyright_holders(text: str) -> list[str]:
    """Who the copyright lines of a page's text name as holder."""
    holders = []
    for matches in (_holders_before(text), _HOLDER_AFTER.finditer(text),
                    cued_matches(_HOLDER_AFTER_SIGN, text, ("copyright", "©"), text.lower())):
        for match in matches:
            holder = clean_value(match.group(1)).strip(" .,-")
            if len(holder) >= 2 and not _NOT_A_HOLDER.match(holder):
                holders.append(holder)
    return holders


def extract_names(root: etree._Element, text: str, logo_alts: list[str]) -> list[tuple[str, str]]:
    """(value, source) pairs, in order of how much they say about identity, without
    repeats of the same pair."""
    found: list[tuple[str, str]] = []
    found += [(value, source) for source, value in _meta_names(root)]
    found += [(name, "json-ld") for name in _json_ld_names(root)]
    title = next(root.iter("title"), None)
    if title is not None and title.text:
        found.append((title.text, "title"))
    found += [(alt, "logo-alt") for alt in logo_alts]
    found += [(holder, "copyright") for holder in copyright_holders(text)]
    found += [(match.group(1), "sponsor") for match in _SPONSOR.finditer(text)]
    headings = [" ".join("".join(h1.itertext())[:1000].split()) for _, h1 in zip(range(3), root.iter("h1"))]
    found += [(heading, "h1") for heading in headings]
    cleaned = ((clean_value(value), source) for value, source in found)
    return list(dict.fromkeys(pair for pair in cleaned if pair[0]))
