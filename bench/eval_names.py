"""Evaluation of `masthead check names`: recall on variants of registry names and on
news-branded names, false positives on benign near-misses.

    .venv/bin/python bench/eval_names.py [--per-kind 300] [--seed 7] [--misses]

Corpora: impersonation variants generated from every bundled registry name (traditional
characters, look-alike characters, homophones, same-initial swaps, spacing, full-width
and Cyrillic letters, platform/news affixes), news-branded names generated with the
grammar of published counterfeit cases (authority or place + topic + news suffix), and
hand-written ones in other shapes (bench/corpora/news_branded_names.txt), and the
hand-written benign near-misses in bench/corpora/benign_names.txt. Goals (issue #4):
recall ≥ 0.95, false positives ≤ 1% on benign near-misses.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from detectors.lookalikes import lookalikes  # noqa: E402
from detectors.registry import Registry  # noqa: E402
from detectors.text import fold, has_cjk  # noqa: E402
from detectors.triage import check_names  # noqa: E402

CORPORA = Path(__file__).parent / "corpora"
S2T = opencc.OpenCC("s2t")
AFFIX_ZH = ["官方客户端", "新闻网", "官网", "中文网", "官方网站", "在线", "手机版", "新闻客户端"]
AFFIX_EN = [" News", " Online", " Official", " Live", " English"]
CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"})
PREFIXES = ["中国", "中华", "华夏", "国际", "全国", "亚太", "东方", "神州", "京华", "江南", "岭南", "中原",
            "齐鲁", "巴蜀", "燕赵", "三秦", "荆楚", "潇湘", "八闽", "滇黔", "西部", "东北", "北疆", "海峡"]
TOPICS = ["", "法制", "法治", "廉政", "监督", "民生", "财经", "生态环保", "健康", "教育", "乡村振兴", "文旅",
          "科技", "时政", "公益", "维权", "纪检", "舆情"]
SUFFIXES = ["新闻网", "报道网", "日报", "时报", "晚报", "新闻", "新闻中心", "电视台", "报社", "导报", "周报",
            "观察网", "在线", "之声", "资讯网", "快讯"]
PLACES_EN = ["Springfield", "Riverside", "Lakeside", "Harbor City", "Maple Valley", "Northfield", "Westbrook",
             "Cedar Falls", "Pine Ridge", "Oakland Hills", "Silver Lake", "Eastport", "Greenville", "Fairview"]
NEWS_EN = ["News", "Daily", "Times", "Gazette", "Herald", "Tribune", "Chronicle", "Journal", "Daily News",
           "News Online", "Times Online", "Newswire", "Courier"]


def _homophones() -> dict[str, list[str]]:
    """Common characters by toneless pinyin (GB 2312 level 1)."""
    chars = bytes(range(0xB0, 0xD8))
    by_sound: dict[str, list[str]] = defaultdict(list)
    for high in chars:
        for low in range(0xA1, 0xFF):
            try:
                char = bytes([high, low]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            by_sound[lazy_pinyin(char)[0]].append(char)
    return by_sound


def _eligible(name: str) -> bool:
    folded = fold(name)
    if has_cjk(folded):
        return len(folded) >= 3
    return len(folded) >= 6 and not name.isupper()


def impersonations(registry: Registry, rng: random.Random, per_kind: int) -> list[tuple[str, str, str]]:
    """(name, org_id, kind) variants of registry names."""
    sounds = _homophones()
    initials: dict[str, list[str]] = defaultdict(list)
    for sound, chars in sounds.items():
        initials[sound[0]].extend(chars)
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    taken = {fold(n) for org in registry for n in org.all_names}
    for org in registry:
        for name in org.all_names:
            if not _eligible(name):
                continue
            add = lambda kind, value: found[kind].append((value, org.id, kind)) if fold(value) not in taken or kind in ("traditional", "spaced", "fullwidth") else None  # noqa: E731
            if has_cjk(name):
                add("traditional", S2T.convert(name)) if S2T.convert(name) != name else None
                add("spaced", " ".join(name))
                add("affix", name + rng.choice(AFFIX_ZH))
                positions = list(range(len(name)))
                rng.shuffle(positions)
                for position in positions:
                    options = sorted(lookalikes(name[position]))
                    if options:
                        swapped = name[:position] + rng.choice(options) + name[position + 1:]
                        add("lookalike", swapped)
                        add("lookalike+affix", swapped + rng.choice(AFFIX_ZH))
                        break
                for position in positions:
                    sound = lazy_pinyin(name[position])[0]
                    options = [c for c in sounds.get(sound, []) if c != name[position]]
                    if options:
                        add("homophone", name[:position] + rng.choice(options) + name[position + 1:])
                        break
                if len(name) >= 4:
                    for position in positions:
                        initial = lazy_pinyin(name[position], style=Style.FIRST_LETTER)[0]
                        sound = lazy_pinyin(name[position])[0]
                        options = [c for c in initials.get(initial, []) if lazy_pinyin(c)[0] != sound]
                        if options:
                            add("same_initial", name[:position] + rng.choice(options) + name[position + 1:])
                            break
            else:
                add("fullwidth", "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name))
                add("cyrillic", name.translate(CYRILLIC))
                add("affix", name + rng.choice(AFFIX_EN))
    sample = []
    for kind, items in sorted(found.items()):
        rng.shuffle(items)
        sample += items[:per_kind]
    return sample


def news_branded(registry: Registry, rng: random.Random, count: int) -> list[tuple[str, None, str]]:
    taken = {fold(n) for org in registry for n in org.all_names}
    names = set()
    while len(names) < count:
        if rng.random() < 0.8:
            name = rng.choice(PREFIXES) + rng.choice(TOPICS) + rng.choice(SUFFIXES)
        else:
            name = f"{rng.choice(PLACES_EN)} {rng.choice(NEWS_EN)}"
        if fold(name) not in taken:
            names.add(name)
    return [(name, None, "news_branded") for name in sorted(names)]


def from_file(name: str, kind: str) -> list[tuple[str, None, str]]:
    lines = (CORPORA / name).read_text(encoding="utf-8").splitlines()
    return [(line.strip(), None, kind) for line in lines if line.strip() and not line.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--misses", action="store_true", help="print what was missed")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    registry = Registry.load()
    corpus = (impersonations(registry, rng, args.per_kind) + news_branded(registry, rng, 600)
              + from_file("news_branded_names.txt", "news_branded_by_hand") + from_file("benign_names.txt", "benign"))
    started = time.perf_counter()
    results = list(check_names(registry, (name for name, _, _ in corpus)))
    elapsed = time.perf_counter() - started
    by_kind: dict[str, Counter] = defaultdict(Counter)
    predicted: Counter = Counter()
    correct: Counter = Counter()
    misses = []
    for (name, org_id, kind), result in zip(corpus, results):
        verdict = result["verdict"]
        expected = "impersonation" if org_id else "unlicensed_news" if kind.startswith("news_branded") else "clean"
        ok = verdict == expected and (org_id is None or result["org_id"] == org_id)
        by_kind[kind]["n"] += 1
        by_kind[kind]["ok"] += ok
        predicted[verdict] += 1
        correct[verdict] += ok and verdict == expected
        if not ok:
            misses.append((kind, name, org_id, verdict, result["org_id"], result["score"]))
    print(f"{len(corpus)} names checked in {elapsed:.1f} s ({len(corpus) / elapsed:.0f} names/s)\n")
    print(f"{'corpus / kind':24} {'n':>6} {'correct':>8}")
    for kind, counts in sorted(by_kind.items()):
        print(f"{kind:24} {counts['n']:>6} {counts['ok'] / counts['n']:>8.3f}")
    imp = [c for k, c in by_kind.items() if not k.startswith("news_branded") and k != "benign"]
    imp_recall = sum(c["ok"] for c in imp) / sum(c["n"] for c in imp)
    print(f"\nimpersonation recall (right organisation): {imp_recall:.3f}   goal ≥ 0.95")
    news = [c for k, c in by_kind.items() if k.startswith("news_branded")]
    print(f"unlicensed_news recall: {sum(c['ok'] for c in news) / sum(c['n'] for c in news):.3f}   goal ≥ 0.95"
          " (generated names follow the counterfeit grammar the detector encodes; see the by-hand row)")
    fp = 1 - by_kind["benign"]["ok"] / by_kind["benign"]["n"]
    print(f"false positives on benign near-misses: {fp:.3%}   goal ≤ 1%")
    print("\nprecision per verdict:")
    for verdict, count in sorted(predicted.items(), key=lambda item: str(item[0])):
        print(f"  {str(verdict):16} {correct[verdict] / count:.3f}  ({count} predicted)")
    if args.misses:
        print("\nmisses:")
        for miss in misses:
            print("  ", *miss)


if __name__ == "__main__":
    main()
