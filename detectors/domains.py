"""The domain detector: a target's host against every organisation's official domains.

A host that is an official domain or under one is official. Otherwise `DomainIndex`
(detectors.domain_index) finds look-alikes: typos, homoglyphs, IDN look-alikes,
combosquats, suffix swaps, the brand in front of another domain, the pinyin of Chinese
names; detectors.domain_scores documents how much each proves. This module holds what the
index is built from — the vocabulary of affixes, edit classification, look-alike folding —
and the detector. Chinese IDN labels (新华网.com) are names, not spellings: `idn_labels`
returns them for the engine to hand to the name detector.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

import msgpack

from detectors.findings import Finding
from detectors.hostnames import HostnameError, normalise_host, to_unicode, unicode_label
from detectors.profile import TargetProfile
from detectors.registry import Registry
from detectors.text import fold, has_cjk

if TYPE_CHECKING:
    from detectors.domain_index import DomainIndex

DISTINCT, WORD, FOUR, SHORT, TINY, GENERIC, WEAK = range(7)
TIERS = ("distinct", "word", "four", "short", "tiny", "generic", "weak")
# What impostors put around a brand: news words (English, pinyin), platform words, country
# and language codes, suffix pieces; digit runs are allowed too.
AFFIXES = frozenset("""news daily times online official live tv media press today world global info
    web app net site portal home hub now new latest breaking report post journal herald tribune
    headline headlines update updates plus channel network group video radio mobile edition
    english chinese intl international asia xinwen ribao baodao zixun wang zhongguo zhonghua
    china guoji haiwai zaixian guanwang shipin cn hk tw mo us uk de fr it es ru jp kr sg au ca
    in eu en zh www wap com org co gov the my 24h""".split())
_CORE_AFFIXES = sorted((a for a in AFFIXES if len(a) >= 3), key=len, reverse=True)
_VOWELS = frozenset("aeiou")
_QWERTY = dict(zip("qwertyuiopasdfghjklzxcvbnm1234567890", (
    "12wa 3esaq2 4rdsw3 5tfde4 6ygfr5 7uhgt6 8ijhy7 9okju8 0plki9 lo0 qwsz edxzaw rfcxse "
    "tgvcdr yhbvft ujnbgy ikmnhu olmji kop asx zsdc xdfv cfgb vghn bhjm njk 2q 3wq1 4ew2 "
    "5re3 6tr4 7yt5 8uy6 9iu7 0oi8 po9").split()))
# detectors.text.ascii_skeleton for lower-case ASCII labels, as one translate (hot path).
# ASCII text goes through the bytes form: bytes.translate is a table look-up per byte,
# str.translate a dictionary look-up per character (~6 times slower on a label).
_SKELETON = str.maketrans("01i538", "ollseb")
_SKELETON_BYTES = bytes.maketrans(b"01i538", b"ollseb")
_GLYPH_PAIRS = (("nn", "m"), ("dl", "d"), ("lb", "b"), ("lh", "h"), ("lc", "k"))
_GLYPH_PAIR = re.compile("|".join(glyphs for glyphs, _ in _GLYPH_PAIRS))
_GLYPH = str.maketrans("dcqnrv9", "begmmu6")
_GLYPH_BYTES = bytes.maketrans(b"dcqnrv9", b"begmmu6")
_EXTRA_LOOKALIKES = {"ь": "b", "ԍ": "g", "к": "k", "м": "m", "т": "t", "ə": "a", "ʒ": "3",
                     "ƻ": "2", "ƽ": "5", "ĸ": "k", "ŋ": "n", "æ": "ae", "œ": "oe", "ß": "ss"}
_LATIN_NAME = re.compile(r"LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL )?([A-Z])\b")


class DomainMatch(NamedTuple):
    """What the index found for a host (immutable: official ones are shared by every
    look-up; a named tuple, as look-ups make many of them and it is the cheapest to make)."""

    org_id: str
    kind: str  # official | suffix_swap | homoglyph | idn_homoglyph | typo kinds | combosquat | …
    score: int  # 0–100; official = 100
    official_domain: str  # the registry domain it relates to
    detail: str  # short human detail


_WORD_LANGUAGES = ("en", "de", "fr", "es", "it", "pt")


def _small_wordlist(lang: str) -> list[list[str]]:
    """wordfreq's "small" list of a language, read as `wordfreq.read_cBpack` reads it: a
    gzipped msgpack list, a header and then one list of words per centibel of frequency
    (index i: frequency 10^(-i/100)). Read without importing wordfreq, whose import (its
    tokenisers and language data) costs half a second in every process that builds an
    index, an analysis worker's start included."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("wordfreq is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"small_{lang}.msgpack.gz"
    with gzip.open(path, "rb") as handle:
        header, *buckets = msgpack.load(handle, raw=False)
    if header != {"format": "cB", "version": 1}:
        raise ValueError(f"{path}: not a cBpack word list ({header!r})")
    return buckets


@lru_cache(maxsize=1)
def common_words() -> dict[str, float]:
    """ASCII words with Zipf frequency ≥ 3 in English, German, French, Spanish, Italian
    or Portuguese, with their highest frequency (wordfreq's bundled small lists)."""
    found: dict[str, float] = {}
    for lang in _WORD_LANGUAGES:
        for index, bucket in enumerate(_small_wordlist(lang)):
            zipf = math.log10(10 ** (-index / 100)) + 9  # as wordfreq's zipf_frequency
            if zipf < 3:
                break  # buckets go from frequent to rare
            for word in bucket:
                if word.isascii() and word.isalnum() and zipf > found.get(word, 0):
                    found[word] = zipf
    return found


def skeleton(label: str) -> str:
    """`detectors.text.ascii_skeleton` of a lower-case ASCII label without hyphens; of
    labels joined by newlines, their skeletons joined alike (no replacement spans a newline)."""
    if "rn" in label or "vv" in label or "cl" in label:
        label = label.replace("rn", "m").replace("vv", "w").replace("cl", "d")
    if label.isascii():
        return label.encode().translate(_SKELETON_BYTES).decode()
    return label.translate(_SKELETON)


def glyph_skeleton(shape: str) -> str:
    """A looser form of a `skeleton`: the letters dnstwist's homoglyph fuzzer swaps, one
    or two at a time, folded together (lb/dl/d/b, nn/rn/m/n/r, c/e, u/v, q/g, lh/h, lc/k,
    6/9), so that bjrevievu and lbjnews meet bjreview and bjnews. Like `skeleton`, line by
    line on skeletons joined by newlines."""
    if _GLYPH_PAIR.search(shape):  # rarely: most labels hold none of the pairs
        for glyphs, letter in _GLYPH_PAIRS:
            if glyphs in shape:
                shape = shape.replace(glyphs, letter)
    if shape.isascii():
        return shape.encode().translate(_GLYPH_BYTES).decode()
    return shape.translate(_GLYPH)


def deletions(text: str) -> list[str]:
    """The text and every string one deletion away (a SymSpell neighbourhood)."""
    return [text] + [text[:i] + text[i + 1:] for i in range(len(text))]


def edit_kind(key: str, label: str) -> tuple[str, str] | None:
    """Classify a Damerau–Levenshtein distance-1 edit turning `key` into `label`."""
    n, m = len(key), len(label)
    if key == label or abs(n - m) > 1:
        return None
    i = _common_prefix(key, label)
    if n == m and key[i + 1:] == label[i + 1:]:
        a, b = key[i], label[i]
        kind = ("bitflip" if (ord(a) ^ ord(b)).bit_count() == 1 else
                "keyboard" if b in _QWERTY.get(a, "") else
                "vowel_swap" if a in _VOWELS and b in _VOWELS else "substitution")
        return kind, f"one letter changed ({a}→{b})"
    if n == m and i + 1 < n and key[i] == label[i + 1] and key[i + 1] == label[i] and key[i + 2:] == label[i + 2:]:
        return "transposition", f"letters swapped ({key[i:i + 2]}→{label[i:i + 2]})"
    if m == n + 1 and key[i:] == label[i + 1:]:
        c = label[i]
        if c in (key[i - 1:i], key[i:i + 1]):
            return "repetition", f"letter doubled ({c}→{c}{c})"
        return "insertion", f"letter added ('{c}')"
    if m == n - 1 and key[i + 1:] == label[i:]:
        return "omission", f"letter left out ('{key[i]}')"
    return None


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (bisected with slice comparisons, which
    run in C, rather than compared letter by letter)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


@lru_cache(maxsize=65536)
def affix_split(text: str) -> tuple[str, ...] | None:
    """`text` cut into affix words and digit runs (`newsonline24` → news, online, 24), or
    None when it does not cut fully. Empty text cuts into nothing."""
    if not text or text.isdigit():
        return (text,) if text else ()
    for end in range(min(len(text), 13), 0, -1):
        head = text[:end]
        if head in AFFIXES or head.isdigit():
            rest = affix_split(text[end:])
            if rest is not None:
                return (head, *rest)
    return None


def tier(key: str) -> int:
    """How much a look-alike of `key` proves. *distinct*: five or more letters, not a common
    word; a compound counts by its core (`kankanews` by `kanka`, `ynet` by `y`). *word*: a
    common word of six or more letters (people, spiegel). *four*: four letters, a core of
    two or three, or news words only (cctv, nytimes, chinadaily). *short*: three (bbc, 163).
    *tiny*: two (dw, qq). *generic*: a news word, or a common word of four or five letters
    (now, news, welt, bild). Common: Zipf ≥ 4 in one of the languages of `common_words`.
    *weak* (initials, abbreviations) is set by the index, not here."""
    if key in AFFIXES:
        return GENERIC  # a news word is no brand (now.com)
    if len(key) >= 4 and common_words().get(key, 0) >= 4:
        return WORD if len(key) >= 6 else GENERIC
    core = _core(key)
    if core is None:
        return FOUR  # affix words only: chinadaily, globaltimes
    if core != key:
        return DISTINCT if len(core) >= 4 else FOUR if len(core) >= 2 else SHORT
    return DISTINCT if len(key) >= 5 else (TINY, TINY, TINY, SHORT, FOUR)[len(key)]


def _core(key: str) -> str | None:
    """`key` without the affix words that start or end it (kankanews → kanka, ynet → y),
    or None when it is made of affix words only (chinanews)."""
    while True:
        for affix in _CORE_AFFIXES:
            if len(key) > len(affix) and (key.endswith(affix) or key.startswith(affix)):
                key = key[: -len(affix)] if key.endswith(affix) else key[len(affix):]
                if affix_split(key) is not None:
                    return None
                break
        else:
            return key


def latin_lookalike(label: str) -> str | None:
    """The ASCII a Unicode label imitates (TR39 confusables, accents and hooks dropped:
    `рeоple` → `people`), or None when some character imitates no ASCII."""
    out = []
    for char in fold(label):
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if not base.isascii():
            found = _LATIN_NAME.match(unicodedata.name(char, ""))
            base = found.group(1).lower() if found else _EXTRA_LOOKALIKES.get(char, "")
        if not base:
            return None
        out.append(base)
    return "".join(out) or None


def idn_labels(host: str) -> list[str]:
    """The decoded labels of a punycode host that contain Chinese characters."""
    decoded = (unicode_label(label) for label in host.split(".") if label.startswith("xn--"))
    return [label for label in decoded if label and has_cjk(label)]


def _host_of(profile: TargetProfile) -> str | None:
    if profile.account is not None:
        return None  # a platform account lives on its platform's host, which is not its own
    if profile.host:
        return profile.host  # already normalised (punycode) by whoever built the profile
    text = profile.target.strip()
    if "/" in text or ":" in text:
        text = urlsplit(text if "://" in text else "//" + text).hostname or ""
    try:
        return normalise_host(text)
    except HostnameError:
        return None


def explain(host: str, shown: str, match: DomainMatch, org_name: str) -> tuple[str, str]:
    """The finding kind and sentence of a match for `host` (written as `shown`)."""
    if match.kind == "official":
        where = "is" if host == match.official_domain else f"is under {match.official_domain},"
        return "official_domain", f"{shown} {where} an official domain of {org_name}."
    return match.kind, f"{shown} looks like {match.official_domain} of {org_name}: {match.detail}."


class DomainDetector:
    """The target's host against every organisation's official domains."""

    name = "domain"
    description = ("the target's domain against every organisation's official domains: official, typos, "
                   "look-alike characters, IDN, combosquats, suffix swaps, brand as subdomain, pinyin")

    def __init__(self, registry: Registry, index: DomainIndex | None = None):
        from detectors.domain_index import DomainIndex  # it imports this module's helpers

        self.registry = registry
        self.index = index or DomainIndex.from_registry(registry)

    def detect(self, profile: TargetProfile) -> list[Finding]:
        host = _host_of(profile)
        return self.detect_host(host) if host else []

    def detect_host(self, host: str) -> list[Finding]:
        """Findings for a normalised (punycode) host: `detect` without a profile."""
        return [self.finding(host, match) for match in self.index.lookup(host)]

    def finding(self, host: str, match: DomainMatch) -> Finding:
        """A match as a finding that names the host, the official domain and the organisation."""
        org = self.registry.get(match.org_id)
        shown = to_unicode(host) if "xn--" in host else host
        kind, explanation = explain(host, shown, match, org.name if org else match.org_id)
        return Finding(detector=self.name, kind=kind, score=match.score, org_id=match.org_id,
                       explanation=explanation, matched=host, reference=match.official_domain,
                       evidence=({"host": host},))
