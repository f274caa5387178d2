"""`masthead check domains` against its definition: for every line, the record is
`_record(line, engine.analyse(profile))` with the domain and name detectors, whatever
shortcuts `check_domains` takes (records written straight from the index's matches,
hosts ruled out before the full look-up)."""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from detectors.domain_index import DomainIndex
from detectors.engine import build_engine
from detectors.hostnames import HostnameError, PublicSuffixes
from detectors.profile import TargetProfile
from detectors.registry import Registry
from detectors.text import has_cjk
from detectors.triage import _record, check_domains, host_of
from tests.conftest import SHARED

TOP_SITES = SHARED / "data" / "domains" / "top_sites.csv"
FUZZERS = ["addition", "bitsquatting", "cyrillic", "hyphenation", "insertion", "omission", "plural", "repetition",
           "replacement", "subdomain", "transposition", "vowel-swap", "dictionary", "tld-swap", "various"]


def records_by_definition(registry: Registry, lines: list[str]) -> Iterator[dict[str, Any]]:
    """The slow path: every detector of `check domains`, the engine's verdict, `_record`."""
    engine = build_engine(registry, ("domain", "name"))
    for line in lines:
        try:
            host = host_of(line)
        except HostnameError as exc:
            yield _record(line, None, str(exc))
            continue
        yield _record(line, engine.analyse(TargetProfile(target=line, host=host)))


def popular(count: int) -> list[str]:
    with TOP_SITES.open(newline="", encoding="utf-8") as handle:
        return [row["domain"] for row, _ in zip(csv.DictReader(handle), range(count))]


def lookalikes(registry: Registry, per_domain: int, rng: random.Random) -> list[str]:
    """dnstwist's permutations of every registrable official domain (sampled), as it
    writes them (IDNs in Unicode), with subdomains and URLs mixed in. Its homoglyph fuzzer
    (slow: ~0.15 s a domain) runs on every tenth domain."""
    import dnstwist

    suffixes = PublicSuffixes.shared()
    made: list[str] = []
    domains = sorted({suffixes.registrable(d) for org in registry for d in org.domains})
    for number, domain in enumerate(domains):
        fuzzer = dnstwist.Fuzzer(domain, dictionary=["news", "cn", "online", "24"], tld_dictionary=["com", "top", "cn"])
        fuzzer.generate(fuzzers=FUZZERS + ["homoglyph"] * (number % 10 == 0))
        found = sorted(p["domain"] for p in fuzzer.domains)
        made += rng.sample(found, min(per_domain, len(found)))
    return made + [f"www.{host}" for host in made[::7]] + [f"https://{host}/news" for host in made[::11]]


def chinese(registry: Registry) -> list[str]:
    """Chinese IDNs: organisation names (and a character changed) under common suffixes."""
    names = sorted({name for org in registry for name in org.all_names if has_cjk(name)})
    return [f"{name}{tail}.{tld}" for name in names for tail in ("", "网", "新闻") for tld in ("com", "中国", "cn")]


@pytest.fixture(scope="module")
def bundled() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def sample(bundled) -> list[str]:
    """Some 40,000 lines: popular hosts, look-alikes (some under a subdomain or in a URL),
    Chinese IDNs, official hosts and their subdomains, a few that are no host at all."""
    if not TOP_SITES.exists():
        pytest.skip("the Tranco list is not beside the checkout")
    rng = random.Random(11)
    official = sorted({domain for org in bundled for domain in org.domains})
    lines = popular(20_000) + lookalikes(bundled, 40, rng) + chinese(bundled)[:3000] + official
    lines += [f"sub.{domain}" for domain in official] + ["bad host", "", "-x-.com", "例子.测试"]
    rng.shuffle(lines)
    return lines


def test_check_domains_is_its_definition_on_popular_and_lookalike_hosts(bundled, sample) -> None:
    fast = list(check_domains(bundled, sample))
    slow = list(records_by_definition(bundled, sample))
    assert len(fast) == len(slow) == len(sample)
    for got, expected in zip(fast, slow):
        assert got == expected and list(got) == list(expected), got["target"]
    assert sum(any(f["detector"] == "name" for f in record.get("findings", ())) for record in fast) > 1000
    verdicts = Counter(record["verdict"] for record in fast)
    assert verdicts["clean"] > 15_000 and verdicts["impersonation"] > 15_000 and verdicts["official"] > 600
    assert sum(bool(record.get("findings")) and record["verdict"] == "clean" for record in fast) > 500


def test_labels_ruled_out_early_have_no_match_on_the_full_path(bundled, sample, monkeypatch) -> None:
    """`DomainIndex._could_match` lets most labels skip the look-alike steps: with it
    always true (every step run), every look-up is the same."""
    index = DomainIndex.from_registry(bundled)
    hosts = []
    for line in sample:
        try:
            hosts.append(host_of(line))
        except HostnameError:
            continue
    answers: list[bool] = []
    could_match = index._could_match

    def counted(*args: str) -> bool:
        answers.append(could_match(*args))
        return answers[-1]

    monkeypatch.setattr(index, "_could_match", counted)
    fast = [index.lookup(host) for host in hosts]
    monkeypatch.setattr(index, "_could_match", lambda *args: True)
    assert [index.lookup(host) for host in hosts] == fast
    assert answers.count(False) > 15_000  # it did rule out most popular labels
