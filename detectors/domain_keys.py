"""The brand keys of an organisation, which `DomainIndex` compares a host's label with:
each official domain's label under its public suffix and its dotless forms, the Latin
names run together, the pinyin of Chinese names and their initials, abbreviations."""

from __future__ import annotations

import os

from detectors.domain_scores import Key
from detectors.domains import DISTINCT, WEAK, DomainMatch, tier
from detectors.hostnames import PublicSuffixes
from detectors.registry import Organisation
from detectors.text import has_cjk, pinyin, pinyin_initials, words


def keys_of(org: Organisation, official: dict[str, DomainMatch], suffixes: PublicSuffixes) -> list[Key]:
    """Every key of an organisation's domains and names. A domain under another
    organisation's domain (jjckb.xinhuanet.com) lends it no brand."""
    keys: list[Key] = []
    labels: dict[str, tuple[str, set[str]]] = {}
    for domain in org.domains:
        _, label, suffix = suffixes.split(domain)
        registrable = f"{label}.{suffix}"
        owner = official.get(registrable)
        if suffix and not label.startswith("xn--") and (owner is None or owner.org_id == org.id):
            labels.setdefault(label, (registrable if owner else domain, set()))[1].add(suffix)
    for label, (domain, label_suffixes) in labels.items():
        compact, frozen = label.replace("-", ""), frozenset(label_suffixes)
        keys.append(Key(compact, org.id, domain, "domain", tier(compact), label, frozen))
        for suffix in label_suffixes:
            parts = suffix.split(".")
            for size in range(1, len(parts) + 1):
                keys.append(Key(compact + "".join(parts[:size]), org.id, domain, "dotless",
                                WEAK if len(compact) <= 2 else DISTINCT, label, frozen))
    for name in (*org.all_names, *org.abbreviations):
        if has_cjk(name):
            if len(pinyin_initials(name)) >= 3:
                spelled, initials = pinyin(name), pinyin_initials(name)
                keys.append(Key(spelled, org.id, org.domains[0], "pinyin", tier(spelled), name, frozenset()))
                keys.append(Key(initials, org.id, org.domains[0], "initials", WEAK, name, frozenset()))
            continue
        key = "".join(words(name))
        if len(key) >= 2:
            weak = name in org.abbreviations or len(key) <= 3
            keys.append(Key(key, org.id, _closest(org.domains, key), "abbreviation" if weak else "name",
                            WEAK if weak else tier(key), name, frozenset()))
    return keys


def _closest(domains: tuple[str, ...], key: str) -> str:
    """The domain that starts most like `key` (Xinhua → xinhuanet.com rather than news.cn)."""
    return max(domains, key=lambda domain: len(os.path.commonprefix((domain, key))))
