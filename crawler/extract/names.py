"""The names a page gives its site: title, site-name metadata, JSON-LD, logo alt texts,
copyright holder, sponsoring unit (主办单位), headings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from crawler.extract.elements import PageElements
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


def _meta_names(elements: PageElements) -> Iterator[tuple[str, str]]:
    for meta in elements("meta"):
        attributes = meta.attributes
        key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        content = attributes.get("content")
        if key in _META_NAMES and content:
            yield _META_NAMES[key], content


def _json_ld_names(elements: PageElements) -> Iterator[str]:
    scripts = [script.text() for script in elements("script")
               if (script.attributes.get("type") or "").strip().lower() == "application/ld+json"]
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


def tree_names(elements: PageElements) -> list[tuple[str, str]]:
    """(value, source) pairs the page's markup gives, before its text is read: site-name
    metadata, JSON-LD, the title and up to three headings (`h1`), as found."""
    found = [(value, source) for source, value in _meta_names(elements)]
    found += [(name, "json-ld") for name in _json_ld_names(elements)]
    title = elements.first("title")
    if title is not None and (title_text := title.text()):
        found.append((title_text, "title"))
    found += [(" ".join(h1.text()[:1000].split()), "h1") for h1 in elements("h1")[:3]]
    return found


def extract_names(markup_names: list[tuple[str, str]], text: str, logo_alts: list[str]) -> list[tuple[str, str]]:
    """(value, source) pairs, in order of how much they say about identity, without
    repeats of the same pair: `markup_names` (from `tree_names`), logo alt texts, then
    what the visible `text` says (copyright holders, sponsoring unit), headings last."""
    headings = [pair for pair in markup_names if pair[1] == "h1"]
    found = [pair for pair in markup_names if pair[1] != "h1"]
    found += [(alt, "logo-alt") for alt in logo_alts]
    found += [(holder, "copyright") for holder in copyright_holders(text)]
    found += [(match.group(1), "sponsor") for match in _SPONSOR.finditer(text)]
    found += headings
    cleaned = ((clean_value(value), source) for value, source in found)
    return list(dict.fromkeys(pair for pair in cleaned if pair[0]))
