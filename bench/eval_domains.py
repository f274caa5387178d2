"""Recall and false positives of the domain detector.

    .venv/bin/python bench/eval_domains.py [--registry FILE] [--per-kind N] [--seed S] [--misses N] [--what-if]

Positives: for every registrable official domain of the registry, what dnstwist generates
(sampled to at most N per domain per fuzzer), and the Chinese kinds made here: full pinyin
of Chinese names, pinyin plus news words, brand plus Chinese news words and country codes,
the official domain in front of another domain, swaps to the cheap TLDs impostors use, and
IDN homoglyphs (Cyrillic and Greek letters that Unicode TR39 lists as confusable). A
generated domain that is itself popular (Tranco top 100k) or official is removed.
Negatives: the Tranco top 100k minus official domains and their subdomains, and minus
the domains listed in OWNED_BY_REGISTRY_ORGS (held by a registry organisation under
another name). Prints recall per kind at 70 (impersonation) and 50 (triage), the false
positive rate, and the 30 highest-scoring false positives (all of the domain index); then
precision and recall per verdict of `masthead check domains` over the same hosts plus each
official domain, bare and under `www.` and `news.`; with --what-if, the recall and false
positives with each scoring rule switched off. Writes nothing.
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
from detectors.domain_scores import RULES, restricted
from detectors.domains import TIERS, DomainMatch, tier
from detectors.hostnames import HostnameError, PublicSuffixes, normalise_host
from detectors.registry import Registry
from detectors.triage import check_domains
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


# host, organisation id, tier of the brand it imitates, that brand (a domain's label or a pinyin)
Positive = tuple[str, str, str, str]


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
        own: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # kind → [(domain, tier, brand)]
        for spelled in {pinyin(n) for n in org.all_names if len(pinyin_initials(n)) >= 3}:
            rank = TIERS[tier(spelled)]
            own["pinyin"] += [(f"{spelled}.{tld}", rank, spelled) for tld in TLDS]
            own["pinyin_news"] += [(f"{spelled}{sep}{word}.{tld}", rank, spelled) for word in CN_WORDS[:8]
                                   for sep in ("", "-") for tld in ("com", "net", "top")]
        for domain in {SUFFIXES.registrable(d) for d in org.domains}:
            label, _, suffix = domain.partition(".")
            rank = TIERS[tier(label.replace("-", ""))]
            own["cn_combo"] += [(form.format(b=label, w=w) + "." + tld, rank, label) for w in CN_WORDS
                                for form in ("{b}{w}", "{b}-{w}", "{w}{b}", "{w}-{b}")
                                for tld in ("com", "net", "cn")]
            own["brand_subdomain"] += [(f"{prefix}.{rng.choice(HOSTING)}.{tld}", rank, label) for tld in CHEAP
                                       for prefix in (domain, domain.replace(".", "-"), f"www.{domain}")]
            own["suffix_swap_cheap"] += [(f"{label}.{tld}", rank, label) for tld in CHEAP]
            spots = [i for i, c in enumerate(label) if table.get(c)]
            for _ in range(3 * per_kind if spots else 0):
                chars = list(label)
                for i in rng.sample(spots, min(len(spots), rng.choice((1, 2)))):
                    chars[i] = rng.choice(table[chars[i]])
                own["idn_homoglyph"].append(("".join(chars) + "." + suffix, rank, label))
        for kind, found in own.items():
            about = {domain: (rank, brand) for domain, rank, brand in found}
            made[kind] += [(d, org.id, *about[d]) for d in sample(list(about), per_kind, rng)]
    return made


def brand_owners(registry: Registry) -> dict[str, set[str]]:
    """Brand (a registrable domain's label, a Chinese name's pinyin) → every organisation
    that holds it: a look-alike of cctv.com that names cctv.cn's organisation, or of a
    pinyin that two names share (陕西/山西), names a right one."""
    owners: dict[str, set[str]] = defaultdict(set)
    for org in registry:
        for domain in org.domains:
            owners[SUFFIXES.registrable(domain).partition(".")[0]].add(org.id)
        for name in org.all_names:
            if len(pinyin_initials(name)) >= 3:
                owners[pinyin(name)].add(org.id)
    return owners


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
        label = domain.partition(".")[0]
        rank = TIERS[tier(label.replace("-", ""))]
        for kind, found in dnstwist_positives(domain, per_kind, rng).items():
            made[kind] += [(d, org_id, rank, label) for d in found]
    for kind, found in chinese_positives(registry, per_kind, rng).items():
        made[kind] += found
    removed: Counter[str] = Counter()
    seen: set[str] = set()
    kept: dict[str, list[Positive]] = defaultdict(list)
    for kind, found in made.items():
        for domain, org_id, rank, brand in found:
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
                kept[kind].append((host, org_id, rank, brand))
    return kept, removed


def report_recall(index: DomainIndex, kept: dict[str, list[Positive]], owners: dict[str, set[str]],
                  show_misses: int) -> None:
    """Recall by kind: flagged at 70 (any organisation), at 70 naming the organisation
    imitated (or one that holds the same brand: `brand_owners`), at 50; and how many were
    flagged at 70 for another organisation only."""
    print(f"{'kind':<20}{'n':>7}{'recall@70':>11}{'right org':>11}{'recall@50':>11}{'other org':>11}")
    totals: Counter[str] = Counter()
    by_tier: dict[str, Counter[str]] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    for kind in sorted(kept):
        counts: Counter[str] = Counter()
        for host, org_id, rank, brand in kept[kind]:
            matches = index.lookup(host)
            best = matches[0].score if matches else 0
            flagged, right = flagged_right(matches, right_orgs((host, org_id, rank, brand), owners))
            counts.update(n=1, hit70=flagged, right=right, hit50=best >= TRIAGE, other=flagged and not right)
            by_tier[rank].update(n=1, hit70=best >= IMPERSONATION, hit50=best >= TRIAGE)
            if best < IMPERSONATION:
                misses[kind].append(f"{host}({best})")
        totals.update(counts)
        print(f"{kind:<20}{counts['n']:>7}{counts['hit70'] / counts['n']:>11.3f}{counts['right'] / counts['n']:>11.3f}"
              f"{counts['hit50'] / counts['n']:>11.3f}{counts['other']:>11}")
    print(f"{'overall':<20}{totals['n']:>7}{totals['hit70'] / totals['n']:>11.3f}{totals['right'] / totals['n']:>11.3f}"
          f"{totals['hit50'] / totals['n']:>11.3f}{totals['other']:>11}")
    print("\nby tier of the imitated brand (detectors.domains.tier):")
    for rank in TIERS:
        if by_tier[rank]["n"]:
            counts = by_tier[rank]
            print(f"{rank:<20}{counts['n']:>7}{counts['hit70'] / counts['n']:>11.3f}"
                  f"{counts['hit50'] / counts['n']:>11.3f}")
    for kind, missed in misses.items() if show_misses else ():
        print(f"missed {kind}: {' '.join(missed[:show_misses])}")


def split_popular(registry: Registry, popular: list[str]) -> tuple[list[str], int, list[str]]:
    """(negatives, how many popular hosts are official, hosts excluded as held by registry
    organisations)."""
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
    return negatives, official, excluded


def report_false_positives(index: DomainIndex, negatives: list[str], official: int, excluded: list[str]) -> None:
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


def right_orgs(positive: Positive, owners: dict[str, set[str]]) -> set[str]:
    """The organisations a flag of `positive` may rightly name: the one imitated, and any
    that holds the same brand (`brand_owners`)."""
    _, org_id, _, brand = positive
    return owners[brand] | {org_id}


def flagged_right(matches: list[DomainMatch], right: set[str]) -> tuple[bool, bool]:
    """(flagged at 70, flagged at 70 naming one of the `right` organisations)."""
    flagged = bool(matches) and matches[0].score >= IMPERSONATION
    return flagged, flagged and matches[0].org_id in right


def report_what_if(registry: Registry, kept: dict[str, list[Positive]], owners: dict[str, set[str]],
                   negatives: list[str]) -> None:
    """What each rule of `detectors.domain_scores.RULES` brings: the figures with every
    rule, then with each switched off."""
    positives = [positive for found in kept.values() for positive in found]
    print(f"\n{'rules':<22}{'recall@70':>11}{'right org':>11}{'false@70':>10}")
    for off in (None, *sorted(RULES)):
        index = DomainIndex.from_registry(registry, RULES - {off})
        flags = [flagged_right(index.lookup(positive[0]), right_orgs(positive, owners)) for positive in positives]
        false = sum(1 for host in negatives if (m := index.lookup(host)) and m[0].score >= IMPERSONATION)
        print(f"{'all' if off is None else 'without ' + off:<22}{sum(f for f, _ in flags) / len(flags):>11.3f}"
              f"{sum(r for _, r in flags) / len(flags):>11.3f}{false / len(negatives):>10.3%}")


def official_hosts(registry: Registry) -> list[tuple[str, str]]:
    """(host, organisation id): each official domain, and it under `www.` and `news.`."""
    return [(host, org.id) for org in registry for domain in org.domains
            for host in (domain, f"www.{domain}", f"news.{domain}")]


def report_verdicts(registry: Registry, kept: dict[str, list[Positive]], owners: dict[str, set[str]],
                    negatives: list[str]) -> None:
    """Precision and recall of each verdict of `masthead check domains` (detectors.triage,
    the command's own path): look-alikes should be `impersonation` of the organisation
    imitated, official domains and their subdomains `official` of their organisation,
    popular domains `clean`. A verdict for the wrong organisation (not one that holds the
    brand imitated: `brand_owners`) counts against both figures. Precision depends on the
    mix: here the popular domains outnumber the rest."""
    expected = [(positive[0], "impersonation", right_orgs(positive, owners))
                for found in kept.values() for positive in found]
    expected += [(host, "official", {org_id}) for host, org_id in official_hosts(registry)]
    expected += [(host, "clean", {None}) for host in negatives]
    records = check_domains(registry, [host for host, *_ in expected])
    predicted: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for (host, verdict, org_ids), record in zip(expected, records, strict=True):
        wanted[verdict] += 1
        predicted[record["verdict"]] += 1
        right[verdict] += record["verdict"] == verdict and record["org_id"] in org_ids
    print(f"\nverdicts of `masthead check domains` ({len(expected)} hosts):")
    print(f"{'verdict':<16}{'expected':>10}{'predicted':>11}{'precision':>11}{'recall':>9}")
    for verdict in sorted(wanted.keys() | predicted.keys(), key=str):
        precision = right[verdict] / predicted[verdict] if predicted[verdict] else float("nan")
        recall = right[verdict] / wanted[verdict] if wanted[verdict] else float("nan")
        print(f"{str(verdict):<16}{wanted[verdict]:>10}{predicted[verdict]:>11}{precision:>11.3f}{recall:>9.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, action="append", help="registry file (default: bundled)")
    parser.add_argument("--per-kind", type=int, default=10, help="positives per domain per kind")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--misses", type=int, default=0, help="show up to N missed positives per kind")
    parser.add_argument("--what-if", action="store_true", help="also the figures with each scoring rule off")
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
    owners = brand_owners(registry)
    report_recall(index, kept, owners, args.misses)
    negatives, official, excluded = split_popular(registry, popular)
    report_false_positives(index, negatives, official, excluded)
    report_verdicts(registry, kept, owners, negatives)
    if args.what_if:
        report_what_if(registry, kept, owners, negatives)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
