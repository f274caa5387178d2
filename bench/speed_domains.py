"""Speed of `masthead check domains`, and how it grows with the registry.

    .venv/bin/python bench/speed_domains.py [--registry FILE] [--domains N] [--sizes 100,1000,10000]
                                            [--no-command]

The process pins itself to one core (`os.sched_setaffinity`, where the system has it), and
so do the commands it runs.

1. The bundled registry (or --registry): `triage.check_domains`, the path of
   `masthead check domains --format jsonl` minus printing (host parsing and normalisation,
   domain and name detectors, verdict, one record per line), over N mixed lines, half
   from the Tranco top 100k, half look-alikes of registry domains made by dnstwist (IDNs
   in Unicode, as dnstwist writes them), and over each half. Steady state: the first
   record, which builds the engine, is pulled before the clock starts; the build is
   timed on its own. Then the parts, for where the time goes: `normalise_host`, the
   public-suffix split, `DomainIndex.lookup`, `DomainDetector.detect`.
2. Synthetic registries of 100, 1,000 and 10,000 organisations (1–3 domains each, labels
   drawn from popular domains or made of random syllables, half with a Chinese name):
   engine build time and `check_domains` throughput over popular hosts mixed with
   look-alikes of that registry's own domains; the slow-down from the smallest to the
   largest.
3. Unless --no-command: `masthead check domains FILE --format jsonl > /dev/null` as a user
   runs it, each in a process of its own (start-up, the engine loaded from its cache, JSON
   written), over feeds of each kind: the Tranco top 100k as listed, the mixed hosts, the
   look-alikes, and 20,000 Chinese IDN hosts (runs of Chinese characters from the real
   pages of /work/shared/data/pages under .com, .cn, .中国…: a Chinese feed's IDNs go
   through the name detector too). Lines per CPU second of the command, and after its
   start-up (a one-line file's CPU time) is taken off.

Throughput is lines per CPU second of this process (`time.process_time`, one thread), so
that other work on the machine disturbs it less than wall time; wall time is shown too.
wordfreq's word lists load once per process (about 0.2 s) before any build is timed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import dnstwist

from detectors.domain_index import DomainIndex
from detectors.domains import DomainDetector, common_words
from detectors.hostnames import HostnameError, PublicSuffixes, normalise_host
from detectors.profile import TargetProfile
from detectors.registry import Organisation, Registry
from detectors.triage import check_domains

REPO = Path(__file__).resolve().parent.parent
TOP_SITES = Path("/work/shared/data/domains/top_sites.csv")
PAGES = Path("/work/shared/data/pages")
FUZZERS = ["addition", "bitsquatting", "cyrillic", "hyphenation", "insertion", "omission", "plural",
           "repetition", "replacement", "subdomain", "transposition", "vowel-swap", "dictionary",
           "tld-swap", "various"]
WORDS = ["news", "online", "cn", "live", "today", "official", "china", "app"]
TLDS = ["com", "net", "org", "cn", "top", "ltd", "xyz", "info"]
SUFFIXES = ["com", "com", "com", "net", "org", "cn", "com.cn", "de", "fr", "co.uk", "it", "info"]
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwxyz" for v in ("a", "e", "i", "o", "u", "ai", "ao", "en", "an")]
HANZI = "新华人民日报中国经济光明青年环球时代晨晚东南西北天山海江河湖城市网社台视讯观察财经法治科技教育"


def read_popular() -> list[str]:
    with TOP_SITES.open(newline="", encoding="utf-8") as handle:
        return [row["domain"].strip().lower() for row in csv.DictReader(handle)]


def lookalikes(domains: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` dnstwist permutations of `domains` (sampled) that are valid hosts, as
    dnstwist writes them (IDNs in Unicode)."""
    made: set[str] = set()
    for domain in domains:
        fuzzer = dnstwist.Fuzzer(domain, dictionary=WORDS, tld_dictionary=TLDS)
        fuzzer.generate(fuzzers=FUZZERS)
        made.update(p["domain"] for p in fuzzer.domains)
    valid = [domain for domain in sorted(made) if normalised([domain])]
    return rng.sample(valid, min(count, len(valid)))


def normalised(domains: Iterable[str]) -> list[str]:
    hosts = []
    for domain in domains:
        try:
            hosts.append(normalise_host(domain))
        except HostnameError:
            continue
    return hosts


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def steady_rate(registry: Registry, lines: list[str]) -> float:
    """Lines per CPU second of `check_domains` once its first record (which builds the
    engine) is out."""
    records = check_domains(registry, lines)
    next(records)
    cpu, _ = timed(lambda: sum(1 for _ in records))
    return (len(lines) - 1) / cpu


def detect_all(detector: DomainDetector, profiles: list[TargetProfile]) -> int:
    """Findings of the domain detector over every profile."""
    return sum(len(detector.detect(profile)) for profile in profiles)


def synthetic_registry(size: int, popular_labels: list[str], rng: random.Random) -> Registry:
    organisations, used = [], set()
    for number in range(size):
        domains = []
        for _ in range(rng.choice((1, 2, 3))):
            while True:
                if rng.random() < 0.5:
                    label = rng.choice(popular_labels)
                else:
                    label = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 4))))
                domain = f"{label}.{rng.choice(SUFFIXES)}"
                if domain not in used:
                    used.add(domain)
                    domains.append(domain)
                    break
        names = ["".join(rng.choice(HANZI) for _ in range(rng.choice((3, 4, 5))))] if number % 2 else []
        organisations.append(Organisation(id=f"org{number}", name=domains[0].split(".")[0].title(),
                                          type="website", domains=tuple(domains), names=tuple(names)))
    return Registry(organisations)


def throughput(detector: DomainDetector, hosts: list[str]) -> tuple[float, float, int]:
    profiles = [TargetProfile(target=host, host=host) for host in hosts]
    detect_all(detector, profiles[:2000])  # warm-up
    findings = 0

    def run() -> None:
        nonlocal findings
        findings = detect_all(detector, profiles)

    cpu, wall = timed(run)
    return len(hosts) / cpu, len(hosts) / wall, findings


def chinese_idn_hosts(count: int, rng: random.Random) -> list[str]:
    """`count` hosts whose label is a run of 2–8 Chinese characters of the real pages."""
    runs: set[str] = set()
    for path in sorted(PAGES.rglob("*.html.gz")):
        raw = gzip.decompress(path.read_bytes())
        for encoding in ("utf-8", "gb18030"):
            try:
                runs.update(re.findall(r"[\u4e00-\u9fff]{2,8}", raw.decode(encoding)))
                break
            except UnicodeDecodeError:
                continue
    words = sorted(runs)
    hosts: set[str] = set()
    while len(hosts) < min(count, len(words)):
        hosts.add(rng.choice(words) + rng.choice((".com", ".cn", ".中国", ".net", ".com.cn")))
    return rng.sample(sorted(hosts), len(hosts))


def command_cpu(path: Path, registries: list[Path]) -> float:
    """CPU seconds of `masthead [--registry R] check domains path --format jsonl > /dev/null`."""
    options = [part for registry in registries for part in ("--registry", str(registry.resolve()))]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "crawler.cli", *options, "check", "domains", str(path), "--format", "jsonl"],
                   stdout=subprocess.DEVNULL, check=True, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def command_rates(feeds: dict[str, list[str]], registries: list[Path]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {what: Path(folder, f"feed-{number}.txt") for number, what in enumerate(feeds)}
        for what, lines in feeds.items():
            files[what].write_text("\n".join(lines) + "\n", encoding="utf-8")
        one = Path(folder, "one.txt")
        one.write_text("example.com\n")
        command_cpu(one, registries)  # fills the engine cache, if need be
        start_up = min(command_cpu(one, registries) for _ in range(3))
        print(f"\n`masthead check domains FILE --format jsonl > /dev/null`, whole process; start-up "
              f"(one line) {start_up:.2f} CPU-s")
        print(f"{'feed':<24}{'lines':>9}{'CPU s':>8}{'lines/CPU-s':>13}{'after start-up':>16}")
        for what, lines in feeds.items():
            cpu = command_cpu(files[what], registries)
            print(f"{what:<24}{len(lines):>9,}{cpu:>8.2f}{len(lines) / cpu:>13,.0f}"
                  f"{len(lines) / max(cpu - start_up, 1e-9):>16,.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, action="append", help="registry file (default: bundled)")
    parser.add_argument("--domains", type=int, default=200_000, help="mixed hosts for the bundled registry")
    parser.add_argument("--sizes", default="100,1000,10000", help="synthetic registry sizes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-command", action="store_true", help="skip the runs of the command itself")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rng = random.Random(args.seed)
    common_words(), PublicSuffixes.shared()  # loaded once per process, not part of a build
    popular = read_popular()
    registry = Registry.load(args.registry)

    official = sorted({domain for org in registry for domain in org.domains})
    benign = normalised(popular)[: args.domains // 2]
    similar = lookalikes(official, args.domains - len(benign), rng)
    hosts = benign + similar
    rng.shuffle(hosts)
    build_cpu, _ = timed(lambda: DomainIndex.from_registry(registry))
    detector = DomainDetector(registry)
    print(f"registry: {len(registry)} organisations, {len(official)} domains; "
          f"index built in {build_cpu * 1000:.0f} ms CPU")
    for what, workload in (("mixed", hosts), ("popular only", benign), ("look-alikes only", similar)):
        per_cpu, per_wall, findings = throughput(detector, workload)
        print(f"detect, {what}: {len(workload):,} hosts, {findings:,} findings: "
              f"{per_cpu:,.0f} hosts/CPU-s ({per_wall:,.0f}/s wall)")
    cpu, _ = timed(lambda: [detector.index.lookup(host) for host in hosts])
    print(f"lookup alone, mixed: {len(hosts) / cpu:,.0f} hosts/CPU-s")
    raw = popular[:50_000]
    normalise_host.cache_clear()
    cpu, _ = timed(lambda: normalised(raw))
    print(f"for comparison, normalise_host (uncached; `check domains` runs it first): "
          f"{len(raw) / cpu:,.0f} hosts/CPU-s")
    lines = hosts[:50_000]
    for what, part in (("mixed", lines), ("popular only", benign[:50_000]), ("look-alikes only", similar[:50_000])):
        normalise_host.cache_clear()
        print(f"`masthead check domains` path (triage.check_domains: normalise, domain + name detectors, "
              f"verdict; steady state), {what}: {steady_rate(registry, part):,.0f} lines/CPU-s")
    suffixes = PublicSuffixes.shared()
    cpu, _ = timed(lambda: [suffixes.split(host) for host in hosts])
    print(f"public-suffix split (inside lookup): {len(hosts) / cpu:,.0f} hosts/CPU-s")

    labels = [suffixes.split(host)[1] for host in normalised(popular[:20_000])]
    popular_hosts = normalised(popular[20_000:40_000])
    results = []
    print(f"\n{'organisations':>13}{'domains':>9}{'build ms':>10}{'hosts/CPU-s':>13}{'findings':>10}")
    for size in (int(part) for part in args.sizes.split(",")):
        synthetic = synthetic_registry(size, labels, rng)
        domains = sorted({domain for org in synthetic for domain in org.domains})
        sample = rng.sample(domains, min(len(domains), 1000))
        workload = popular_hosts + lookalikes(sample, len(popular_hosts), rng)
        rng.shuffle(workload)
        build_cpu, _ = timed(lambda: DomainIndex.from_registry(synthetic))  # noqa: B023 - called at once
        per_cpu, _, findings = throughput(DomainDetector(synthetic), workload)
        results.append((size, build_cpu, per_cpu))
        print(f"{size:>13,}{len(domains):>9,}{build_cpu * 1000:>10,.0f}{per_cpu:>13,.0f}{findings:>10,}")
    (small, small_build, small_rate), (large, large_build, large_rate) = results[0], results[-1]
    print(f"\n{small:,} → {large:,} organisations (×{large // small}): cost per host "
          f"×{small_rate / large_rate:.2f}, index build ×{large_build / small_build:.1f}")
    if not args.no_command:
        command_rates({"popular (Tranco 100k)": popular[:100_000], "mixed": hosts, "look-alikes": similar,
                       "Chinese IDN": chinese_idn_hosts(20_000, rng)}, args.registry or [])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
