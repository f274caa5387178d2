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
