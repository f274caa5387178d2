"""Page extraction's fast paths find exactly what the plain definitions find: the visible
text against a walk over every text node, cue-led matching against `finditer`, and the
link word test against the link patterns it stands in front of."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract import decode_html, extract_page
from crawler.extract.claims import find_claims
from crawler.extract.elements import PageElements
from crawler.extract.links import _HREF_PATTERNS, _TEXT_PATTERNS, HREF_WORDS, TEXT_WORDS, identity_links
from crawler.extract.names import _HOLDER_AFTER_SIGN, _HOLDER_BEFORE, _holders_before, copyright_holders
from crawler.extract.text import _INVISIBLE_TAGS, cued_matches, parse_html, visible_text

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "pages"


def _shown(node: LexborNode) -> bool:
    """In the body and inside no invisible element."""
    parent = node.parent
    in_body = False
    while parent is not None and parent.is_element_node:
        in_body = in_body or parent.tag == "body"
        if parent.tag in _INVISIBLE_TAGS:
            return False
        parent = parent.parent
    return in_body


def text_by_walk(html: str) -> str:
    """The definition of visible text: every text node of the body outside invisible
    elements, stripped, one a line (the document is walked, not changed)."""
    document = LexborHTMLParser(html)
    parts = [node.text_content or "" for node in document.root.traverse(include_text=True)
             if node.is_text_node and _shown(node)]
    return "\n".join(stripped for part in parts if (stripped := part.strip()))


@pytest.mark.parametrize("html", [
    "<html><body><p>a<!-- hidden -->b<?pi x?>c<script>s()</script>d</p>e<style>x{}</style>f</body></html>",
    "<html><head><title>t</title></head><body><svg><text>logo</text></svg>after<template>no</template></body></html>",
    "<html><body>top<noscript>no</noscript><div><span>x</span>tail<br>more</div></body></html>",
    "<p>no body element</p><script>s</script>text",
    "<html><body><title>not shown</title>a&nbsp;<b>\u3000</b> b <p>c</br>d</p></body></html>",
])
def test_visible_text_is_every_text_node_outside_invisible_elements(html: str) -> None:
    text = visible_text(parse_html(html))
    assert text == text_by_walk(html)
    assert not {"s()", "hidden", "not shown", "logo", "no"} & set(text.split("\n"))


@pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="needs the shared real news pages")
def test_visible_text_matches_the_definition_on_real_news_pages() -> None:
    pages = sorted(REAL_PAGES.rglob("*.html.gz"))
    assert len(pages) > 100
    for path in pages:
        html = decode_html(gzip.decompress(path.read_bytes()), None)[0]
        assert visible_text(parse_html(html)) == text_by_walk(html), path.name


def test_cue_led_matching_finds_what_finditer_finds() -> None:
    pattern = re.compile(r"\bnews ?desk\b|\bour reporters?\b|本[网报]讯", re.I)
    text = "Our Reporters and the NEWS DESK; newsdesks no; 本网讯 本报讯 ournews desk"
    found = [m.span() for m in cued_matches(pattern, text, ("news", "our ", "本"), text.lower())]
    assert found == [m.span() for m in pattern.finditer(text)]
    assert len(found) == 4


def test_cue_led_matching_falls_back_when_lower_case_changes_the_length() -> None:
    pattern = re.compile(r"newsroom", re.I)
    text = "İ NEWSROOM"  # "İ".lower() is two characters: the places would shift
    assert len(text.lower()) != len(text)
    found = [m.span() for m in cued_matches(pattern, text, ("newsroom",), text.lower())]
    assert found == [(2, 10)]


@pytest.mark.parametrize("text", [
    "新华网版权所有 人民网  版权所有",
    "。版权所有：新华网",
    "版权所有版权所有 本站版权所有",
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三 版权所有",
    "Copyright © 2024 The Guardian. All rights reserved | © 2023 Le Monde, Paris",
])
def test_copyright_holders_found_from_their_cues_are_those_of_the_patterns(text: str) -> None:
    assert [m.span() for m in _holders_before(text)] == [m.span() for m in _HOLDER_BEFORE.finditer(text)]
    signs = cued_matches(_HOLDER_AFTER_SIGN, text, ("copyright", "©"), text.lower())
    assert [m.span() for m in signs] == [m.span() for m in _HOLDER_AFTER_SIGN.finditer(text)]


def test_copyright_holders_of_a_footer() -> None:
    holders = copyright_holders("Copyright © 2024 The Guardian. All rights reserved\n新华网版权所有。版权所有：人民网")
    assert holders == ["新华网", "人民网", "The Guardian"]


def test_news_claims_in_both_scripts_come_in_page_order() -> None:
    claims = find_claims("Contact our newsroom.\n本网讯 记者 张三 报道\nSend us your tips. 新闻热线：010")
    assert [wording for wording, _ in claims] == ["newsroom", "本网讯", "记者 张三 报道", "Send us your tips", "新闻热线"]


def _alternatives(pattern: re.Pattern[str]) -> list[str]:
    """The top-level alternatives of a pattern, as written."""
    return pattern.pattern.split("|")


@pytest.mark.parametrize("patterns, words", [(_TEXT_PATTERNS, TEXT_WORDS), (_HREF_PATTERNS, HREF_WORDS)])
def test_every_link_pattern_alternative_holds_a_listed_word(patterns: tuple[re.Pattern[str], ...],
                                                            words: tuple[str, ...]) -> None:
    """The word test skips links before the patterns see them: a pattern alternative
    without a listed word would silently never match."""
    for pattern in patterns:
        for alternative in _alternatives(pattern):
            literal = re.sub(r"\\s\*|\(\?:|\)|\?|\$|\^|\[[^]]*\]", "", alternative).lower()
            assert any(word in literal or literal in word for word in words), alternative


def test_identity_links_rank_about_before_contact_and_stay_on_site() -> None:
    html = """<html><body>
      <a href="/contact/">联系我们</a> <a href="/news/1.html">新闻</a>
      <a href="https://other.example.org/about/">About</a> <a href="/gywm/index.html">关于我们</a>
      <a href="/statement.html">版权声明</a> <a href="mailto:x@y.cn">Contact</a></body></html>"""
    links = identity_links(PageElements.of(parse_html(html)), "https://www.example.cn/", 10)
    assert links == ["https://www.example.cn/gywm/index.html", "https://www.example.cn/statement.html",
                     "https://www.example.cn/contact/"]


def test_a_page_extraction_on_a_small_page() -> None:
    html = ("<html><head><title>示例日报</title></head><body><img class=site-logo src=/l.png alt=示例日报>"
            "<footer>互联网新闻信息服务许可证：11120170001 本网讯 示例日报社版权所有</footer></body></html>")
    identity = extract_page(html, "https://www.example.cn/")
    assert ("示例日报社", "copyright") in identity.names
    assert [kind for kind, _, _ in identity.licences] == ["news_licence"]
    assert [image.role for image in identity.images] == ["favicon", "logo"]
    assert identity.claims[0][0] == "本网讯"


UTF8_EDGES = [
    b"\xef\xbb\xbf<html><head><title>BOM \xe6\x96\xb0\xe5\x8d\x8e</title></head><body>x</body></html>",
    b"<html><title>nul\x00here \xe6\x96\xb0</title><body>\x00a</body></html>",
    "\u3000<p>\u3000新华网 版权所有\u3000</p>\u3000".encode(),
    b"<html><body>\xff\xfe not UTF-8 <meta charset=utf-8></body></html>",
    b"",
]


@pytest.mark.parametrize("content_type", [None, "text/html; charset=gbk"])
def test_utf8_pages_declared_as_gbk_are_read_as_utf8(content_type: str | None) -> None:
    """A page re-saved as UTF-8 whose meta (or server) still says gbk: read as GBK, its
    title would be mojibake (法国 -> 娉曞浗) and the site name in it lost; in a page of much
    markup too few of its characters are undecodable to give it away. GBK bytes stay GBK."""
    markup = "<div class=row><a href=/news/1.html>link</a></div>" * 100  # as real pages: mostly ASCII
    page = f"<html><head><meta charset=gbk><title>法国全国大罢工-新华网</title></head><body>{markup}正文</body></html>"
    assert decode_html(page.encode("utf-8"), content_type) == (page, "utf-8")
    assert decode_html(page.encode("gbk"), content_type) == (page, "gbk")
    assert decode_html(page.encode("utf-16"), content_type)[0] == page  # its BOM says so
    latin = "<html><meta charset=windows-1252><title>Café Zürich</title></html>"
    assert decode_html(latin.encode("cp1252"), None) == (latin, "cp1252")


def test_pages_read_from_their_utf8_bytes_as_from_their_text() -> None:
    """`read_page` parses UTF-8 bodies as they are: the same identity as parsing the
    decoded text, on every real page and on BOMs, NULs, ideographic spaces and bytes that
    are not UTF-8 (those take the text path)."""
    from crawler.analysis import read_page

    bodies = UTF8_EDGES + ([gzip.decompress(path.read_bytes()) for path in sorted(REAL_PAGES.rglob("*.html.gz"))]
                           if REAL_PAGES.is_dir() else [])
    for body in bodies:
        text, encoding = decode_html(body, None)
        assert read_page(body, None, "https://news.example/", 10) == (encoding, extract_page(text, "https://news.example/", 10))
    assert extract_page("", "https://news.example/", utf8="<title>新华网</title>".encode()).names == [("新华网", "title")]


def test_logo_images_are_those_a_browser_shows_near_a_logo_mark() -> None:
    """HTML5 parsing, as browsers do it: a `<noscript>` fallback is no logo the page shows,
    an `<img>` after a void `<source>` sits directly in its `<picture>`, an SVG inside
    another is part of it, and the first `<base href>` counts."""
    html = ("<html><head><base target=_top><base href=https://cdn.example.cn/s/></head><body>"
            "<div class=site-logo><noscript><img src=fallback.png></noscript>"
            "<picture><source srcset=a.webp><img src=logo.png alt=示例日报></picture></div>"
            "<header class=brand><svg id=outer><title>示例</title><svg id=inner></svg></svg></header>"
            "<div><div><div><div class=logo><p><span><span><img src=too-deep.png></span></span></p></div></div></div></div>"
            "</body></html>")
    identity = extract_page(html, "https://www.example.cn/")
    logos = [(image.role, image.url, image.alt) for image in identity.images if image.role != "favicon"]
    assert logos == [("logo", "https://cdn.example.cn/s/logo.png", "示例日报"), ("svg-logo", "inline-svg:1", "示例")]
    svg = next(image.svg for image in identity.images if image.role == "svg-logo")
    assert svg.startswith('<svg id="outer">') and '<svg id="inner"></svg>' in svg
