"""How much a look-alike domain proves: the score of each relation between a host's
label and a registry key, by the key's tier (`detectors.domains.tier`).

Scale (what the host alone says; 70 is the engine's impersonation threshold):
100 official; 85–90 the official domain itself with look-alike characters, a dot slipped
in, its dots dropped (peoplecomcn.net) or in front of another domain (bbc.co.uk.x.top).
By tier (distinct / word / four / short / tiny / generic):

    look-alike characters           90 / 80 / 80 / 70 / 60 / 55
    one typo                        80 / 70 / 70 / 45 / 35 / 40
    another suffix                  80 / 45 / 70 / 55 / 40 / 45
    brand plus news words, codes    80 / 40 / 70 / 70 / 45 / 40

The pinyin of a Chinese name or a Latin name scores like the label of its tier; look-alike
characters plus one more change score 10 below a typo (keys of 7+ letters). A typo or
look-alike that is itself a common word scores 35; a suffix among the cheap TLDs impostors
favour (.ltd .pm .top .xyz…) adds 15 (90 at most); initials and abbreviations score 30–35,
so they count only with another signal. Suffixes only governments, universities or treaty
bodies can register (.gov.cn, .edu, .int, sp.gov.br) yield no look-alike.

On top of that scale, `RULES` (all on by default; `bench/eval_domains.py --what-if`
measures the recall and false positives each one brings by switching it off). Each raises
a score to 70, the threshold, before the cheap-TLD bonus:

- short_typo, tiny_typo, generic_typo: a typo or look-alike of a label of three
  characters (cnm.com for cnn.com), of two (apj.org for ap.org; 2-letter keys then join
  the one-edit search) or of a generic label (bilb.de for bild.de) that keeps one of the
  organisation's own suffixes. Every short string is somebody's acronym, but a one-letter
  slip under the very same suffix is what typosquatters register; look-alikes that are
  words or acronyms in their own right (nbc, abc) stay at 35.
- short_swap: a three-character label with another suffix (bbc.it, afp.net).
- cheap_swap: a two-letter, generic or common-word label under a cheap TLD (qq.xyz,
  news.top, spiegel.ltd); under an ordinary one (people.com: People magazine) it stays low.
- word_combo: a common-word label with news words, codes or digits added (people-news.com).
- generic_combo: the same for generic labels, under the organisation's own suffix
  (bild-live.de).
- short_combo: a three-character label glued to a two-letter code (bbcen.com, crihk.cn:
  otherwise vocus would be voc + us) under the organisation's own suffix.
- glyph: the letters dnstwist's homoglyph fuzzer swaps (d/b/cl/dl, m/n/r/rn/nn, c/e, u/v,
  q/g, lh/h, lc/k: `detectors.domains.glyph_skeleton`) match keys of three letters and up,
  not only keys of six and up.
- own_key: a label that is an organisation's own key — its domain label, a name, a pinyin,
  or an abbreviation the registry lists (xhnews, Xinhua's) — is no typo of another
  organisation's key (qhnews; hbtv.site is hbtv.com's label, not hebtv.com's less an e).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from detectors.domains import GENERIC, SHORT, TINY, WEAK, WORD

RULES = frozenset({"short_typo", "tiny_typo", "generic_typo", "short_swap", "cheap_swap", "word_combo",
                   "generic_combo", "short_combo", "glyph", "own_key"})
_ANY, _OWN_SUFFIX, _CHEAP_TLD = range(3)
# (relation, tier) → the rule that raises it, and under which suffix.
_RAISED = {("typo", SHORT): ("short_typo", _OWN_SUFFIX), ("typo", TINY): ("tiny_typo", _OWN_SUFFIX),
           ("typo", GENERIC): ("generic_typo", _OWN_SUFFIX), ("swap", SHORT): ("short_swap", _ANY),
           ("swap", TINY): ("cheap_swap", _CHEAP_TLD), ("swap", GENERIC): ("cheap_swap", _CHEAP_TLD),
           ("swap", WORD): ("cheap_swap", _CHEAP_TLD), ("combo", WORD): ("word_combo", _ANY),
           ("combo", GENERIC): ("generic_combo", _OWN_SUFFIX)}
_SCORES = {"visual": (90, 80, 80, 70, 60, 55), "typo": (80, 70, 70, 45, 35, 40),
           "swap": (80, 45, 70, 55, 40, 45), "combo": (80, 40, 70, 70, 45, 40)}
_RELAXED = 70  # what a rule raises a score to: the impersonation threshold
CHEAP_TLDS = frozenset("""ltd pm pics top xyz pro work icu buzz click site online store shop fun
    cyou sbs cfd bond rest vip club link website space live life news press today world info tk
    ml ga cf gq cc ws me biz mobi asia""".split())
# Suffix labels only governments, universities, the military or treaty bodies can register.
_RESTRICTED = frozenset("gov edu mil int arpa ac go gob gouv govt".split())


@dataclass(frozen=True, slots=True)
class Key:
    """What a host's label is compared with: a registry brand key."""

    key: str  # lower-case ASCII, no hyphens
    org_id: str
    domain: str  # the official domain it stands for
    source: str  # domain | dotless | name | pinyin | initials | abbreviation
    tier: int
    origin: str  # what it was made from: the official label, a name
    suffixes: frozenset[str]  # the organisation's public suffixes for this label


@lru_cache(maxsize=4096)
def restricted(suffix: str) -> bool:
    """Under .gov.cn, .edu, .int, sp.gov.br…: nobody can register an impostor there."""
    return not _RESTRICTED.isdisjoint(suffix.split("."))


class Scorer:
    """The scale above, with the rules in `rules`."""

    def __init__(self, common: dict[str, float], rules: frozenset[str] = RULES) -> None:
        unknown = rules - RULES
        if unknown:
            raise ValueError(f"unknown rules {sorted(unknown)}; known: {sorted(RULES)}")
        self.common = common
        self.rules = rules
        # The scale and the rules worked out once for all but the common-word case (`score`
        # is on the hot path): (relation, tier, under one of the key's suffixes, under a
        # cheap TLD) → score.
        self.table = {(relation, tier, own, cheap): self._worked_out(relation, tier, own, cheap)
                      for relation in _SCORES for tier in range(WEAK) for own in (False, True)
                      for cheap in (False, True)}

    def score(self, relation: str, key: Key, label: str, suffix: str) -> int:
        """`relation` (visual | typo | swap | combo) of `label` under `suffix` to `key`."""
        tier = key.tier
        if tier == WEAK:
            return 35 if relation == "swap" else 30
        own = suffix in key.suffixes
        if relation in ("typo", "visual") and label != key.key and self.common.get(label, 0) >= 3:
            # a word in its own right, not a misspelling
            return min(90 if relation == "visual" and own else _SCORES[relation][tier], 35)
        return self.table[relation, tier, own, suffix.rpartition(".")[2] in CHEAP_TLDS]

    def _worked_out(self, relation: str, tier: int, own: bool, cheap: bool) -> int:
        score = _SCORES[relation][tier]
        if relation == "visual" and own:
            score = 90  # the whole official domain, copied with look-alikes
        score = max(score, self._relaxed(relation, tier, own, cheap))
        return min(score + 15, 90) if cheap and score >= 40 else score

    def _relaxed(self, relation: str, tier: int, own: bool, cheap: bool) -> int:
        rule, where = _RAISED.get((relation, tier), ("", _ANY))
        if rule not in self.rules:
            return 0
        if where == _OWN_SUFFIX and not own:
            return 0
        if where == _CHEAP_TLD and not cheap:
            return 0
        return _RELAXED

    def distinct_enough(self, key: Key) -> bool:
        """Whether a key may be matched through its glyph skeleton."""
        return len(key.key) >= (3 if "glyph" in self.rules else 6) and key.tier != WEAK and key.source != "dotless"

