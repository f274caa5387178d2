"""Internal links to the pages where a site says who it is and which licences it holds:
about, contact, copyright and legal statements, imprint."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from crawler.extract.elements import PageElements

from detectors.hostnames import HostnameError, normalise_host, registrable_domain

# Ordered by how much such a page tends to say about identity and licences.
_TEXT_PATTERNS = (
    re.compile(r"关于我们|关于本[站网报台]|[本网站]{2}简介|About\s*(?:us)?$|Who we are|Über uns|"
               r"À propos|A propos|Chi siamo|Quiénes somos|Sobre nosotros|關於我們", re.I),
    re.compile(r"版权声明|网站声明|法律声明|免责声明|版權聲明|Impressum|Imprint|Legal notice|"
               r"Mentions légales|Copyright", re.I),
    re.compile(r"联系我们|聯絡我們|聯繫我們|Contact(?:\s*us)?$|Kontakt", re.I),
)
_HREF_PATTERNS = (
    re.compile(r"(?:^|/)(?:about|aboutus|about-us|about_us|gywm|jianjie|intro)(?:[/._-]|$)", re.I),
    re.compile(r"(?:^|/)(?:copyright|bqsm|wzsm|flsm|legal|impressum|imprint|mentions-legales|statement)(?:[/._-]|$)", re.I),
    re.compile(r"(?:^|/)(?:contact|contactus|contact-us|lxwm|kontakt)(?:[/._-]|$)", re.I),
)

# Every match of those patterns holds one of these words (lower case). Most links of a
# page hold none, and testing for them costs far less than the regular expressions.
TEXT_WORDS = ("关于", "简介", "about", "who we are", "über uns", "propos", "chi siamo", "quiénes somos",
              "sobre nosotros", "關於我們", "声明", "聲明", "impressum", "imprint", "legal notice",
              "mentions légales", "copyright", "联系我们", "聯絡我們", "聯繫我們", "contact", "kontakt")
HREF_WORDS = ("about", "gywm", "jianjie", "intro", "copyright", "bqsm", "wzsm", "flsm", "legal", "impressum",
              "imprint", "mentions-legales", "statement", "contact", "lxwm", "kontakt")
_ANY_TEXT_WORD = re.compile("|".join(map(re.escape, TEXT_WORDS)))
_ANY_HREF_WORD = re.compile("|".join(map(re.escape, HREF_WORDS)))
MAX_ANCHORS = 5000


def _site_of(url: str) -> str | None:
    try:
        return registrable_domain(normalise_host(urlsplit(url).hostname or ""))
    except HostnameError:
        return None


def _rank(text: str, href: str) -> int | None:
    if not (_ANY_TEXT_WORD.search(text.lower()) or _ANY_HREF_WORD.search(href.lower())):
        return None
    for rank, (by_text, by_href) in enumerate(zip(_TEXT_PATTERNS, _HREF_PATTERNS)):
        if by_text.search(text) or by_href.search(href):
            return rank
    return None


def identity_links(elements: PageElements, base_url: str, limit: int) -> list[str]:
    """Up to `limit` same-site links to identity pages, the most telling first. The cheap
    text and path tests come first: most links of a page are never resolved."""
    if limit <= 0:
        return []
    site = _site_of(base_url)
    ranked: dict[str, int] = {}
    sites: dict[str, str | None] = {}
    for anchor in elements("a")[:MAX_ANCHORS]:
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        text = " ".join(anchor.text()[:200].split())[:40]
        rank = _rank(text, href.split("?", 1)[0])
        if rank is None:
            continue
        url = urldefrag(urljoin(base_url, href)).url
        if not url.startswith(("http://", "https://")) or url.rstrip("/") == base_url.rstrip("/"):
            continue
        host = urlsplit(url).netloc
        if host not in sites:
            sites[host] = _site_of(url)
        if sites[host] == site:
            ranked[url] = min(rank, ranked.get(url, rank))
    return sorted(ranked, key=ranked.__getitem__)[:limit]
