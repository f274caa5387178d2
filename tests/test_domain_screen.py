"""The batch shortcuts of `masthead check domains` against their definitions: the screen's
look-ups against `DomainIndex.lookup`, the deletion index against making the deletions,
`plain_hosts` against `plain_host`, the score table against the scale worked out per call."""

from __future__ import annotations

import random
import string

import pytest

from detectors.domain_index import DomainIndex
from detectors.domain_near import DeletionIndex
from detectors.domain_scores import _ANY, _CHEAP_TLD, _OWN_SUFFIX, _RAISED, _SCORES, CHEAP_TLDS, RULES, Scorer
from detectors.domain_screen import DomainScreen
from detectors.domains import WEAK, common_words, deletions, glyph_skeleton, skeleton
from detectors.hostnames import HostnameError, plain_host, plain_hosts
from detectors.registry import Registry
from detectors.triage import check_domains, host_of
from tests.test_domain_records import TOP_SITES, lookalikes, popular


@pytest.fixture(scope="module")
def bundled() -> Registry:
    return Registry.load()


def benign(count: int, rng: random.Random) -> list[str]:
    """Popular hosts (the Tranco list beside the checkout), else hosts made of two common
    words under common suffixes, as unrelated to the registry as most popular hosts are."""
    if TOP_SITES.is_file():
        return popular(count)
    words = sorted(word for word in common_words() if word.isalpha() and len(word) >= 3)
    suffixes = ("com", "net", "org", "de", "fr", "co.uk", "com.br", "info")
    return [f"{rng.choice(words)}{rng.choice(words)}.{rng.choice(suffixes)}" for _ in range(count)]


@pytest.fixture(scope="module")
def hosts(bundled) -> list[str]:
    """Popular hosts, look-alikes (with subdomains and in URLs), official hosts and hosts
    under them, brands in front of other domains, dots slipped into brands; no punycode
    (`check_domains` takes those to the engine)."""
    rng = random.Random(5)
    official = sorted({domain for org in bundled for domain in org.domains})
    lines = benign(20_000, rng) + lookalikes(bundled, 30, rng) + official + [f"www.{domain}" for domain in official]
    lines += [f"{domain.replace('.', '-')}.example.top" for domain in official]
    lines += [f"{domain[:2]}.{domain[2:]}" for domain in official]
    found = []
    for line in lines:
        try:
            host = host_of(line)
        except HostnameError:
            continue
        if "xn--" not in host:
            found.append(host)
    return found


def test_the_screen_looks_hosts_up_as_lookup_does(bundled, hosts) -> None:
    index = DomainIndex.from_registry(bundled)
    screen = DomainScreen(index)
    searched: list[str] = []
    search = index.search

    def counted(*args: str) -> list:
        searched.append(args[1])
        return search(*args)

    index.search = counted  # type: ignore[method-assign]
    batched = [matches for start in range(0, len(hosts), 256) for matches in screen.lookups(hosts[start:start + 256])]
    del index.search
    assert [list(matches) for matches in batched] == [index.lookup(host) for host in hosts]
    matched = sum(map(bool, batched))
    assert matched > 10_000 and len(searched) < matched + 0.15 * (len(hosts) - matched)  # it did rule out


def test_the_deletion_index_finds_what_making_the_deletions_finds() -> None:
    rng = random.Random(3)
    words = ["".join(rng.choice("abcde") for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    strings = {deleted for word in words for deleted in deletions(word)}
    index = DeletionIndex(strings)
    probes = words + ["".join(rng.choice("abcdef") for _ in range(rng.randint(1, 10))) for _ in range(3000)]
    for probe in probes:
        expected = {deleted for deleted in deletions(probe)[1:] if deleted in strings}
        assert index.deleted(probe) == expected, probe


def test_plain_hosts_is_plain_host_of_each_text() -> None:
    texts = ["example.com", "Example.COM.", "a.b.c", "-a.com", "a-.com", "ab--c.com", "xn--fiqs8s.cn", "x", "a..b",
             "a.com..", "ex ample.com", "例子.com", "K.com", "a_b.com", "a" * 64 + ".com", ".".join(["a" * 60] * 5),
             "https://x.com", "x.com:80", "", ".", "1.2.3.4"]
    assert plain_hosts(texts) == [plain_host(text) for text in texts]


def test_skeletons_of_joined_labels_are_those_of_each_label() -> None:
    labels = ["rnews", "cl0ck", "vvorld", "lbnn", "dlq9", "", "people", "m1rn"]
    assert skeleton("\n".join(labels)).split("\n") == [skeleton(label) for label in labels]
    shapes = [skeleton(label) for label in labels]
    assert glyph_skeleton("\n".join(shapes)).split("\n") == [glyph_skeleton(shape) for shape in shapes]


def _score_per_call(scorer: Scorer, relation: str, key, label: str, suffix: str) -> int:
    """The scale and the rules of detectors.domain_scores, worked out for one call."""
    if key.tier == WEAK:
        return 35 if relation == "swap" else 30
    score = _SCORES[relation][key.tier]
    if relation == "visual" and suffix in key.suffixes:
        score = 90
    if relation in ("typo", "visual") and label != key.key and scorer.common.get(label, 0) >= 3:
        return min(score, 35)
    cheap = suffix.rpartition(".")[2] in CHEAP_TLDS
    rule, where = _RAISED.get((relation, key.tier), ("", _ANY))
    if rule in scorer.rules and (where != _OWN_SUFFIX or suffix in key.suffixes) and (where != _CHEAP_TLD or cheap):
        score = max(score, 70)
    return min(score + 15, 90) if cheap and score >= 40 else score


@pytest.mark.parametrize("rules", [RULES, frozenset(), RULES - {"cheap_swap", "short_typo"}])
def test_the_score_table_is_the_scale_worked_out_per_call(bundled, rules) -> None:
    scorer = Scorer(common_words(), rules)
    keys = [key for keys in DomainIndex.from_registry(bundled).exact.values() for key in keys]
    labels = ["people", "news", "bbcc", "zzqx", "chinadaily", "house"]
    suffixes = ["com", "com.cn", "top", "co.uk", "news", "de", "ltd"]
    suffixes += sorted({suffix for key in keys for suffix in key.suffixes})
    for key in keys[::3]:
        for relation in _SCORES:
            for label in (*labels, key.key):
                for suffix in suffixes:
                    assert scorer.score(relation, key, label, suffix) == _score_per_call(
                        scorer, relation, key, label, suffix), (relation, key, label, suffix)


def test_lines_read_before_an_unreadable_one_get_their_records(bundled) -> None:
    def lines():
        yield from [f"site{number}.example.com" for number in range(300)]
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    records = []
    with pytest.raises(UnicodeDecodeError):
        for record in check_domains(bundled, lines()):
            records.append(record)
    assert len(records) == 300


def test_random_labels_are_ruled_out_or_looked_up_alike(bundled) -> None:
    """Short random labels meet keys' deletions, skeletons and affixes far more often than
    real hosts do: every step of the screen is tried."""
    rng = random.Random(8)
    index = DomainIndex.from_registry(bundled)
    letters = string.ascii_lowercase + string.digits + "-"
    labels = ("".join(rng.choice(letters) for _ in range(rng.randint(2, 9))).strip("-") or "x" for _ in range(20_000))
    hosts = [f"{label}.{rng.choice(['com', 'cn', 'co.uk', 'top', 'com.cn', 'de'])}" for label in labels]
    hosts = [host for host in hosts if plain_host(host) and "xn--" not in host]
    screened = DomainScreen(index).lookups(hosts)
    assert [list(matches) for matches in screened] == [index.lookup(host) for host in hosts]


def test_a_feed_on_a_pipe_gets_each_record_as_its_line_comes() -> None:
    """Batches are for files: a feed piped in (new registrations as they are seen) gets each
    record before the next line is written, not once 256 have come."""
    import json
    import select
    import subprocess

    from tests.conftest import MASTHEAD

    feed = subprocess.Popen([*MASTHEAD, "check", "domains", "-", "--format", "jsonl"], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert feed.stdin is not None and feed.stdout is not None
        for host in ("xinhuanet.com", "xinhuanet-news.top", "example.org", "peop1e.com.cn"):
            feed.stdin.write(host + "\n")
            feed.stdin.flush()
            assert select.select([feed.stdout], [], [], 60)[0], f"no record for {host} while the feed waits"
            assert json.loads(feed.stdout.readline())["target"] == host
    finally:
        feed.kill()
        feed.wait()
