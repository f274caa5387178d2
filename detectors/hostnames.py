"""Host and domain names: normalisation, IDN, registrable domains (offline suffix list)."""

from __future__ import annotations

import re
from functools import lru_cache

import idna
import tldextract

# The bundled Public Suffix List snapshot only: no fetch at run time. Private suffixes on,
# otherwise `bild.eu.com` would parse with `eu` as the domain.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class HostnameError(ValueError):
    """A text that is not a usable host name."""


@lru_cache(maxsize=65536)
def normalise_host(text: str) -> str:
    """Return the ASCII (punycode) lower-case form of a host name.

    Accepts Unicode (IDN) or punycode, full-width dots and a trailing dot; refuses
    anything that is not a syntactically valid host name with at least two labels.
    """
    host = text.strip().rstrip(".").replace("\u3002", ".").replace("\uff0e", ".")
    if not host:
        raise HostnameError("empty host name")
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise HostnameError(f"{text!r} is not a valid host name ({exc})") from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise HostnameError(f"{text!r} is not a valid host name")
    return ascii_host


def to_unicode(host: str) -> str:
    """Return the Unicode form of an ASCII host name (punycode labels decoded)."""
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """Registrable domain (public suffix + one label) of a normalised host, or the host
    itself when it has no known public suffix."""
    return _EXTRACT(host).top_domain_under_public_suffix or host


def host_in_domain(host: str, domain: str) -> bool:
    """True when `host` is `domain` or one of its subdomains (both normalised)."""
    return host == domain or host.endswith("." + domain)
