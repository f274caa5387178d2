"""Run the `site` spider from Python (the CLI's way in): settings from `crawler.settings`
plus overrides, one callback per finished target."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from crawler.items import TargetSnapshot
from crawler.targets import Target

logger = logging.getLogger(__name__)


def _robots_failure_is_news(record: logging.LogRecord) -> bool:
    """A site that cannot serve robots.txt is reported as the target's own error; Scrapy's
    error with a traceback for it is only noise."""
    if record.levelno >= logging.ERROR and str(record.msg).startswith("Error downloading"):
        record.levelno, record.levelname, record.exc_info, record.exc_text = logging.INFO, "INFO", None, None
    return True


def crawl_sites(targets: Sequence[Target], overrides: dict[str, Any],
                on_snapshot: Callable[[TargetSnapshot], None]) -> dict[str, Any]:
    """Crawl `targets` in this process; call `on_snapshot` as each target finishes; return
    the crawl's stats (with its run id). Every target gets a snapshot, even one the crawl
    lost."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.spiders.site import SiteSpider

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # the CLI's handler logs
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_robots_failure_is_news)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    finished: set[str] = set()

    def scraped(item: TargetSnapshot, **_: Any) -> None:
        finished.add(item.url)
        on_snapshot(item)

    crawler.signals.connect(scraped, signal=signals.item_scraped)
    process.crawl(crawler, targets=[target.text for target in targets])
    process.start()
    for target in targets:
        fallback = target.fallback_url
        if target.url not in finished and fallback not in finished:
            logger.error("%s: the crawl ended without a result for this target", target.text)
            on_snapshot(TargetSnapshot(target=target.text, url=target.url, status="error",
                                       error="the crawl ended without a result (see the log)"))
    stats = crawler.stats.get_stats()
    stats["masthead/run_id"] = crawler.settings.get("MASTHEAD_RUN_ID")
    return stats
