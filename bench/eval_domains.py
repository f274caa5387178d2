"""Recall and false positives of the domain detector.

    .venv/bin/python bench/eval_domains.py [--registry FILE] [--per-kind N] [--seed S]

Positives: for every registrable official domain of the registry, what dnstwist generates
(sampled to at most N per domain per fuzzer), and the Chinese kinds made here: full pinyin
of Chinese names, pinyin plus news words, brand plus Chinese news words and country codes,
the official domain in front of another domain, swaps to the cheap TLDs impostors use, and
IDN homoglyphs (Cyrillic and Greek letters that Unicode TR39 lists as confusable). A
generated domain that is itself popular (Tranco top 100k) or official is removed.
Negatives: the Tranco top 100k minus official domains and their subdomains, and minus
the domains listed in OWNED_BY_REGISTRY_ORGS (held by a registry organisation under
another name). Prints recall per kind at 70 (impersonation) and 50 (triage), the false
positive rate, and the 30 highest-scoring false positives. Writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import dnstwist

from detectors.domain_index import DomainIndex
from detectors.domain_scores import restricted
from detectors.domains import TIERS, tier
from detectors.hostnames import HostnameError, PublicSuffixes, normalise_host
from detectors.registry import Registry
from detectors.text import pinyin, pinyin_initials

TOP_SITES = Path("/work/shared/data/domains/top_sites.csv")
IMPERSONATION, TRIAGE = 70, 50
SUFFIXES = PublicSuffixes.shared()
# Words offered to dnstwist's dictionary fuzzer: what counterfeit news sites add to a
# brand (chosen from published cases, not from the detector's vocabulary).
DICTIONARY = ["news", "online", "live", "today", "daily", "official", "media", "tv", "world",
              "global", "cn", "china", "24", "app", "web", "info", "press", "hk", "en", "update",
              "latest", "breaking", "headlines", "report", "channel", "portal", "xinwen", "zixun",
              "now", "plus", "24h", "us", "uk", "de", "fr", "eu"]
TLDS = ["com", "net", "org", "cn", "com.cn", "ltd", "pm", "pics", "top", "xyz", "info",
        "online", "site", "co", "de", "fr", "it", "uk"]
CHEAP = ["ltd", "pm", "top", "xyz", "pics"]
HOSTING = ["news-update", "xwzx", "a1b2", "info-hub"]  # made-up registrable labels
CN_WORDS = ["news", "online", "cn", "china", "zhongguo", "xinwen", "hk", "tw", "official",
            "live", "tv", "app", "24", "365", "wang", "zixun", "ribao", "com", "net"]
# Popular domains held by a registry organisation (or its own subsidiary) but not listed in
# the registry: flagging them is a registry gap, not a look-alike error. Only well-known
# holdings; look-alikes run by other publishers (elpais.com.co, euronews.ro franchises,
# bloomberg.org, sputnik.ru) stay among the negatives.
OWNED_BY_REGISTRY_ORGS = {
    "bilibili.tv": "Bilibili's international site", "bloomberg.co.jp": "Bloomberg Japan",
    "bloomberg.net": "Bloomberg L.P. (terminal, mail)", "caixinglobal.com": "Caixin's English edition",
    "chinadailyhk.com": "China Daily Hong Kong edition", "dailymail.com": "Daily Mail US edition",
    "kyodo.co.jp": "Kyodo News corporate site", "kyodonews.jp": "Kyodo News Japanese site",
    "netease.com": "NetEase corporate domain", "netease.im": "NetEase Yunxin (IM cloud)",
    "nikkei.co.jp": "Nikkei corporate site", "nikkei-r.co.jp": "Nikkei Research (Nikkei group)",
    "peopledaily.com.cn": "People's Daily English site (old address)",
    "reuters.co.uk": "Reuters UK", "reuters.tv": "Reuters TV", "reutersmedia.net": "Reuters media CDN",
    "russiatoday.com": "RT (redirects to rt.com)", "sina.com": "Sina's global portal",
    "sina.com.hk": "Sina Hong Kong", "sina.com.tw": "Sina Taiwan", "sinaapp.com": "Sina App Engine",
    "sputnik.by": "Sputnik Belarus (Rossiya Segodnya)", "sputnikportal.rs": "Sputnik Serbia (Rossiya Segodnya)",
    "tass.ru": "TASS Russian site", "tencent.com": "Tencent corporate domain", "tencent.cn": "Tencent",
    "wechat.com": "WeChat (Tencent) international site", "yicaiglobal.com": "Yicai's English edition",
    "yonhapnews.co.kr": "Yonhap News Agency Korean site", "yonhapnewstv.co.kr": "Yonhap News TV (Yonhap subsidiary)",
}


def lookalike_table() -> dict[str, list[str]]:
    """ASCII letter/digit → lower-case Cyrillic and Greek letters TR39 lists as confusable."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    table: dict[str, list[str]] = defaultdict(list)
    for char, glyphs in data.items():
        if char.isascii() and char.islower() or char.isdigit():
            for glyph in glyphs:
                if glyph["n"].startswith(("CYRILLIC SMALL", "GREEK SMALL")) and len(glyph["c"]) == 1:
                    table[char].append(glyph["c"])
    return table


def sample(items: list[str], size: int, rng: random.Random) -> list[str]:
    items = sorted(set(items))
    return items if len(items) <= size else rng.sample(items, size)


Positive = tuple[str, str, str]  # host, organisation id, tier of the brand it imitates


def dnstwist_positives(domain: str, per_kind: int, rng: random.Random) -> dict[str, list[str]]:
    fuzzer = dnstwist.Fuzzer(domain, dictionary=DICTIONARY, tld_dictionary=list(TLDS))
    fuzzer.generate()
    by_kind: dict[str, list[str]] = defaultdict(list)
    for permutation in fuzzer.domains:
        if permutation["fuzzer"] != "*original":
            by_kind[permutation["fuzzer"]].append(permutation["domain"])
    return {kind: sample(found, per_kind, rng) for kind, found in by_kind.items()}


def chinese_positives(registry: Registry, per_kind: int, rng: random.Random) -> dict[str, list[Positive]]:
    """The Chinese kinds and the other kinds made here, by kind."""
    table = lookalike_table()
    made: dict[str, list[Positive]] = defaultdict(list)
    for org in registry:
        own: dict[str, list[tuple[str, str]]] = defaultdict(list)  # kind → [(domain, tier)]
        for spelled in {pinyin(n) for n in org.all_names if len(pinyin_initials(n)) >= 3}:
            rank = TIERS[tier(spelled)]
            own["pinyin"] += [(f"{spelled}.{tld}", rank) for tld in TLDS]
            own["pinyin_news"] += [(f"{spelled}{sep}{word}.{tld}", rank) for word in CN_WORDS[:8]
                                   for sep in ("", "-") for tld in ("com", "net", "top")]
        for domain in {SUFFIXES.registrable(d) for d in org.domains}:
            label, _, suffix = domain.partition(".")
            rank = TIERS[tier(label.replace("-", ""))]
            own["cn_combo"] += [(form.format(b=label, w=w) + "." + tld, rank) for w in CN_WORDS
                                for form in ("{b}{w}", "{b}-{w}", "{w}{b}", "{w}-{b}")
                                for tld in ("com", "net", "cn")]
            own["brand_subdomain"] += [(f"{prefix}.{rng.choice(HOSTING)}.{tld}", rank) for tld in CHEAP
                                       for prefix in (domain, domain.replace(".", "-"), f"www.{domain}")]
            own["suffix_swap_cheap"] += [(f"{label}.{tld}", rank) for tld in CHEAP]
            spots = [i for i, c in enumerate(label) if table.get(c)]
            for _ in range(3 * per_kind if spots else 0):
                chars = list(label)
                for i in rng.sample(spots, min(len(spots), rng.choice((1, 2)))):
                    chars[i] = rng.choice(table[chars[i]])
                own["idn_homoglyph"].append(("".join(chars) + "." + suffix, rank))
        for kind, found in own.items():
            ranks = dict(found)
            made[kind] += [(d, org.id, ranks[d]) for d in sample(list(ranks), per_kind, rng)]
    return made


def normalised(domain: str) -> str | None:
    try:
        return normalise_host(domain)
    except HostnameError:
        return None


def positives(registry: Registry, per_kind: int, rng: random.Random,
              popular: set[str]) -> tuple[dict[str, list[Positive]], Counter[str]]:
    """Look-alikes by kind, less those that are popular, official or unregistrable."""
    made: dict[str, list[Positive]] = defaultdict(list)
    registrable = {SUFFIXES.registrable(d): org.id for org in registry for d in org.domains}
    for domain, org_id in sorted(registrable.items()):
        rank = TIERS[tier(domain.partition(".")[0].replace("-", ""))]
        for kind, found in dnstwist_positives(domain, per_kind, rng).items():
            made[kind] += [(d, org_id, rank) for d in found]
    for kind, found in chinese_positives(registry, per_kind, rng).items():
        made[kind] += found
    removed: Counter[str] = Counter()
    seen: set[str] = set()
    kept: dict[str, list[Positive]] = defaultdict(list)
    for kind, found in made.items():
        for domain, org_id, rank in found:
            host = normalised(domain)
            if host is None or host in seen:
                continue
            seen.add(host)
            if host in popular or SUFFIXES.registrable(host) in popular:
                removed["popular"] += 1
            elif registry.org_for_host(host) is not None:
                removed["official"] += 1
            elif restricted(SUFFIXES.split(host)[2]):
                removed["restricted"] += 1
            else:
                kept[kind].append((host, org_id, rank))
    return kept, removed


def report_recall(index: DomainIndex, kept: dict[str, list[Positive]], show_misses: int) -> None:
    print(f"{'kind':<20}{'n':>7}{'recall@70':>11}{'recall@50':>11}{'other org':>11}")
    totals: Counter[str] = Counter()
    by_tier: dict[str, Counter[str]] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    for kind in sorted(kept):
        counts: Counter[str] = Counter()
        for host, org_id, rank in kept[kind]:
            matches = index.lookup(host)
            best = matches[0].score if matches else 0
            counts.update(n=1, hit70=best >= IMPERSONATION, hit50=best >= TRIAGE,
                          other=best >= IMPERSONATION and matches[0].org_id != org_id)
            by_tier[rank].update(n=1, hit70=best >= IMPERSONATION, hit50=best >= TRIAGE)
            if best < IMPERSONATION:
                misses[kind].append(f"{host}({best})")
        totals.update(counts)
        print(f"{kind:<20}{counts['n']:>7}{counts['hit70'] / counts['n']:>11.3f}"
              f"{counts['hit50'] / counts['n']:>11.3f}{counts['other']:>11}")
    print(f"{'overall':<20}{totals['n']:>7}{totals['hit70'] / totals['n']:>11.3f}"
          f"{totals['hit50'] / totals['n']:>11.3f}")
    print("\nby tier of the imitated brand (detectors.domains.tier):")
    for rank in TIERS:
        if by_tier[rank]["n"]:
            counts = by_tier[rank]
            print(f"{rank:<20}{counts['n']:>7}{counts['hit70'] / counts['n']:>11.3f}"
                  f"{counts['hit50'] / counts['n']:>11.3f}")
    for kind, missed in misses.items() if show_misses else ():
        print(f"missed {kind}: {' '.join(missed[:show_misses])}")


def report_false_positives(index: DomainIndex, registry: Registry, popular: list[str]) -> None:
    negatives, official, excluded = [], 0, []
    for domain in popular:
        host = normalised(domain)
        if host is None:
            continue
        if registry.org_for_host(host) is not None:
            official += 1
        elif host in OWNED_BY_REGISTRY_ORGS:
            excluded.append(host)
        else:
            negatives.append(host)
    flagged = []
    for host in negatives:
        matches = index.lookup(host)
        if matches and matches[0].score >= TRIAGE:
            flagged.append((matches[0].score, host, matches[0]))
    fp70 = [f for f in flagged if f[0] >= IMPERSONATION]
    print(f"\nnegatives: {len(negatives)} popular domains ({official} official removed, {len(excluded)} "
          f"excluded as held by registry organisations: "
          f"{'; '.join(f'{h} ({OWNED_BY_REGISTRY_ORGS[h]})' for h in excluded) or 'none'})")
    print(f"false positives @70: {len(fp70)} = {len(fp70) / len(negatives):.3%}; "
          f"@50: {len(flagged)} = {len(flagged) / len(negatives):.3%}")
    kinds = Counter(match.kind for _, _, match in fp70)
    print("false positives @70 by kind: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
    print("highest-scoring false positives:")
    for score, host, match in sorted(flagged, key=lambda f: (-f[0], f[1]))[:30]:
        print(f"  {score:>3} {host:<28} {match.kind:<15} {match.official_domain:<20} {match.detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, action="append", help="registry file (default: bundled)")
    parser.add_argument("--per-kind", type=int, default=10, help="positives per domain per kind")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--misses", type=int, default=0, help="show up to N missed positives per kind")
    args = parser.parse_args(argv)
    registry = Registry.load(args.registry)
    index = DomainIndex.from_registry(registry)
    with TOP_SITES.open(newline="", encoding="utf-8") as handle:
        popular = [row["domain"].strip().lower() for row in csv.DictReader(handle)]
    kept, removed = positives(registry, args.per_kind, random.Random(args.seed), set(popular))
    domains = {SUFFIXES.registrable(d) for org in registry for d in org.domains}
    print(f"registry: {len(registry)} organisations, {len(domains)} registrable official domains")
    print(f"positives: {sum(map(len, kept.values()))} (removed: {removed['popular']} popular, "
          f"{removed['official']} official, {removed['restricted']} under suffixes only governments or "
          f"universities can register, such as .gov.cn)")
    report_recall(index, kept, args.misses)
    report_false_positives(index, registry, popular)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
