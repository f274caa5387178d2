"""Downloader middlewares (and the browser-side request filter) of the Masthead crawler."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.addresses import AddressGuard, AddressRefused

if TYPE_CHECKING:
    from playwright.async_api import Request as BrowserRequest
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

# What a rendered page does not need to show who it is; aborting it keeps renders fast
# and bounded (a hanging video must not hold the page).
_BROWSER_SKIPS = {"media", "font", "websocket", "eventsource", "manifest", "texttrack"}


class BrowserRequestFilter:
    """`PLAYWRIGHT_ABORT_REQUEST` (set by crawler.addons): True for the browser's requests
    not worth making, and for those to private addresses (see crawler.addresses), which
    never pass through Scrapy's middlewares. Chromium follows redirects inside its network
    stack, where no route handler sees them (Playwright's design); with a proxy, Playwright
    sends loopback through the proxy too, so a redirect hop reaches only the proxy."""

    def __init__(self, allow_private: bool = False):
        self.guard = AddressGuard(allow_private)

    async def __call__(self, request: BrowserRequest) -> bool:
        if request.resource_type in _BROWSER_SKIPS:
            return True
        if not request.url.startswith(("http://", "https://")):
            return False  # data:, blob: and the like stay inside the browser
        reason = await self.guard.refusal(request.url)
        if reason:
            logger.info("browser request to %s refused: %s", request.url[:200], reason)
        return reason is not None


class AddressGuardMiddleware:
    """Refuses requests to private, loopback and link-local addresses (unless
    `MASTHEAD_ALLOW_PRIVATE`) — every redirect hop and robots.txt included, since each
    new request passes here — and redirects to anything but http(s), which Scrapy leaves
    unfollowed. The target ends `blocked` with the reason."""

    def __init__(self, guard: AddressGuard, crawler: Crawler):
        self.guard = guard
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(AddressGuard(crawler.settings.getbool("MASTHEAD_ALLOW_PRIVATE")), crawler)

    async def process_request(self, request: Request) -> None:
        scheme = urlsplit(request.url).scheme
        if scheme not in ("http", "https"):
            self._refuse(f"{scheme}: URLs are not fetched")
        reason = await self.guard.refusal(request.url)
        if reason:
            self._refuse(reason)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, location.decode("latin-1").strip())
            scheme = urlsplit(target).scheme
            if scheme not in ("http", "https"):
                self._refuse(f"redirect to a {scheme}: URL refused ({target[:80]})")
        return response

    def _refuse(self, reason: str) -> None:
        self.crawler.stats.inc_value("masthead/address_guard/refused")
        raise AddressRefused(reason)


class ProxyMiddleware:
    """Sends Scrapy's own requests through `MASTHEAD_PROXY` (Chromium gets the same
    proxy at launch, see crawler.addons)."""

    def __init__(self, proxy: str):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        proxy = crawler.settings.get("MASTHEAD_PROXY")
        if not proxy:
            raise NotConfigured("no MASTHEAD_PROXY")
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("playwright"):
            request.meta.setdefault("proxy", self.proxy)


class RedirectLoopMiddleware:
    """Ends a redirect chain that comes back to a URL it has been at (Scrapy would go
    round until `REDIRECT_MAX_TIMES`), with a reason that says so."""

    def process_request(self, request: Request) -> None:
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            raise IgnoreRequest(f"redirect loop: back to {request.url[:120]} after {len(chain)} redirect(s)")


class SiteClockMiddleware:
    """A site's requests share its clock (`MASTHEAD_SITE_TIMEOUT`, carried in the meta
    key `masthead_deadline`): each one, retries included, may take at most the time left,
    rendered ones too, and none starts once it has run out — so that a server answering a
    byte a second holds its target no longer than that."""

    def __init__(self, download_timeout: float, render_timeout: float):
        self.download_timeout = download_timeout
        self.render_timeout = render_timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(settings.getfloat("DOWNLOAD_TIMEOUT"), settings.getfloat("MASTHEAD_RENDER_TIMEOUT"))

    def process_request(self, request: Request) -> None:
        deadline = request.meta.get("masthead_deadline")
        if deadline is None:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise IgnoreRequest("timed out: the site's time cap was reached")
        request.meta["download_timeout"] = min(self.download_timeout, left)
        if request.meta.get("playwright"):
            goto = request.meta.setdefault("playwright_page_goto_kwargs", {})
            goto["timeout"] = int(min(self.render_timeout, left) * 1000)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, each after an exponentially growing pause (with jitter), so that
    a struggling server is not hammered: `MASTHEAD_RETRY_BACKOFF` × 2^(retry − 1), at most
    `MASTHEAD_RETRY_BACKOFF_MAX` seconds."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.backoff = crawler.settings.getfloat("MASTHEAD_RETRY_BACKOFF")
        middleware.backoff_max = crawler.settings.getfloat("MASTHEAD_RETRY_BACKOFF_MAX")
        return middleware

    async def _pause(self, retry: Request | Response | None) -> None:
        if isinstance(retry, Request):
            attempt = retry.meta.get("retry_times", 1)
            delay = min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
            delay *= random.uniform(0.75, 1.25)
            self.crawler.stats.inc_value("masthead/retry/backoff_seconds", delay)
            await asyncio.sleep(delay)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        await self._pause(result)
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        result = super().process_exception(request, exception)
        await self._pause(result)
        return result
