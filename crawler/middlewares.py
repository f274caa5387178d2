"""Downloader middlewares (and the browser-side request filter) of the Masthead crawler."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

if TYPE_CHECKING:
    from playwright.async_api import Request as BrowserRequest
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

# What a rendered page does not need to show who it is; aborting it keeps renders fast
# and bounded (a hanging video must not hold the page).
_BROWSER_SKIPS = {"media", "font", "websocket", "eventsource", "manifest", "texttrack"}


def abort_browser_request(request: BrowserRequest) -> bool:
    """`PLAYWRIGHT_ABORT_REQUEST`: True for browser sub-requests not worth making."""
    return request.resource_type in _BROWSER_SKIPS


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
