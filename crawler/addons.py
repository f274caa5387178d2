"""Scrapy add-on that wires rendering (scrapy-playwright driving Debian's Chromium) from
Masthead's settings, once spider arguments and command options are known."""

from __future__ import annotations

import logging

from scrapy.settings import BaseSettings

from crawler.browser import BrowserNotFound, launch_options
from crawler.evidence import new_run_id
from crawler.middlewares import BrowserRequestFilter

logger = logging.getLogger(__name__)

PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
RENDER_MODES = ("auto", "always", "never")


class RenderingAddon:
    """`MASTHEAD_RENDER` = auto | always | never. With rendering, http(s) downloads go
    through scrapy-playwright's handler (plain requests still bypass the browser) and
    Chromium gets `MASTHEAD_PROXY`. With `auto` and no Chromium, the crawl goes on
    unrendered and says so; with `always` it is an error."""

    def update_settings(self, settings: BaseSettings) -> None:
        mode = settings.get("MASTHEAD_RENDER")
        if mode not in RENDER_MODES:
            raise ValueError(f"MASTHEAD_RENDER must be one of {', '.join(RENDER_MODES)}, not {mode!r}")
        if mode == "never":
            return
        try:
            options = launch_options(settings.get("MASTHEAD_PROXY"))
        except BrowserNotFound as exc:
            if mode == "always":
                raise
            logger.warning("%s: crawling without rendering", exc)
            settings.set("MASTHEAD_RENDER", "never", priority=settings.getpriority("MASTHEAD_RENDER"))
            return
        settings.set("DOWNLOAD_HANDLERS", {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER},
                     priority="addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="addon")
        browser_filter = BrowserRequestFilter(settings.getbool("MASTHEAD_ALLOW_PRIVATE"))
        settings.set("PLAYWRIGHT_ABORT_REQUEST", browser_filter, priority="addon")
        timeout_ms = int(settings.getfloat("MASTHEAD_RENDER_TIMEOUT") * 1000)
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout_ms, priority="addon")


class RunAddon:
    """Gives the crawl its run id (`MASTHEAD_RUN_ID`, unless given, e.g. by `--resume`)
    before any component reads it: evidence folders and the store share it."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("MASTHEAD_RUN_ID"):
            priority = settings.getpriority("MASTHEAD_RUN_ID") or 0
            settings.set("MASTHEAD_RUN_ID", new_run_id(), priority=priority)
