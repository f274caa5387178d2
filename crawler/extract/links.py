"""Internal links to the pages where a site says who it is and which licences it holds:
about, contact, copyright and legal statements, imprint."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector

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
    re.compile(r"/(?:about|aboutus|about-us|about_us|gywm|jianjie|intro)(?:[/._-]|$)", re.I),
    re.compile(r"/(?:copyright|bqsm|wzsm|flsm|legal|impressum|imprint|mentions-legales|statement)(?:[/._-]|$)", re.I),
    re.compile(r"/(?:contact|contactus|contact-us|lxwm|kontakt)(?:[/._-]|$)", re.I),
)


def _site_of(url: str) -> str | None:
    try:
        return registrable_domain(normalise_host(urlsplit(url).hostname or ""))
    except HostnameError:
        return None


def identity_links(selector: Selector, base_url: str, limit: int) -> list[str]:
    """Up to `limit` same-site links to identity pages, the most telling first."""
    site = _site_of(base_url)
    ranked: dict[str, int] = {}
    for anchor in selector.xpath("//a[@href]")[:5000]:
        url = urldefrag(urljoin(base_url, anchor.attrib["href"].strip())).url
        if not url.startswith(("http://", "https://")) or url.rstrip("/") == base_url.rstrip("/"):
            continue
        if _site_of(url) != site:
            continue
        text = " ".join(anchor.xpath("string()").get().split())[:40]
        path = urlsplit(url).path
        for rank, (by_text, by_href) in enumerate(zip(_TEXT_PATTERNS, _HREF_PATTERNS)):
            if by_text.search(text) or by_href.search(path):
                ranked[url] = min(rank, ranked.get(url, rank))
                break
    return sorted(ranked, key=ranked.__getitem__)[:limit]
