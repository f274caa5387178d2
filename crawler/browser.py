"""How Masthead starts Chromium: Debian's build, headless, quiet on a closed network.

Playwright's own browser download cannot work on these machines, so Playwright drives the
system Chromium through `executable_path`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import Page
    from scrapy import Request

logger = logging.getLogger(__name__)

# The real binary first: /usr/bin/chromium is a slower shell wrapper around it.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")

# Without the background-networking flags Chromium keeps dialling Google's hosts, which
# a closed network refuses; --no-sandbox because crawls often run as root in containers.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--mute-audio",
)


class BrowserNotFound(RuntimeError):
    """No Chromium to render with."""


def chromium_executable() -> str:
    """Path of the Chromium binary (`MASTHEAD_CHROMIUM` overrides the search)."""
    override = os.environ.get("MASTHEAD_CHROMIUM")
    candidates = (override,) if override else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found and not override:
        return found
    raise BrowserNotFound(
        "Chromium not found (install Debian's 'chromium' package, or set MASTHEAD_CHROMIUM)"
    )


def launch_options(proxy: str | None = None) -> dict[str, Any]:
    """Options for Playwright's `chromium.launch()` (and scrapy-playwright's
    `PLAYWRIGHT_LAUNCH_OPTIONS`)."""
    options: dict[str, Any] = {
        "executable_path": chromium_executable(),
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }
    if proxy:
        options["proxy"] = {"server": proxy}
    return options


async def tame_page(page: Page, request: Request) -> None:
    """scrapy-playwright's `playwright_page_init_callback`, so that a hostile page cannot
    hold the crawl:

    - it cannot open pop-ups with `window.open`, and any it opens otherwise are closed at
      once (each would hold a renderer nobody closes, and a pop-up can open more);
    - a script that keeps the page busy for ever (`for (;;) {}`) would hang the handler's
      own `page.content()`, which has no timeout: once the page has had `masthead_script_budget`
      seconds, its scripts are stopped and disabled through a DevTools session — attached
      now, while the renderer still answers (once it loops, attaching hangs too).

    Dialogs need nothing: with no listener, Playwright dismisses them."""
    await page.add_init_script("window.open = () => null;")
    page.on("popup", lambda popup: asyncio.ensure_future(popup.close(run_before_unload=False)))
    budget = request.meta.get("masthead_script_budget")
    if not budget:
        return
    session = await page.context.new_cdp_session(page)

    async def stop_scripts() -> None:
        try:
            await asyncio.wait_for(session.send("Runtime.terminateExecution"), 5)
            await asyncio.wait_for(session.send("Emulation.setScriptExecutionDisabled", {"value": True}), 5)
            logger.info("%s: scripts stopped after %g s", request.url, budget)
        except Exception as exc:  # noqa: BLE001 - the page may be gone already; nothing to stop
            logger.debug("%s: scripts not stopped: %s", request.url, exc)

    watchdog = asyncio.get_running_loop().call_later(budget, lambda: asyncio.ensure_future(stop_scripts()))
    page.on("close", lambda _: watchdog.cancel())


async def capture(page: Page, html: str, screenshot: bool, settle_ms: int,
                  timeout_ms: int) -> tuple[str, bytes | None, str | None]:
    """(html, screenshot, error) of a rendered page once its scripts have had their time
    (`html` as given when it cannot be read); the page is closed whatever happens."""
    shot, error = None, None
    try:
        # A script looping for ever blocks the page's thread, and `content()` has no
        # timeout of its own: the whole read is bounded.
        async with asyncio.timeout(timeout_ms / 1000 + 2 * settle_ms / 1000):
            html, shot = await _read_rendered(page, screenshot, settle_ms, timeout_ms)
    except TimeoutError:
        error = "render: the page did not answer in time (a script busy for ever?)"
    except Exception as exc:  # noqa: BLE001 - Playwright raises many kinds; all end the same
        error = f"render: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    finally:
        await page.close(run_before_unload=False)
    return html, shot, error


async def _read_rendered(page: Page, screenshot: bool, settle_ms: int, timeout_ms: int) -> tuple[str, bytes | None]:
    try:
        await page.wait_for_load_state("load", timeout=settle_ms * 2)
    except Exception:  # noqa: BLE001 - a page that never finishes loading is still read
        pass
    await page.wait_for_timeout(settle_ms)
    html = await page.content()
    if not screenshot:
        return html, None
    return html, await page.screenshot(type="png", timeout=timeout_ms)
