"""The address guard: which hosts may be fetched, judged on resolved addresses."""

from __future__ import annotations

import asyncio

import pytest

from crawler.addresses import AddressGuard, refused_address


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "a loopback address"), ("127.8.9.10", "a loopback address"), ("::1", "a loopback address"),
    ("10.0.0.1", "a private address"), ("192.168.1.20", "a private address"), ("172.16.0.1", "a private address"),
    ("fd12:3456::1", "a private address"), ("169.254.169.254", "a link-local address"),
    ("fe80::1", "a link-local address"), ("::ffff:127.0.0.1", "a loopback address"),
    ("0.0.0.0", "the unspecified address (this host)"), ("100.64.0.1", "a non-public address"),
    ("224.0.0.1", "a non-public address"), ("8.8.8.8", None), ("2001:4860:4860::8888", None),
    ("not-an-address", None),
])
def test_refused_addresses(address: str, kind: str | None) -> None:
    assert refused_address(address) == kind


@pytest.mark.parametrize("url, expected", [
    ("http://127.0.0.1:8080/admin", "127.0.0.1 is a loopback address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://localhost/", "localhost resolves to 127.0.0.1, a loopback address"),
    ("http://LOCALHOST./", "localhost resolves to 127.0.0.1"),
    ("http://2130706433/", "2130706433 resolves to 127.0.0.1"),  # 127.0.0.1 as one number
    ("http://0x7f.1/", "resolves to 127.0.0.1"),
    ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://made-up-host.example.com/", None),  # does not resolve: the proxy's to find
    ("http://93.184.215.14/", None),
])
def test_the_guard_judges_the_resolved_address(url: str, expected: str | None) -> None:
    refusal = asyncio.run(AddressGuard().refusal(url))
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and expected in refusal and "--allow-private" in refusal


def test_allow_private_lets_everything_through() -> None:
    assert asyncio.run(AddressGuard(allow_private=True).refusal("http://127.0.0.1/")) is None


RESOLVER_SCRIPT = """
import json, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import defer, reactor
from crawler.addresses import PublicAddressResolver

answers = {}

@defer.inlineCallbacks
def main():
    for allow_private, proxy_host, name in json.loads(sys.argv[1]):
        resolver = PublicAddressResolver(reactor, 100, 5.0, allow_private, proxy_host)
        try:
            answers[name + str(allow_private) + str(proxy_host)] = yield resolver.getHostByName(name)
        except Exception as exc:
            answers[name + str(allow_private) + str(proxy_host)] = f"{type(exc).__name__}: {exc}"
    reactor.stop()

reactor.callWhenRunning(main)
reactor.run()
print(json.dumps(answers))
"""


def test_the_connections_own_look_up_is_judged_too() -> None:
    """A name whose DNS answer turns private after the guard looked (DNS rebinding) is
    refused where the connection resolves it: the resolver Scrapy connects with, run on
    the crawl's reactor, judges its own answer."""
    import json
    import subprocess
    import sys

    cases = [[False, None, "localhost"], [True, None, "localhost"], [False, "localhost", "localhost"],
             [False, None, "8.8.8.8"], [False, None, "169.254.169.254"]]
    output = subprocess.run([sys.executable, "-c", RESOLVER_SCRIPT, json.dumps(cases)], capture_output=True,
                            text=True, timeout=60, check=True).stdout
    answers = json.loads(output.strip().splitlines()[-1])
    assert answers["localhostFalseNone"] == ("DNSLookupError: DNS lookup failed: localhost resolves to 127.0.0.1, "
                                             "a loopback address (not fetched without --allow-private).")
    assert answers["localhostTrueNone"] == "127.0.0.1"  # --allow-private
    assert answers["localhostFalselocalhost"] == "127.0.0.1"  # the proxy's own host
    assert answers["8.8.8.8FalseNone"] == "8.8.8.8"
    assert answers["169.254.169.254FalseNone"].startswith("DNSLookupError: DNS lookup failed: 169.254.169.254 resolves")


def test_the_crawl_connects_through_the_judging_resolver() -> None:
    from scrapy.settings import Settings

    import crawler.settings as project

    settings = Settings()
    settings.setmodule(project)
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.addresses.PublicAddressResolver"


def test_the_resolver_takes_its_settings_from_the_crawl() -> None:
    from scrapy.utils.test import get_crawler

    from crawler.addresses import PublicAddressResolver

    crawler = get_crawler(settings_dict={"MASTHEAD_PROXY": "http://LocalHost:8899", "MASTHEAD_ALLOW_PRIVATE": True,
                                         "DNS_TIMEOUT": 7})
    resolver = PublicAddressResolver.from_crawler(crawler, object())  # no reactor installed here
    assert (resolver.proxy_host, resolver.allow_private, resolver.timeout) == ("localhost", True, 7.0)


def test_the_guard_looks_names_up_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that answers some names only at its timeout must not hold the other
    sites back: 20 look-ups are under way at once (asyncio's default executor ran 6)."""
    import socket
    import threading

    from crawler import addresses

    together = threading.Barrier(20, timeout=30)

    def slow_resolver(host: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        together.wait()  # returns only once 20 look-ups are waiting here
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(addresses.socket, "getaddrinfo", slow_resolver)

    async def twenty() -> list[str | None]:
        guard = AddressGuard()
        return await asyncio.gather(*(guard.refusal(f"https://site-{n}.example.com/") for n in range(20)))

    assert asyncio.run(twenty()) == [None] * 20
    assert not together.broken
