"""Host and domain names: normalisation, IDN, registrable domains (offline suffix list).

Both are on the hot path of `masthead check domains`, so each has a fast form whose
results are those of the slow, general one: `normalise_host` skips IDNA for hosts that
are already lower-case-able ASCII letter-digit-hyphen labels (`plain_host`: that test
alone, without the cache), and `PublicSuffixes` splits a host on tldextract's bundled
Public Suffix List with one dictionary look-up per label instead of tldextract's ~20 µs
a call, and without any for a host of two labels (tests/test_hostnames.py compares them).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.util import find_spec
from itertools import compress, repeat
from operator import and_, le, not_, truth
from pathlib import Path

import idna

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Labels that IDNA would return unchanged: letters, digits, hyphens, not at either end,
# not in the 3rd and 4th positions (reserved for xn-- A-labels, which IDNA checks).
_LDH_LABEL = r"(?!-)(?![a-z0-9-]{2}--)[a-z0-9-]{1,63}(?<!-)"
_PLAIN_HOST = re.compile(rf"(?:{_LDH_LABEL}\.)+{_LDH_LABEL}")
_MAX_HOST = 253  # octets, without a trailing dot (RFC 1035)
# PublicSuffixes.rules flags: a rule, the parent of a `*.` rule, a `!` exception, and a
# proper dot-suffix of a rule (a longer rule may follow).
_EXACT, _WILD, _EXCEPTION, _TAIL = 1, 2, 4, 8
# A rule of the Public Suffix List, as tldextract's parser reads one (tldextract.suffix_list).
_SUFFIX_RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)


class HostnameError(ValueError):
    """A text that is not a usable host name."""


@lru_cache(maxsize=65536)
def normalise_host(text: str) -> str:
    """Return the ASCII (punycode) lower-case form of a host name.

    Accepts Unicode (IDN) or punycode, full-width dots and a trailing dot; refuses
    anything that is not a syntactically valid host name with at least two labels.
    """
    host = text.strip().rstrip(".")
    return _plain_host(host) or _idna_host(text, host)


def plain_host(text: str) -> str | None:
    """`normalise_host(text)` for a stripped ASCII text that is already a plain host (letter-
    digit-hyphen labels, perhaps upper-case, perhaps a trailing dot), without its cache;
    None for anything else, which `normalise_host` must judge."""
    if not text.isascii():
        return None
    host = text.rstrip(".").lower()
    return host if len(host) <= _MAX_HOST and _PLAIN_HOST.fullmatch(host) else None


def plain_hosts(texts: list[str]) -> list[str | None]:
    """`plain_host` of each text, with C-level calls over the whole list (no Python frame
    per text: `masthead check domains` parses its lines a batch at a time)."""
    hosts: list[str | None] = list(map(str.lower, map(str.rstrip, texts, repeat("."))))
    fits = map(and_, map(str.isascii, texts), map(le, map(len, hosts), repeat(_MAX_HOST)))
    for position in compress(range(len(hosts)), map(not_, map(and_, fits, map(truth, map(
            _PLAIN_HOST.fullmatch, hosts))))):
        hosts[position] = None
    return hosts


def _plain_host(host: str) -> str | None:
    """The fast path: an ASCII host of letter-digit-hyphen labels, lower-cased, as IDNA
    with UTS #46 mapping would return it; None for anything else."""
    if not host.isascii() or len(host) > _MAX_HOST:
        return None
    lowered = host.lower()
    return lowered if _PLAIN_HOST.fullmatch(lowered) else None


def _idna_host(text: str, host: str) -> str:
    """The general path: IDNA 2008 with UTS #46 mapping, then the label syntax check."""
    host = host.replace("\u3002", ".").replace("\uff0e", ".")
    if not host:
        raise HostnameError("empty host name")
    try:
        mapped = idna.uts46_remap(host, std3_rules=False)  # what encode(uts46=True) does first
        ascii_host = idna.encode(mapped).decode("ascii")
    except idna.IDNAError as exc:
        raise HostnameError(f"{text!r} is not a valid host name ({exc})") from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise HostnameError(f"{text!r} is not a valid host name")
    for label, ascii_label in zip(mapped.split("."), labels):
        if label != ascii_label:  # a U-label and its A-label: decoding gives it back
            _remember(ascii_label, label)
    return ascii_host


# Punycode labels decoded, or encoded by `normalise_host` (which knows their Unicode form):
# the engine, the domain index and the name detector each ask for the labels of the host
# just normalised, and idna's punycode is pure Python (~60 µs a Chinese label each way).
_unicode_labels: dict[str, str | None] = {}
_LABELS_KEPT = 4096


def unicode_label(label: str) -> str | None:
    """The Unicode form of a punycode (`xn--`) label, None when it is not valid IDNA."""
    try:
        return _unicode_labels[label]
    except KeyError:
        pass
    try:
        unicode: str | None = idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        unicode = None
    _remember(label, unicode)
    return unicode


def _remember(label: str, unicode: str | None) -> None:
    if len(_unicode_labels) >= _LABELS_KEPT:
        _unicode_labels.clear()
    _unicode_labels[label] = unicode


def to_unicode(host: str) -> str:
    """Return the Unicode form of an ASCII host name (punycode labels decoded)."""
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


class PublicSuffixes:
    """The registrable-domain split on tldextract's bundled Public Suffix List snapshot
    (no fetch at run time), private suffixes included: otherwise `bild.eu.com` would
    parse with `eu` as the domain. Build it once with `shared()`."""

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> PublicSuffixes:
        return cls()

    def __init__(self) -> None:
        # Name → what it is, flags or-ed together: one dictionary look-up per label of a host.
        self.rules: dict[str, int] = {}
        for rule in suffix_rules():
            kind = _EXCEPTION if rule.startswith("!") else _WILD if rule.startswith("*.") else _EXACT
            name = rule.lstrip("!").removeprefix("*.").lower()
            if not name.isascii():  # IDNA for the few Unicode rules only: it costs ~0.1 ms a rule
                try:
                    name = idna.encode(name, uts46=True).decode("ascii")
                except idna.IDNAError:
                    continue
            self._flag(name, kind | (_TAIL if kind == _WILD else 0))
            dot = name.find(".")
            while dot >= 0:
                self._flag(name[dot + 1:], _TAIL)
                dot = name.find(".", dot + 1)

    def _flag(self, name: str, flags: int) -> None:
        self.rules[name] = self.rules.get(name, 0) | flags

    def registrable(self, host: str) -> str:
        """The registrable domain (public suffix plus one label) of a normalised host, or
        the host itself when it has no known public suffix or is one."""
        _, label, suffix = self.split(host)
        return f"{label}.{suffix}" if suffix else label

    def split(self, host: str) -> tuple[str, str, str]:
        """(subdomain part, label, public suffix) of a normalised host; ("", first label,
        rest) when it has no known suffix or is itself a public suffix. Walks the host
        from its last label leftwards while a longer rule may still match."""
        if host.count(".") == 1:  # label.suffix: whatever the rules say of either, the walk
            label, _, suffix = host.partition(".")  # ends in ("", label, suffix)
            return "", label, suffix
        return self.walk(host)

    def walk(self, host: str) -> tuple[str, str, str]:
        """`split` by its definition, for any host."""
        rules = self.rules
        start = -1  # where the longest matching suffix starts
        dot = host.rfind(".")
        parent = 0  # flags of the suffix one label shorter
        while True:
            flags = rules.get(host[dot + 1:], 0)
            if flags & _EXCEPTION:
                start = host.find(".", dot + 1) + 1
                break
            if flags & _EXACT or parent & _WILD:
                start = dot + 1
            if dot < 0 or not flags & _TAIL:
                break
            parent, dot = flags, host.rfind(".", 0, dot)
        if start <= 0:
            label, _, suffix = host.partition(".")
            return "", label, suffix
        before = host[: start - 1]
        cut = before.rfind(".")
        return before[:max(cut, 0)], before[cut + 1:], host[start:]


def suffix_rules() -> list[str]:
    """The rules of tldextract's bundled Public Suffix List snapshot, private ones included:
    `TLDExtract(suffix_list_urls=(), include_psl_private_domains=True).tlds` (as a list), read
    without importing tldextract, which imports requests and builds a trie (~0.25 s). The
    snapshot's file name is tldextract's own business: when it is not where this version
    keeps it, the rules come from `TLDExtract` itself."""
    spec = find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("tldextract is not installed")
    snapshot = Path(next(iter(spec.submodule_search_locations)), ".tld_set_snapshot")
    try:
        rules = _SUFFIX_RULE.findall(snapshot.read_text(encoding="utf-8"))
    except OSError:
        rules = []
    if rules:
        return rules
    import tldextract

    return list(tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None).tlds)


def registrable_domain(host: str) -> str:
    """Registrable domain (public suffix + one label) of a normalised host, or the host
    itself when it has no known public suffix."""
    return PublicSuffixes.shared().registrable(host)


def host_in_domain(host: str, domain: str) -> bool:
    """True when `host` is `domain` or one of its subdomains (both normalised)."""
    return host == domain or host.endswith("." + domain)
