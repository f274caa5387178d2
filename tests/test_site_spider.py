"""Unit tests of the site spider's components, built from a throwaway crawler."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.items import TargetSnapshot
from crawler.spiders import site
from crawler.spiders.site import SiteSpider
from crawler.spiders.visit import SiteVisit


@pytest.fixture
def spider() -> SiteSpider:
    defaults = {name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("MASTHEAD_")}
    crawler = get_crawler(SiteSpider, {**defaults, "MASTHEAD_RENDER": "never", "MASTHEAD_ANALYSIS_WORKERS": 0})
    spider = SiteSpider.from_crawler(crawler, targets="example.com")
    spider._open_sites = asyncio.Semaphore(1)
    return spider


def test_a_bug_in_a_callback_ends_the_target_with_an_error(spider: SiteSpider, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("extraction exploded")

    monkeypatch.setattr(site, "read_page", broken)
    visit = SiteVisit.begin(spider.targets[0], spider.settings)
    request = Request("https://example.com/", cb_kwargs={"visit": visit})
    response = HtmlResponse("https://example.com/", body=b"<html><title>x</title></html>",
                            request=request, headers={"Content-Type": "text/html"})
    async def collect() -> list:
        return [item async for item in spider.parse_home(response, visit=visit)]

    results = asyncio.run(collect())
    assert len(results) == 1 and isinstance(results[0], TargetSnapshot)
    assert results[0].status == "error"
    assert results[0].error == "internal error: RuntimeError: extraction exploded"


def test_no_targets_is_an_error() -> None:
    with pytest.raises(ValueError, match="no targets"):
        SiteSpider(targets="")


def _page(url: str, body: str, visit: SiteVisit) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"},
                        request=Request(url, cb_kwargs={"visit": visit}))


def test_links_are_looked_for_only_while_the_page_cap_has_room(spider: SiteSpider, monkeypatch) -> None:
    """A home page whose identity links fill the cap leaves nothing to find on the
    pages that follow: they are read without looking for links (a third of a page's
    reading time), and the pages fetched are the same."""
    limits: list[int] = []
    real_read_page = site.read_page

    def spying(body, content_type, url, link_limit):
        limits.append(link_limit)
        return real_read_page(body, content_type, url, link_limit)

    monkeypatch.setattr(site, "read_page", spying)
    visit = SiteVisit.begin(spider.targets[0], spider.settings)
    links = "".join(f'<a href="/{path}/">{text}</a>' for path, text in
                    [("about", "About us"), ("contact", "Contact"), ("copyright", "Copyright"), ("imprint", "Imprint")])

    async def requests_after(url: str, body: str, home: bool) -> list[str]:
        method = spider.parse_home if home else spider.parse_identity
        outputs = [item async for item in method(_page(url, body, visit), visit=visit)]
        return [output.url for output in outputs if isinstance(output, Request)]

    assert asyncio.run(requests_after("https://example.com/", f"<title>Home</title>{links}", True)) == ["https://example.com/about/"]
    assert visit.page_queue == ["https://example.com/copyright/", "https://example.com/imprint/",
                                "https://example.com/contact/"]
    asyncio.run(requests_after("https://example.com/about/", f"<title>About</title>{links}<a href=/legal/>Legal</a>", False))
    assert limits == [5, 0]
    assert "https://example.com/legal/" not in visit.page_queue


def test_a_page_with_room_left_under_the_cap_still_gives_its_links(spider: SiteSpider) -> None:
    visit = SiteVisit.begin(spider.targets[0], spider.settings)
    visit.page_queue = ["https://example.com/about/"]
    assert visit.link_limit(unrecorded=1) == visit.max_pages  # 1 fetched + 1 queued of 5
    visit.pages_fetched, visit.page_queue = 1, ["a", "b", "c"]
    assert visit.link_limit(unrecorded=1) == 0
    assert visit.link_limit() == visit.max_pages
