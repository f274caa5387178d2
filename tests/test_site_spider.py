"""Unit tests of the site spider's components, built from a throwaway crawler."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import TargetSnapshot
from crawler.spiders import site
from crawler.spiders.site import SiteSpider
from crawler.spiders.visit import SiteVisit


@pytest.fixture
def spider() -> SiteSpider:
    crawler = get_crawler(SiteSpider, {"MASTHEAD_RENDER": "never", "MASTHEAD_ANALYSIS_WORKERS": 0})
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
