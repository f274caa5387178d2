"""Names a target gives itself, compared with the names of genuine organisations.

Scale: 95 the same name (after NFKC, width, traditional→simplified, Latin look-alikes),
92 the same name with look-alike characters swapped in (入/人, 曰/日), 85 a homophone
(same pinyin) or the name plus platform/news affixes (人民日报官方客户端, Guardian News),
75–80 one character changed to one with the same pinyin initial, or a near-identical Latin
spelling; 40 a mention of the name amid other words (人民日报评论摘抄), which alone proves
nothing. Short and generic names (新华, 头条, Welt) score lower. A name is compared segment
by segment (titles split at | _ - —), so 新华路小学 and 人民公园 match nothing. A name a
page shows beside the one it gives itself (a partner's logo, a wire's copyright) is a
`credited_name` finding, 60 at most, unless the page's own name names that organisation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain, repeat

from rapidfuzz import fuzz, process

from detectors.findings import Finding
from detectors.lookalikes import lookalike_variant
from detectors.newswords import AFFIXES_EN, AFFIXES_ZH, MEDIUM_ZH, STRONG_EN, STRONG_ZH
from detectors.profile import SITE_NAME_SOURCES, ShownName, TargetProfile
from detectors.registry import Registry
from detectors.name_sounds import Sounds
from detectors.text import chinese_chars, fold, has_cjk, pinyin, pinyin_initials, segments, words

_ARTICLES = {"the", "le", "la", "les", "der", "die", "das", "il", "el"}
# What may surround an organisation's name in a site that poses as it.
_COMBO_ZH = tuple(sorted({*AFFIXES_ZH, *STRONG_ZH, *MEDIUM_ZH, "中文网", "中文", "官方客户端",
                          "新闻网", "海外", "电子报", "融媒体", "英文版", "中文版"}, key=len, reverse=True))
_COMBO_EN = AFFIXES_EN | STRONG_EN | {"english", "chinese", "uk", "us", "edition", "international",
                                      "world", "global", "breaking", "latest", "home", "homepage",
                                      # country-code domains a site name may end in (Le Monde.fr)
                                      "fr", "de", "co", "jp", "es", "ru", "au", "ca", "hk", "tw", "sg", "kr"}
# A legal form after a copyright holder or sponsor: 网易公司 is 网易, CNBC LLC is CNBC.
_LEGAL_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)$"
                         r"|[\s,]+(?:inc|ltd|llc|plc|corp|corporation|co|gmbh|ag|limited)\.?$", re.I)
_HOLDER_SOURCES = ("copyright", "sponsor")
# Where a page may name others it credits (see _own_name).
_CREDIT_SOURCES = ("logo-alt", "copyright", "h1")
_CREDITED = 60  # a credit's most: below what claims an identity (detectors.engine: 70)
_GENERIC_ZH = set(STRONG_ZH) | set(MEDIUM_ZH) | {"新闻", "头条", "界面", "华西", "南都", "总台", "一财"}


@dataclass(frozen=True)
class NameMatch:
    org_id: str
    reference: str  # the registry name it matched
    kind: str  # exact_name | lookalike_name | homophone_name | combo_name | initials_swap | fuzzy_name | mention
    score: int
    detail: str


@dataclass(frozen=True, eq=False)  # one object per registry name: hashed by identity, which is cheap
class _Entry:
    org_id: str
    name: str
    folded: str
    tokens: tuple[str, ...]  # Latin words, leading article dropped

    @property
    def cjk(self) -> bool:
        return has_cjk(self.folded)

    @property
    def weak(self) -> bool:
        """Short or generic: proves little on its own."""
        if self.cjk:
            return len(self.folded) <= 2 or self.folded in _GENERIC_ZH
        return len(self.tokens) == 1 and len(self.folded) <= 4 and not self.name.isupper()


def _tokens(name: str) -> tuple[str, ...]:
    tokens = words(name)
    return tuple(tokens[1:] if len(tokens) > 1 and tokens[0] in _ARTICLES else tokens)


def _one_off(text: str) -> list[str]:
    """`text` with each character in turn replaced by a character no name holds."""
    return [text[:position] + "\0" + text[position + 1:] for position in range(len(text))]


def _only_affixes_zh(text: str) -> bool:
    while text:
        affix = next((a for a in _COMBO_ZH if text.startswith(a)), None)
        if affix is None:
            return False
        text = text[len(affix):]
    return True


class NameIndex:
    """Every registry name, indexed for exact, look-alike, pinyin and fuzzy look-ups."""

    def __init__(self, registry: Registry):
        self.exact: dict[str, list[_Entry]] = defaultdict(list)
        # Chinese names of three characters or more by character, and how many distinct
        # characters a text must share with each to be compared with it.
        self.by_char: dict[str, list[_Entry]] = defaultdict(list)
        self.needed: dict[_Entry, int] = {}
        self.by_pinyin: dict[str, list[_Entry]] = defaultdict(list)
        self.by_initials: dict[tuple[int, str], list[_Entry]] = defaultdict(list)
        self.latin: list[_Entry] = []
        self.latin_by_token: dict[str, list[_Entry]] = defaultdict(list)
        for org in registry:
            for name in org.all_names:
                folded = fold(name)
                if len(folded) < 2:
                    continue
                entry = _Entry(org.id, name, folded, _tokens(name))
                self.exact[folded].append(entry)
                if entry.cjk:
                    if len(folded) >= 3:
                        for char in dict.fromkeys(folded):  # each entry once per character
                            self.by_char[char].append(entry)
                        self.needed[entry] = len(folded) - max(1, len(folded) // 3)
                        self.by_pinyin[pinyin(folded)].append(entry)
                        self.by_initials[(len(folded), pinyin_initials(folded))].append(entry)
                elif entry.tokens:
                    self.latin.append(entry)
                    self.latin_by_token[entry.tokens[0]].append(entry)
        self._latin_folded = [entry.folded for entry in self.latin]
        # What a text must share with a name before its pinyin is worth reading (it costs
        # pypinyin's import, then ~60 µs a text): a reading that spells a name's pinyin
        # (detectors.name_sounds), or all of a name's characters but one, in place.
        self.sounds = Sounds(self.by_pinyin)
        self.one_off = {key for entries in self.by_initials.values() for entry in entries
                        for key in _one_off(entry.folded)}

    def match(self, segment: str) -> list[NameMatch]:
        """Matches of one name segment, best first, one per organisation."""
        folded = fold(segment)
        found: list[NameMatch] = []
        for entry in self.exact.get(folded, ()):
            detail = "is" if segment.strip() == entry.name else "is, written differently,"
            found.append(NameMatch(entry.org_id, entry.name, "exact_name", 75 if entry.weak else 95, detail))
        if has_cjk(folded):
            found += self._match_cjk(folded)
        else:
            found += self._match_latin(folded, _tokens(segment))
        best: dict[str, NameMatch] = {}
        # Between equal scores, a name written as shown (文匯報 in 文匯報新闻网) goes first.
        for match in sorted(found, key=lambda m: (-m.score, m.reference not in segment)):
            best.setdefault(match.org_id, match)
        return list(best.values())

    def _match_cjk(self, folded: str) -> list[NameMatch]:
        found = []
        # Names sharing characters with the text, counted in C. In the order of the text and
        # of the registry, never of a set: names that match alike are then reported the same
        # way in every process.
        hits = Counter(chain.from_iterable(map(self.by_char.get, dict.fromkeys(folded), repeat(()))))
        needed = self.needed
        for entry, shared in hits.items():
            if shared < needed[entry]:
                continue
            size = len(entry.folded)
            for start in range(len(folded) - size + 1):
                window = folded[start:start + size]
                rest = folded[:start] + folded[start + size:]
                swaps = lookalike_variant(window, entry.folded) if window != entry.folded else []
                if swaps is None:
                    continue
                shown = ", ".join(f"{new} for {old}" for _, old, new in swaps)
                if not rest and swaps:
                    found.append(NameMatch(entry.org_id, entry.name, "lookalike_name", 92,
                                           f"is, with look-alike characters ({shown}),"))
                elif rest and _only_affixes_zh(rest):
                    detail = f"adds “{rest}” to" + (f" (with look-alikes: {shown})" if swaps else "")
                    found.append(NameMatch(entry.org_id, entry.name, "combo_name", 85, detail))
                elif rest and not swaps and not entry.weak:
                    found.append(NameMatch(entry.org_id, entry.name, "mention", 40, "mentions"))
        if len(folded) >= 3 and self.sounds.could_sound_like_a_name(chinese_chars(folded)):
            for entry in self.by_pinyin.get(pinyin(folded), ()):
                if entry.folded != folded:
                    found.append(NameMatch(entry.org_id, entry.name, "homophone_name", 85,
                                           f"sounds like (pinyin {pinyin(folded)})"))
        if len(folded) >= 4 and not self.one_off.isdisjoint(_one_off(folded)):
            for entry in self.by_initials.get((len(folded), pinyin_initials(folded)), ()):
                differ = sum(a != b for a, b in zip(folded, entry.folded))
                if differ == 1 and pinyin(folded) != pinyin(entry.folded):
                    found.append(NameMatch(entry.org_id, entry.name, "initials_swap", 75,
                                           "changes one character, keeping the pinyin initials, of"))
        return found

    def _match_latin(self, folded: str, tokens: tuple[str, ...]) -> list[NameMatch]:
        found = []
        for start, token in enumerate(tokens):
            for entry in self.latin_by_token.get(token, ()):
                size = len(entry.tokens)
                if tokens[start:start + size] != entry.tokens or size == len(tokens):
                    continue
                rest = tokens[:start] + tokens[start + size:]
                if all(word in _COMBO_EN for word in rest):
                    score = 70 if entry.weak else 85
                    found.append(NameMatch(entry.org_id, entry.name, "combo_name", score,
                                           f"adds “{' '.join(rest)}” to"))
                elif not entry.weak:
                    found.append(NameMatch(entry.org_id, entry.name, "mention", 40, "mentions"))
        if len(folded) >= 8:
            for _, ratio, position in process.extract(folded, self._latin_folded, scorer=fuzz.ratio,
                                                      score_cutoff=90, limit=5):
                entry = self.latin[position]
                if entry.folded != folded and len(entry.folded) >= 8:
                    found.append(NameMatch(entry.org_id, entry.name, "fuzzy_name",
                                           int(70 + (ratio - 90)), f"is spelled almost like ({ratio:.0f}%)"))
        return found


class NameDetector:
    """Names on the target (site names, titles, logo alt texts, copyright holders…)
    against every organisation's names."""

    name = "name"
    description = "names a target gives itself that are, look like or sound like a genuine organisation's"

    def __init__(self, registry: Registry, index: NameIndex | None = None):
        self.registry = registry
        self.index = index or NameIndex(registry)

    def detect(self, profile: TargetProfile) -> list[Finding]:
        best: dict[str, Finding] = {}
        matched: dict[str, list[NameMatch]] = {}  # a site repeats its names on every page

        def matches(segment: str) -> list[NameMatch]:
            if segment not in matched:
                matched[segment] = self.index.match(segment)
            return matched[segment]

        own = _own_name(profile.names)
        # Organisations the own name itself matches (入民日报 is a look-alike of 人民日报).
        own_orgs = {m.org_id for part in (segments(own.value) if own else ()) for m in matches(part)}
        for shown in profile.names:
            for segment in _holder_forms(shown) if shown.source in _HOLDER_SOURCES else segments(shown.value):
                for match in matches(segment):
                    if own is not None and shown.source in _CREDIT_SOURCES and shown is not own \
                            and match.org_id not in own_orgs and not self._refers_to(own.value, match.org_id):
                        self._credit(best, shown, segment, match, own)
                        continue
                    org = self.registry.get(match.org_id)
                    finding = Finding(
                        detector=self.name, kind=match.kind, score=match.score, org_id=match.org_id,
                        explanation=f"The {shown.source} “{segment}” {match.detail} “{match.reference}” "
                                    f"of {org.name if org else match.org_id}.",
                        matched=segment, reference=match.reference,
                        evidence=({"source": shown.source, "url": shown.url, "value": shown.value},),
                    )
                    if match.org_id not in best or finding.score > best[match.org_id].score:
                        best[match.org_id] = finding
        return sorted(best.values(), key=lambda f: -f.score)

    def _refers_to(self, own: str, org_id: str) -> bool:
        """Whether the name a page gives itself names the organisation: holds one of its
        names, abbreviations or domain labels (腾讯公司 holds 腾讯, CNNMoney begins with CNN,
        DW.COM is dw.com), Latin ones at the start of a word."""
        org = self.registry.get(org_id)
        if org is None:
            return False
        folded, tokens = fold(own), words(own)
        keys = {fold(name) for name in (*org.all_names, *org.abbreviations)} | {d.split(".")[0] for d in org.domains}
        return any(key in folded if has_cjk(key) else
                   any(token == key or (len(key) >= 3 and token.startswith(key)) for token in tokens)
                   for key in keys if len(key) >= 2)

    def _credit(self, best: dict[str, Finding], shown: ShownName, segment: str, match: NameMatch,
                own: ShownName) -> None:
        """The finding of a name the page shows beside the one it gives itself, which names
        another organisation: capped below what claims an identity, and said so."""
        org = self.registry.get(match.org_id)
        finding = Finding(
            detector=self.name, kind="credited_name", score=min(match.score, _CREDITED), org_id=match.org_id,
            explanation=f"The {shown.source} “{segment}” {match.detail} “{match.reference}” of "
                        f"{org.name if org else match.org_id}, but the page calls itself “{own.value}” "
                        f"({own.source}): a credit (syndicated content, a partner), not its identity.",
            matched=segment, reference=match.reference,
            evidence=({"source": shown.source, "url": shown.url, "value": shown.value},
                      {"source": own.source, "url": own.url, "value": own.value}),
        )
        if match.org_id not in best or finding.score > best[match.org_id].score:
            best[match.org_id] = finding


def _holder_forms(shown: ShownName) -> list[str]:
    """The segments of a copyright holder or sponsor, and each without its legal form."""
    forms = segments(shown.value)
    return forms + [bare for form in forms if (bare := _LEGAL_FORM.sub("", form)) != form and len(fold(bare)) >= 2]


def _own_name(names: list[ShownName]) -> ShownName | None:
    """The name a page gives itself: in site-name metadata, or its first copyright holder;
    None when it gives none. A copyright holder after the first, a logo's alt text or a
    heading that names another organisation is then a credit: CNBC's page of a Reuters
    story shows Reuters' logo, Salon's AP stories end "© Salon Media Group … © The
    Associated Press"."""
    for shown in names:
        if shown.source in SITE_NAME_SOURCES:
            return shown
    return next((shown for shown in names if shown.source == "copyright"), None)
