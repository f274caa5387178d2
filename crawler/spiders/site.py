"""The `site` spider: for each target, what the site calls itself, what it looks like and
which licences it shows — with the evidence.

Each target's pages are fetched one after another (home page, its rendering, then a few
identity pages, then its images), so that exactly one snapshot comes out per target
however its fetches end; many targets are crawled side by side.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.addresses import AddressRefused
from crawler.evidence import utc_now
from crawler.analysis import Analysis, read_page, read_rendered
from crawler.browser import capture, tame_page
from crawler.extract import PageIdentity, decode_html
from crawler.extract.accounts import read_account
from crawler.extract.text import looks_binary
from crawler.items import Blob, ImageSeen, TargetSnapshot
from crawler.outcomes import failure_reason, http_outcome
from crawler.platforms import Platforms
from crawler.spiders.visit import SiteVisit
from crawler.targets import Target, parse_targets
from detectors.hostnames import PublicSuffixes

ERROR_STATUSES = list(range(400, 600))  # seen by callbacks: a 404 home page is a finding
_MARKER_STATUS = {"removed": ("gone", "account removed"), "captcha": ("blocked", "captcha"),
                  "login_wall": ("blocked", "login wall")}


def _visit_of(argument: Response | Failure, kwargs: dict[str, Any]) -> SiteVisit:
    return kwargs["visit"] if "visit" in kwargs else argument.request.cb_kwargs["visit"]


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """A callback that fails ends its target with `error: internal error …` (logged with
    its traceback) instead of losing the target and its place among the open sites."""
    if inspect.isasyncgenfunction(method):
        @functools.wraps(method)
        async def async_wrapper(self: SiteSpider, argument: Any, **kwargs: Any) -> AsyncIterator[Any]:
            try:
                async for item in method(self, argument, **kwargs):
                    yield item
            except Exception as exc:  # noqa: BLE001 - any bug must still end the target
                yield self._crashed(_visit_of(argument, kwargs), exc)
        return async_wrapper

    @functools.wraps(method)
    def wrapper(self: SiteSpider, argument: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from method(self, argument, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any bug must still end the target
            yield self._crashed(_visit_of(argument, kwargs), exc)
    return wrapper


class SiteSpider(Spider):
    name = "site"

    def __init__(self, targets: str | list[str] | None = None, targets_file: str | None = None,
                 render: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        lines = targets.split(",") if isinstance(targets, str) else list(targets or [])
        if targets_file:
            lines += Path(targets_file).read_text(encoding="utf-8").splitlines()
        self.target_lines = lines
        self.targets: list[Target] = parse_targets(lines)
        if not self.targets:
            raise ValueError("no targets: give -a targets=example.com,… or -a targets_file=FILE")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        # Spider arguments become settings before add-ons read them (crawler.addons).
        if kwargs.get("render"):
            crawler.settings.set("MASTHEAD_RENDER", kwargs["render"], priority="spider")
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Account URLs are known by the platform profiles, which come with the settings.
        spider.platforms = Platforms.load(crawler.settings.getlist("MASTHEAD_PLATFORMS"))
        spider.targets = parse_targets(spider.target_lines, spider.platforms)
        PublicSuffixes.shared()  # read now, not while the first pages wait for their domains
        return spider

    @property
    def analysis(self) -> Analysis:
        return Analysis.of(self.crawler)

    @property
    def rendering(self) -> str:
        return self.settings.get("MASTHEAD_RENDER")

    async def start(self) -> AsyncIterator[Request]:
        """Begin visits as others end: at most MASTHEAD_OPEN_SITES at once, so that a long
        watch list neither holds every site's pages in memory nor starts every site's clock
        at the first second."""
        self._open_sites = asyncio.Semaphore(self.settings.getint("MASTHEAD_OPEN_SITES"))
        for target in self.targets:
            await self._open_sites.acquire()
            visit = SiteVisit.begin(target, self.settings)
            if target.platform:
                yield self._open_account(visit)
            else:
                yield self._fetch(target.url, visit, self.parse_home, self.home_failed)

    def _finish(self, visit: SiteVisit) -> TargetSnapshot:
        self._open_sites.release()
        return visit.finish()

    def _crashed(self, visit: SiteVisit, exc: Exception) -> TargetSnapshot:
        self.logger.error("%s: internal error", visit.target.text, exc_info=exc)
        visit.fail("error", f"internal error: {type(exc).__name__}: {str(exc)[:200]}")
        return self._finish(visit)

    # --- requests ------------------------------------------------------------------------
    def _fetch(self, url: str, visit: SiteVisit, callback: Any, errback: Any, **meta: Any) -> Request:
        meta.setdefault("handle_httpstatus_list", ERROR_STATUSES)
        meta["masthead_deadline"] = visit.deadline  # crawler.middlewares.SiteClockMiddleware
        return Request(url, callback=callback, errback=errback, dont_filter=True,
                       cb_kwargs={"visit": visit}, meta=meta)

    def _render(self, url: str, visit: SiteVisit, role: str) -> Request:
        return self._fetch(
            url, visit, self.parse_rendered, self.render_failed,
            playwright=True, playwright_include_page=True, masthead_role=role,
            playwright_page_goto_kwargs={"wait_until": "domcontentloaded"},
            playwright_page_init_callback=tame_page,
            masthead_script_budget=(visit.render_timeout_ms + 2 * visit.settle_ms) / 1000,
        )

    def _wants_render(self, role: str, identity: Any) -> bool:
        if self.rendering == "never":
            return False
        if role == "home" or self.rendering == "always":
            return True  # the home page is always rendered (and screenshotted) when possible
        return identity.javascript_shell or identity.lacks_identity

    def _next(self, visit: SiteVisit) -> Iterator[Request | TargetSnapshot]:
        """The next fetch of this target, or its finished snapshot."""
        if visit.out_of_time():
            visit.note_time_cap()
        else:
            url = visit.next_page()
            if url is not None:
                yield self._fetch(url, visit, self.parse_identity, self.identity_failed)
                return
            candidate = visit.next_image()
            while candidate is not None and not candidate.url.startswith(("http://", "https://")):
                visit.keep_inline_image(candidate)
                candidate = visit.next_image()
            if candidate is not None:
                yield self._fetch(candidate.url, visit, self.parse_image, self.image_failed,
                                  download_maxsize=visit.image_max_bytes,
                                  masthead_image=candidate, handle_httpstatus_list=ERROR_STATUSES)
                return
        yield self._finish(visit)

    # --- home page -----------------------------------------------------------------------
    @guarded
    async def parse_home(self, response: Response, visit: SiteVisit) -> AsyncIterator[Request | TargetSnapshot]:
        visit.arrived(response)
        status, reason = http_outcome(response.status)
        if status != "ok":
            visit.fail(status, reason)
            yield self._finish(visit)
            return
        identity = await self._read_page(response, visit, role="home", name="home.html")
        if identity is None:
            yield self._finish(visit)
            return
        if self._wants_render("home", identity):
            yield self._render(response.url, visit, "home")
        else:
            for item in self._next(visit):
                yield item

    @guarded
    def home_failed(self, failure: Failure) -> Iterator[Request | TargetSnapshot]:
        visit: SiteVisit = failure.request.cb_kwargs["visit"]
        reason = failure_reason(failure)
        fallback = visit.target.fallback_url
        if fallback and failure.request.url == visit.target.url and not failure.check(IgnoreRequest):
            self.logger.info("%s: %s over https, trying http", visit.target.text, reason)
            visit.snapshot.url = fallback
            yield self._fetch(fallback, visit, self.parse_home, self.home_failed)
            return
        blocked = failure.check(AddressRefused) or (failure.check(IgnoreRequest) and "robots" in reason.lower())
        visit.fail("blocked" if blocked else "error", reason)
        yield self._finish(visit)

    # --- identity pages ------------------------------------------------------------------
    @guarded
    async def parse_identity(self, response: Response, visit: SiteVisit) -> AsyncIterator[Request | TargetSnapshot]:
        identity = None
        if response.status >= 400:
            visit.record_page(response.url, response.status, False, role="identity",
                              error=http_outcome(response.status)[1])
        else:
            identity = await self._read_page(response, visit, role="identity",
                                             name=f"page-{visit.pages_fetched + 1}.html")
        if identity is not None and self._wants_render("identity", identity):
            yield self._render(response.url, visit, "identity")
        else:
            for item in self._next(visit):
                yield item

    @guarded
    def identity_failed(self, failure: Failure) -> Iterator[Request | TargetSnapshot]:
        visit: SiteVisit = failure.request.cb_kwargs["visit"]
        visit.record_page(failure.request.url, None, False, role="identity",
                          error=failure_reason(failure))
        yield from self._next(visit)

    async def _read_page(self, response: Response, visit: SiteVisit, role: str, name: str) -> PageIdentity | None:
        """Keep the page as received and absorb what it says; None when it is no HTML."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        visit.keep(Blob(name, "page", response.url, response.body, utc_now(),
                        response.status, content_type or None))
        declared = content_type.split(";")[0].strip() or "no content type"
        problem = None
        if content_type and not content_type.lower().startswith(("text/html", "application/xhtml", "text/plain")):
            problem = f"not an HTML page ({declared})"
        elif looks_binary(response.body):
            problem = f"not an HTML page (binary content served as {declared})"
        if problem:
            visit.record_page(response.url, response.status, False, role=role, error=problem)
            if role == "home":
                visit.fail("error", problem)
            return None
        encoding, identity = await self.analysis.run(read_page, response.body, content_type or None,
                                                     response.url, visit.link_limit(unrecorded=1))
        visit.record_page(response.url, response.status, False, role=role, encoding=encoding)
        visit.absorb(identity, response.url)
        return identity

    # --- rendered pages ------------------------------------------------------------------
    def _keep_rendered(self, response: Response, visit: SiteVisit, stem: str, html: str,
                       screenshot: bytes | None) -> None:
        visit.keep(Blob(f"{stem}.rendered.html", "rendered-page", response.url,
                        html.encode("utf-8"), utc_now(), response.status, "text/html; charset=utf-8"))
        if screenshot:
            visit.keep(Blob("screenshot.png", "screenshot", response.url, screenshot, utc_now(),
                            response.status, "image/png"))

    @guarded
    async def parse_rendered(self, response: Response, visit: SiteVisit) -> AsyncIterator[Request | TargetSnapshot]:
        role = response.meta["masthead_role"]
        html, screenshot, error = await capture(response.meta["playwright_page"], response.text, role == "home",
                                                visit.settle_ms, visit.render_timeout_ms)
        stem = "home" if role == "home" else f"page-{visit.pages_fetched}"
        self._keep_rendered(response, visit, stem, html, screenshot)
        visit.record_page(response.url, response.status, True, role=role, encoding="utf-8", error=error)
        visit.absorb(await self.analysis.run(read_rendered, html, response.url, visit.link_limit()), response.url)
        for item in self._next(visit):
            yield item

    @guarded
    async def render_failed(self, failure: Failure) -> AsyncIterator[Request | TargetSnapshot]:
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        visit: SiteVisit = failure.request.cb_kwargs["visit"]
        visit.record_page(failure.request.url, None, True, role=failure.request.meta["masthead_role"],
                          error=f"render: {failure_reason(failure)}")
        for item in self._next(visit):
            yield item

    # --- platform accounts ---------------------------------------------------------------
    def _open_account(self, visit: SiteVisit) -> Request:
        return self._fetch(visit.target.url, visit, self.parse_account, self.account_failed)

    @guarded
    async def parse_account(self, response: Response, visit: SiteVisit) -> AsyncIterator[Request | TargetSnapshot]:
        """An account page as served (kept; its embedded JSON is read from it, since some
        platforms' scripts remove their state once used), then rendered, since platforms
        build their pages with scripts."""
        page = response.meta.get("playwright_page")
        if page is None:
            visit.arrived(response)
            content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
            visit.keep(Blob("account.html", "page", response.url, response.body, utc_now(),
                            response.status, content_type))
            served, encoding = decode_html(response.body, content_type)
            visit.record_page(response.url, response.status, False, role="account", encoding=encoding)
            status, reason = http_outcome(response.status)
            if status != "ok":
                visit.fail(status, reason)
                yield self._finish(visit)
                return
            if self.rendering != "never":
                yield self._fetch(response.url, visit, self.parse_account, self.account_failed,
                                  playwright=True, playwright_include_page=True, masthead_served=served,
                                  playwright_page_goto_kwargs={"wait_until": "domcontentloaded"})
                return
            html = served
        else:
            served = response.meta["masthead_served"]
            html, screenshot, error = await capture(page, response.text, True, visit.settle_ms,
                                                  visit.render_timeout_ms)
            self._keep_rendered(response, visit, "account", html, screenshot)
            visit.record_page(response.url, response.status, True, role="account", encoding="utf-8", error=error)
        async for item in self._read_account(visit, html, response.url, served):
            yield item

    async def _read_account(self, visit: SiteVisit, html: str, url: str, served: str) -> AsyncIterator[Request | TargetSnapshot]:
        profile = self.platforms.get(visit.target.platform or "")
        found = await self.analysis.run(read_account, html, url, profile, served)
        if found.marker is not None:
            kind, shown = found.marker
            status, what = _MARKER_STATUS[kind]
            visit.fail(status, f"{what}: the page shows {shown!r} ({profile.name})")
        elif "display_name" not in found.fields:
            visit.fail("error", f"no {profile.name} account found on the page (no display name: "
                                f"the page or the platform profile may have changed)")
        visit.absorb_account(found.fields, url, fetch_avatar=visit.snapshot.status == "ok")
        for item in self._next(visit):
            yield item

    @guarded
    async def account_failed(self, failure: Failure) -> AsyncIterator[Request | TargetSnapshot]:
        """A page that could not be fetched ends its account; one that could not be
        rendered is read as served."""
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        visit: SiteVisit = failure.request.cb_kwargs["visit"]
        reason = failure_reason(failure)
        served = failure.request.meta.get("masthead_served")
        if served is not None:
            visit.record_page(failure.request.url, None, True, role="account", error=f"render: {reason}")
            async for item in self._read_account(visit, served, failure.request.url, served):
                yield item
            return
        blocked = failure.check(IgnoreRequest) and "robots" in reason.lower()
        visit.fail("blocked" if blocked else "error", reason)
        yield self._finish(visit)

    # --- images --------------------------------------------------------------------------
    @guarded
    def parse_image(self, response: Response, visit: SiteVisit) -> Iterator[Request | TargetSnapshot]:
        candidate = response.meta["masthead_image"]
        if response.status >= 400:
            visit.add_image(ImageSeen(candidate.url, candidate.role, visit.image_page(candidate),
                                      alt=candidate.alt, error=http_outcome(response.status)[1]))
        else:
            content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
            visit.keep_image(candidate, response.body, response.status, content_type)
        yield from self._next(visit)

    @guarded
    def image_failed(self, failure: Failure) -> Iterator[Request | TargetSnapshot]:
        visit: SiteVisit = failure.request.cb_kwargs["visit"]
        candidate = failure.request.meta["masthead_image"]
        visit.add_image(ImageSeen(candidate.url, candidate.role, visit.image_page(candidate),
                                  alt=candidate.alt, error=failure_reason(failure)))
        yield from self._next(visit)

