"""Every official domain and brand of the registry, indexed so that a host is compared
with all of them in time that grows with the host's length, not with the registry.

Keys (detectors.domain_keys) come from each official domain's label under the public
suffix (people.com.cn → `people`, plus the dotless `peoplecomcn`), each Latin name run
together (China Daily → `chinadaily`) and the full pinyin of each Chinese name of three or
more characters (人民日报 → `renminribao`); pinyin initials and abbreviations are weak keys. A key's tier
(`detectors.domains.tier`: distinct, word, four, short, tiny, generic) says how much a
look-alike of it proves (detectors.domain_scores: the scale and its rules). A look-up is a
fixed number of probes whatever the registry's size: dictionaries of keys, of their
ASCII skeletons (rn→m, 0→o, 1→l…) and glyph skeletons (d/b/cl, m/n/rn…), the
one-deletion (SymSpell) neighbourhood of the label's skeleton, guarded by a test on its
halves and probed in three pieces (detectors.domain_near), and one Aho-Corasick scan for
keys inside the label. `check domains` looks hosts up a batch at a time
(detectors.domain_screen).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter

import ahocorasick

from detectors.domain_keys import keys_of
from detectors.domain_near import DeletionIndex
from detectors.domain_scores import RULES, Key, Scorer, restricted
from detectors.domains import (
    DISTINCT,
    FOUR,
    SHORT,
    TINY,
    WEAK,
    WORD,
    DomainMatch,
    affix_split,
    common_words,
    deletions,
    edit_kind,
    glyph_skeleton,
    latin_lookalike,
    skeleton,
)
from detectors.hostnames import PublicSuffixes, unicode_label
from detectors.registry import Registry
from detectors.text import has_cjk

_SCORE = attrgetter("score")


class DomainIndex:
    """Official domains and brand keys of a registry, for `lookup`."""

    def __init__(self, rules: frozenset[str] = RULES) -> None:
        self.suffixes = PublicSuffixes.shared()
        self.scorer = Scorer(common_words(), rules)
        self.own_key = "own_key" in rules
        self.short_combo = "short_combo" in rules
        self.shortest_near = 2 if "tiny_typo" in rules else 3  # keys in the one-edit search
        self.official: dict[str, DomainMatch] = {}
        self.exact: dict[str, list[Key]] = defaultdict(list)
        self.skeletons: dict[str, list[Key]] = defaultdict(list)
        self.glyphs: dict[str, list[Key]] = defaultdict(list)
        self.near: dict[str, tuple[str, ...]] = {}  # skeleton deletion → key texts, sorted
        self.near_deletions = DeletionIndex(())  # strings of `near` by what they keep of a label
        # Per text in `near`: its skeleton and the keys the one-edit search may offer.
        self.near_keys: dict[str, tuple[str, tuple[Key, ...]]] = {}
        # A label within one edit of a key skeleton of length m shares its first or its last
        # (m - 1) // 2 letters (the edit is in the other half), a cheap test that spares most
        # labels their deletion neighbourhood. By label length n: the halves' lengths, the
        # heads and the tails of keys of length n - 1, n and n + 1, so that one test serves.
        self.near_halves: dict[int, tuple[tuple[int, ...], set[str], set[str]]] = {}
        self.automaton = ahocorasick.Automaton()
        self.scan_affixes = False  # whether the automaton holds keys (once built)

    @classmethod
    def from_registry(cls, registry: Registry, rules: frozenset[str] = RULES) -> DomainIndex:
        index = cls(rules)
        for org in registry:
            for domain in org.domains:
                index.official[domain] = DomainMatch(org.id, "official", 100, domain, "")
        for org in registry:
            for key in keys_of(org, index.official, index.suffixes):
                index._add(key)
        near: dict[str, set[str]] = defaultdict(set)
        for text, keys in index.exact.items():
            if len(text) >= 3:
                index.automaton.add_word(text, text)
            near_keys = tuple(k for k in keys if k.tier != WEAK and k.source != "dotless")
            if len(text) >= index.shortest_near and near_keys:
                shape = skeleton(text)
                index.near_keys[text] = (shape, near_keys)
                for deleted in deletions(shape):
                    near[deleted].add(text)
                index._add_near_halves(shape)
        index.near = {deleted: tuple(sorted(texts)) for deleted, texts in near.items()}
        index.near_deletions = DeletionIndex(index.near)
        index.automaton.make_automaton()  # stays empty (kind EMPTY) without keys
        index.scan_affixes = index.automaton.kind == ahocorasick.AHOCORASICK
        return index

    def _add_near_halves(self, shape: str) -> None:
        half = (len(shape) - 1) // 2
        if not half:
            return
        for length in (len(shape) - 1, len(shape), len(shape) + 1):
            halves, heads, tails = self.near_halves.get(length) or ((), set(), set())
            heads.add(shape[:half])
            tails.add(shape[-half:])
            self.near_halves[length] = (tuple(sorted({*halves, half})), heads, tails)

    def _add(self, key: Key) -> None:
        entries = self.exact[key.key]
        if any(e.org_id == key.org_id and e.tier <= key.tier for e in entries):
            return
        entries.append(key)
        if key.tier != WEAK:
            shape = skeleton(key.key)
            self.skeletons[shape].append(key)
            if self.scorer.distinct_enough(key):
                self.glyphs[glyph_skeleton(shape)].append(key)

    def lookup(self, host: str) -> list[DomainMatch]:
        """Matches of a normalised (punycode) host, best first, one per organisation."""
        dot = -1
        while True:
            official = self.official.get(host[dot + 1:])
            if official is not None:
                return [official]
            dot = host.find(".", dot + 1)
            if dot < 0:
                break
        subdomain, label, suffix = self.suffixes.split(host)
        compact = label.replace("-", "") if "-" in label else label
        shape = skeleton(compact)
        return self.search(subdomain, label, suffix, compact, shape, glyph_skeleton(shape))

    def search(self, subdomain: str, label: str, suffix: str, compact: str, shape: str,
               glyph: str) -> list[DomainMatch]:
        """`lookup` of a host that neither is nor lies under an official domain, split by
        `suffixes.split`; `compact` is the label without hyphens, `shape` its `skeleton`
        and `glyph` that skeleton's `glyph_skeleton` (a batch computes them together:
        detectors.domain_screen)."""
        if restricted(suffix):
            return []
        found: dict[str, DomainMatch] = {}
        if label.startswith("xn--"):
            unicode = unicode_label(label)
            latin = latin_lookalike(unicode) if unicode and not has_cjk(unicode) else None
            if latin and latin.replace("-", "").isalnum():
                latin_compact = latin.replace("-", "") if "-" in latin else latin
                latin_shape = skeleton(latin_compact)
                self._match_label(latin, latin_compact, latin_shape, glyph_skeleton(latin_shape), suffix, found,
                                  unicode)
        else:
            self._match_label(label, compact, shape, glyph, suffix, found)
        subs = subdomain.split(".") if subdomain else []
        if subs:
            self._match_subdomain(subs, suffix, found)
        if subs or "." in suffix:
            self._match_split(subs, label, suffix, found)
        if len(found) > 1:
            return sorted(found.values(), key=_SCORE, reverse=True)  # stable: equals keep their order
        return list(found.values())

    def _match_label(self, label: str, compact: str, shape: str, glyph: str, suffix: str,
                     found: dict[str, DomainMatch], idn: str | None = None) -> None:
        """The registrable label against every key: exact, look-alike, one edit, affixes."""
        entries, near = self.exact.get(compact, ()), self.near_texts(shape)
        if not (entries or near or self._could_match(compact, shape, glyph)):
            return  # most labels
        shown, score = idn or label, self.scorer.score
        owners: set[str] = set()  # organisations whose own key the label is
        for key in entries:
            if key.source == "abbreviation" or key.tier != WEAK:
                owners.add(key.org_id)
            if idn:
                _offer(found, key, "idn_homoglyph", score("visual", key, compact, suffix),
                       f"Unicode look-alike characters ({idn} for {key.origin})")
            elif compact != label and label != key.origin and key.source == "domain":
                _offer(found, key, "hyphenation", score("visual", key, compact, suffix),
                       f"'{key.origin}' with hyphens added")
            else:
                self._offer_exact(found, key, compact, suffix)
        # An organisation's own key (its label, name, pinyin or abbreviation) is no
        # misspelling of another's: hbtv.site is hbtv.com's label, not hebtv.com's less an e.
        others = owners if owners and self.own_key else None
        kind = "idn_homoglyph" if idn else "homoglyph"
        for key in self.skeletons.get(shape, ()):
            if key.key != compact:
                _offer(found, key, kind, score("visual", key, compact, suffix),
                       f"look-alike characters ({shown} for {key.origin})")
        for key in self.glyphs.get(glyph, ()):
            if (others is None or key.org_id in others) and skeleton(key.key) != shape \
                    and edit_kind(key.key, compact) is None:
                _offer(found, key, kind, score("typo", key, compact, suffix),
                       f"look-alike letters ({shown} for {key.origin})")
        if near:
            self._match_near(near, compact, shape, suffix, found, others, idn, shown)
        start = compact.find("es", 1)
        while start > 0:  # a plural slipped inside (aljazeseera)
            for key in self.exact.get(compact[:start] + compact[start + 2:], ()):
                if key.tier in (DISTINCT, WORD) and key.source != "dotless":
                    _offer(found, key, "insertion", score("typo", key, compact, suffix), "letters added ('es')")
            start = compact.find("es", start + 1)
        if len(compact) > 3 and self.scan_affixes:
            self._match_affixes(label, compact, suffix, found)

    def _could_match(self, compact: str, shape: str, glyph: str) -> bool:
        """Whether the steps of `_match_label` after the exact keys and one-edit texts could
        offer a match: each needs its dictionary hit, an 'es' or a key inside the label.
        False for most labels, which then skip them (tests check that this changes nothing)."""
        return (shape in self.skeletons or glyph in self.glyphs or compact.find("es", 1) > 0
                or (len(compact) > 3 and self.scan_affixes and next(self.automaton.iter(compact), None) is not None))

    def near_texts(self, shape: str) -> Sequence[str]:
        """Texts of keys whose skeleton shares a one-deletion neighbour with the label's
        skeleton `shape` (the candidates of the one-edit search), sorted: the first of
        equal matches wins, the same one every run. Empty when the halves test rules out
        every key."""
        length = len(shape)
        if length >= 4 or self.shortest_near != 2:  # halves of two-letter keys are empty: no test
            gate = self.near_halves.get(length)
            if gate is None:
                return ()
            halves, heads, tails = gate
            for half in halves:
                if shape[:half] in heads or shape[-half:] in tails:
                    break
            else:
                return ()
        near = self.near
        shared = self.near_deletions.deleted(shape)  # the label's deletions in `near`
        if shape in near:
            shared.add(shape)
        if len(shared) < 2:
            return near[shared.pop()] if shared else ()
        return sorted(set().union(*map(near.__getitem__, shared)))

    def _match_near(self, texts: Sequence[str], compact: str, shape: str, suffix: str, found: dict[str, DomainMatch],
                    others: set[str] | None, idn: str | None, shown: str) -> None:
        """Keys one edit from the label (or from its skeleton, for keys of 7+ letters)."""
        score = self.scorer.score
        for text in texts:
            edit = edit_kind(text, compact)
            text_shape, keys = self.near_keys[text]
            if edit is None and (len(text) < 7 or edit_kind(text_shape, shape) is None):
                continue
            for key in keys:
                if others is not None and key.org_id not in others:
                    continue
                if edit:
                    kind = "idn_homoglyph" if idn else edit[0]
                    _offer(found, key, kind, score("typo", key, compact, suffix), edit[1])
                else:
                    _offer(found, key, "idn_homoglyph" if idn else "homoglyph",
                           score("typo", key, compact, suffix) - 10,
                           f"look-alike characters and one more change ({shown} for {key.origin})")

    def _match_affixes(self, label: str, compact: str, suffix: str, found: dict[str, DomainMatch]) -> None:
        """Keys inside the label with news words, codes or digits around them, the longest
        first: between equal scores, chinatimesnews is China Times's, not china.com's."""
        for end, text in sorted(self.automaton.iter(compact), key=_longest_first):
            if len(text) == len(compact):
                continue
            before = affix_split(compact[: end + 1 - len(text)])
            after = affix_split(compact[end + 1:]) if before is not None else None
            if after is None:
                continue
            glued = "-" not in label and min(map(len, (*before, *after))) < 3
            for key in self.exact[text]:
                # vocus is not voc + us, but bbcen.com is bbc + en under bbc's own suffix
                if not glued or key.tier not in (SHORT, TINY) or (
                        key.tier == SHORT and self.short_combo and suffix in key.suffixes):
                    self._offer_combo(found, key, (*before, *after), suffix)

    def _match_subdomain(self, subs: list[str], suffix: str, found: dict[str, DomainMatch]) -> None:
        """The brand in front of another domain: bbc.co.uk.example.top, people-com-cn.x.top,
        xinhuanet.example.top."""
        for start in range(len(subs)):
            for end in range(start + 1, len(subs) + 1):
                part = ".".join(subs[start:end])
                official = self.official.get(part) or self.official.get(part.replace("-", "."))
                if official is not None:
                    domain = official.official_domain
                    _keep(found, DomainMatch(official.org_id, "brand_subdomain", 85, domain,
                                             f"the official domain {domain} in front of another domain"))
        for sub in subs:
            for key in self.exact.get(sub.replace("-", ""), ()):
                if key.source == "dotless" and key.tier != WEAK:
                    _offer(found, key, "brand_subdomain", 85, f"{key.domain} in front of another domain")
                elif key.tier in (DISTINCT, WORD, FOUR):
                    _offer(found, key, "brand_subdomain", self.scorer.score("swap", key, sub, suffix) - 10,
                           f"'{sub}' in front of another domain")

    def _match_split(self, subs: list[str], label: str, suffix: str, found: dict[str, DomainMatch]) -> None:
        """A dot slipped into a brand: peo.ple.com.cn, guanc.ha.cn (ha.cn is a public suffix)."""
        head, _, tail = suffix.partition(".")
        splits = [(subs[-1] + label, suffix)] if subs else []
        if tail:
            splits.append((label + head, tail))
        for joined, rest in splits:
            for key in self.exact.get(joined.replace("-", ""), ()):
                if key.tier != WEAK and key.source != "dotless":
                    whole = key.source == "domain" and rest in key.suffixes
                    score = 90 if whole else self.scorer.score("visual", key, joined, rest)
                    _offer(found, key, "dot_insertion", score, f"'{key.origin}' with a dot inserted")

    def _offer_exact(self, found: dict[str, DomainMatch], key: Key, label: str, suffix: str) -> None:
        score = self.scorer.score("swap", key, label, suffix)
        if key.source == "dotless":
            _offer(found, key, "combosquat", score if key.tier == WEAK else 85, f"{key.domain} with its dots dropped")
        elif key.source == "domain":
            _offer(found, key, "suffix_swap", score, f"the label '{key.origin}' with another suffix (.{suffix})")
        else:
            kind = {"name": "brand_name", "pinyin": "pinyin", "initials": "pinyin_initials"}.get(key.source)
            _offer(found, key, kind or "abbreviation", score, _source_detail(key))

    def _offer_combo(self, found: dict[str, DomainMatch], key: Key, added: tuple[str, ...], suffix: str) -> None:
        words_added = ", ".join(f"'{word}'" for word in added)
        if key.source == "dotless" and key.tier != WEAK:
            _offer(found, key, "combosquat", 85, f"{key.domain} with its dots dropped plus {words_added}")
        else:
            _offer(found, key, "combosquat", self.scorer.score("combo", key, "", suffix),
                   f"{_source_detail(key)} plus {words_added}")


def _longest_first(hit: tuple[int, str]) -> int:
    return -len(hit[1])


def _source_detail(key: Key) -> str:
    return {"pinyin": f"the pinyin of {key.origin} ({key.key})",
            "initials": f"the pinyin initials of {key.origin} ({key.key})",
            "abbreviation": f"the abbreviation {key.origin}",
            "name": f"the name {key.origin}"}.get(key.source, f"brand '{key.key}'")


def _offer(found: dict[str, DomainMatch], key: Key, kind: str, score: int, detail: str) -> None:
    """`_keep` for a key's match, made only when it is kept."""
    best = found.get(key.org_id)
    if best is None or score > best.score:
        found[key.org_id] = DomainMatch(key.org_id, kind, score, key.domain, detail)


def _keep(found: dict[str, DomainMatch], match: DomainMatch) -> None:
    """One match per organisation: the best (the first of equals)."""
    best = found.get(match.org_id)
    if best is None or match.score > best.score:
        found[match.org_id] = match
