"""Host names: the public-suffix split agrees with tldextract, the slow general parser."""

from __future__ import annotations

import idna
import tldextract

from detectors.hostnames import PublicSuffixes, suffix_rules


def test_the_suffix_rules_are_tldextracts() -> None:
    """`suffix_rules` reads tldextract's bundled snapshot as tldextract does."""
    extract = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)
    rules = suffix_rules()
    assert len(rules) == len(set(rules)) and set(rules) == set(extract.tlds)


def test_without_the_snapshot_where_expected_the_rules_come_from_tldextract(monkeypatch, tmp_path) -> None:
    """tldextract may keep its snapshot elsewhere one day: the rules stay the same."""
    from types import SimpleNamespace

    import detectors.hostnames as hostnames

    monkeypatch.setattr(hostnames, "find_spec", lambda name: SimpleNamespace(submodule_search_locations=[tmp_path]))
    assert set(suffix_rules()) == set(tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True,
                                                            cache_dir=None).tlds)


def test_public_suffix_split_agrees_with_tldextract_on_every_rule() -> None:
    """Hosts one or two labels under every rule of the bundled list, two or three under a
    `*.` rule (whose first label is part of the suffix), and the name of every `!` rule,
    wherever tldextract finds a registrable domain."""
    extract = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)
    suffixes = PublicSuffixes.shared()
    compared = 0
    for rule in extract.tlds:
        try:
            name = idna.encode(rule.lstrip("!").removeprefix("*."), uts46=True).decode("ascii")
        except idna.IDNAError:
            continue
        hosts = (f"w.x.{name}", f"v.w.x.{name}") if rule.startswith("*.") else (f"x.{name}", f"w.x.{name}")
        for host in (*hosts, name) if rule.startswith("!") else hosts:
            expected = extract(host)
            if expected.suffix and expected.domain:
                assert suffixes.split(host) == (expected.subdomain, expected.domain, expected.suffix), host
                compared += 1
    assert compared > 1.5 * len(extract.tlds)


def test_a_host_of_two_labels_splits_into_label_and_suffix_whatever_the_rules() -> None:
    """`split`'s shortcut for `label.suffix` is the walk's answer, ("", label, suffix),
    whether the suffix is a rule or not, the host itself a rule (co.uk), a `*.` rule's
    parent or a `!` rule's name: every two-label name the rules hold, and a label under
    every one-label rule."""
    suffixes = PublicSuffixes.shared()
    hosts = {name for name in suffixes.rules if name.count(".") == 1}
    hosts |= {f"x.{name}" for name in suffixes.rules if "." not in name} | {"x.unknowntld", "a.b", "a.", ".a"}
    for host in hosts:
        label, _, suffix = host.partition(".")
        assert suffixes.split(host) == suffixes.walk(host) == ("", label, suffix), host
    assert len(hosts) > 1000


def test_plain_host_is_normalise_host_or_declines() -> None:
    """`plain_host`, the uncached shortcut of `masthead check domains`, answers as
    `normalise_host` does, or leaves the text to it."""
    from detectors.hostnames import HostnameError, normalise_host, plain_host

    texts = ["example.com", "Example.COM", "example.com.", "a-b.c-d.org", "xn--fiqs8s.cn", "XN--FIQS8S.CN",
             "a..b", "-a.com", "a-.com", "ab--c.com", "xn--a.com", "x", "a b.com", "a/b.com", "a:80.com",
             "\u212aelvin.com", "例子.测试", "a_b.com", "." * 3, "", f"{'a' * 63}.com", f"{'a' * 64}.com",
             ".".join(["abc"] * 64), ".".join(["abc"] * 63) + "."]
    declined = 0
    for text in texts:
        fast = plain_host(text)
        try:
            expected = normalise_host(text)
        except HostnameError:
            expected = None
        assert fast is None or fast == expected, text
        declined += fast is None
    assert 0 < declined < len(texts) - 5


def test_punycode_labels_decode_as_idna_does_and_normalised_ones_without_decoding(monkeypatch) -> None:
    """`unicode_label` is idna's decoding, None for what idna refuses; a label that
    `normalise_host` has just encoded is known without decoding (idna's punycode is pure
    Python, and the engine, the domain index and the name detector each ask for it)."""
    import detectors.hostnames as hostnames
    from detectors.hostnames import normalise_host, unicode_label

    hosts = ["新华网.中国", "www.人民日报。com", "рeople.com.cn", "ＥＸＡＭＰＬＥ.中国", "straße.de", "绿色.网址"]
    for host in hosts:
        for label in normalise_host(host).split("."):
            if label.startswith("xn--"):
                hostnames._unicode_labels.clear()
                assert unicode_label(label) == idna.decode(label)
    assert unicode_label("xn--zzzzz-zzzz") is None and unicode_label("xn--") is None

    hostnames._unicode_labels.clear()
    normalise_host.cache_clear()  # a host normalised earlier would not be encoded again
    host = normalise_host("经济参考报.中国")

    def no_decoding(label: str) -> str:
        raise AssertionError(f"decoded {label}")

    monkeypatch.setattr(hostnames.idna, "decode", no_decoding)
    assert [unicode_label(label) for label in host.split(".")] == ["经济参考报", "中国"]


def test_the_decoded_labels_kept_stay_bounded(monkeypatch) -> None:
    import detectors.hostnames as hostnames

    monkeypatch.setattr(hostnames, "_LABELS_KEPT", 10)
    hostnames._unicode_labels.clear()
    hostnames.normalise_host.cache_clear()
    for number in range(25):
        hostnames.normalise_host(f"新闻{number}.中国")
    assert 0 < len(hostnames._unicode_labels) <= 10
