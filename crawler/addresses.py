"""Which hosts the crawler may fetch: never a private, loopback or link-local address
(unless `MASTHEAD_ALLOW_PRIVATE`), judged on the address a name resolves to.

A page of the web can name any host — in a redirect, a link, an image — and a crawler
inside a network must not become the page's way into it (SSRF: `http://169.254.169.254/`
is a cloud's metadata service, `http://localhost:8080/` someone's admin page). An IP
literal is judged as it is; a name is resolved here first (`localhost`, a name whose DNS
answer is `10.0.0.5`), even when the request then goes through a proxy. A name that does
not resolve is let through: it cannot lead anywhere directly, and behind a proxy (the
sandbox web's made-up hosts) it is the proxy's to find. The connection's own look-up is
judged too (PublicAddressResolver), against DNS answers that change in between.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred
    from typing_extensions import Self

logger = logging.getLogger(__name__)

RESOLVE_TIMEOUT = 5.0  # seconds; a name that takes longer counts as not resolving
LOOKUP_THREADS = 64  # name look-ups under way at once (one per open site by default)
_CACHE_SIZE = 10_000


class AddressRefused(IgnoreRequest):
    """A request the address guard refused; the message says why (the target's error)."""


def refused_address(address: str) -> str | None:
    """Why an IP address is not to be fetched (None when it is a public address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "the unspecified address (this host)"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast or ip.is_reserved or not ip.is_global:
        return "a non-public address"
    return None


@lru_cache(maxsize=1)
def _lookups() -> ThreadPoolExecutor:
    """Threads for the guard's name look-ups. `loop.getaddrinfo` would use asyncio's
    default executor, 6 threads on 2 cores; a resolver that answers some queries only at
    its 5 s timeout (here, ~1 fresh name in 4 of a burst) then held every site behind
    those: the crawl benchmark's home pages came after ~4.9 s instead of ~1 s, and its
    crawl took twice as long with a core idle. Threads are started as look-ups need them."""
    return ThreadPoolExecutor(max_workers=LOOKUP_THREADS, thread_name_prefix="address-guard")


class AddressGuard:
    """Judges URLs' hosts, resolving names (cached) when they are not IP literals."""

    def __init__(self, allow_private: bool = False, resolve_timeout: float = RESOLVE_TIMEOUT):
        self.allow_private = allow_private
        self.resolve_timeout = resolve_timeout
        self._verdicts: dict[str, str | None] = {}

    async def refusal(self, url: str) -> str | None:
        """Why `url`'s host must not be fetched, or None. Only the host is judged: the
        scheme is the caller's business."""
        if self.allow_private:
            return None
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
        if not host:
            return None
        if host not in self._verdicts:
            verdict = await self._judge(host)
            if len(self._verdicts) >= _CACHE_SIZE:
                self._verdicts.clear()
            self._verdicts[host] = verdict
        return self._verdicts[host]

    async def _judge(self, host: str) -> str | None:
        kind = refused_address(host)
        if kind is not None:
            return f"{host} is {kind} (not fetched without --allow-private)"
        for address in await self._resolve(host):
            kind = refused_address(address)
            if kind is not None:
                return f"{host} resolves to {address}, {kind} (not fetched without --allow-private)"
        return None

    async def _resolve(self, host: str) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            answers = await asyncio.wait_for(loop.run_in_executor(
                _lookups(), partial(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM)), self.resolve_timeout)
        except (OSError, UnicodeError, asyncio.TimeoutError) as exc:
            logger.debug("%s does not resolve here (%s): left to the proxy", host, exc)
            return []
        return sorted({answer[4][0] for answer in answers})


class PublicAddressResolver(CachingThreadedResolver):
    """`TWISTED_DNS_RESOLVER`: Scrapy's caching resolver, refusing a name whose answer is
    not a public address (unless `MASTHEAD_ALLOW_PRIVATE`).

    AddressGuard judges a name before its request; the connection resolves it again. A
    name whose DNS answers change between the two (DNS rebinding: public for the guard,
    `10.0.0.5` a moment later) would get through the guard alone; this resolver judges the
    address that is actually connected to. The proxy's own host is exempt: the crawl
    connects to it by design, and behind a proxy the proxy resolves the targets. A refused
    address fails the request as a name that does not resolve."""

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float,
                 allow_private: bool = False, proxy_host: str | None = None):
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private
        self.proxy_host = proxy_host

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        resolver = super().from_crawler(crawler, reactor)  # Scrapy's cache size and timeout
        proxy = crawler.settings.get("MASTHEAD_PROXY")
        resolver.allow_private = crawler.settings.getbool("MASTHEAD_ALLOW_PRIVATE")
        resolver.proxy_host = urlsplit(proxy).hostname if proxy else None
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        answer = super().getHostByName(name, timeout)
        if self.allow_private or name.rstrip(".").lower() == self.proxy_host:
            return answer
        return answer.addCallback(self._public, name)

    @staticmethod
    def _public(address: str, name: str) -> str:
        """The address, or a failed look-up: Twisted passes no other error on to the
        connection (the request fails as a name that does not resolve), so the reason
        is logged here."""
        kind = refused_address(address)
        if kind is not None:
            reason = f"{name} resolves to {address}, {kind} (not fetched without --allow-private)"
            logger.warning("connection refused: %s", reason)
            raise DNSLookupError(reason)
        return address
