"""The crawls of bench/crawl.py, each run in its own process
(`bench/crawl.py --child CONFIG.json`): a bare Scrapy spider and the project's `site` spider."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

from newsweb import is_inline

ERROR_STATUSES = list(range(400, 600))

def _bare_child(config: dict[str, Any]) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    counts: dict[str, int] = {"pages_ok": 0, "images_ok": 0, "failed": 0}
    urls: list[str] = []

    class BareSpider(scrapy.Spider):
        """Fetches the given URLs through the proxy; does nothing with the responses."""

        name = "bare"

        async def start(self):  # type: ignore[override]
            for url in config["urls"]:
                yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                                     meta={"handle_httpstatus_list": ERROR_STATUSES})

        def parse(self, response):  # type: ignore[override]
            kind = "images_ok" if response.url.endswith(".png") else "pages_ok"
            counts[kind if response.status == 200 else "failed"] += 1
            urls.append(response.url)

        def failed(self, failure):
            counts["failed"] += 1

    # Scrapy's own HttpProxyMiddleware sends every request through the proxy, robots.txt
    # requests included (a `meta["proxy"]` on the spider's requests would miss those).
    for variable in ("http_proxy", "https_proxy"):
        os.environ[variable] = config["proxy"]
    for variable in ("no_proxy", "NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY"):
        os.environ.pop(variable, None)
    process = CrawlerProcess(config["settings"])
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    return {**counts, "stats": crawler.stats.get_stats(), "urls": urls}


def _site_child(config: dict[str, Any]) -> dict[str, Any]:
    from crawler.run import crawl_sites
    from crawler.targets import parse_targets

    counts = {"snapshots": 0, "snapshots_ok": 0, "pages_ok": 0, "pages_failed": 0,
              "images_ok": 0, "images_failed": 0, "rendered_ok": 0, "rendered_failed": 0,
              "screenshots": 0, "inline_images": 0}
    urls: list[str] = []
    failed_images: list[str] = []
    spans: list[tuple[float | None, float | None, float | None]] = []
    errors: list[str] = []

    def seconds(stamp: str | None) -> float | None:
        return datetime.datetime.fromisoformat(stamp).timestamp() if stamp else None

    def on_snapshot(snapshot: Any) -> None:
        fetched = [seconds(page.fetched_at) for page in snapshot.pages if not page.rendered]
        spans.append((seconds(snapshot.started_at), min(fetched, default=None),
                      seconds(snapshot.finished_at)))
        counts["snapshots"] += 1
        counts["snapshots_ok"] += snapshot.status == "ok"
        counts["screenshots"] += bool(snapshot.screenshot)
        if snapshot.status != "ok":
            errors.append(f"{snapshot.target}: {snapshot.status} {snapshot.error}")
        for page in snapshot.pages:
            good = page.status == 200 and page.error is None
            if page.rendered:
                counts["rendered_ok" if good else "rendered_failed"] += 1
            else:
                counts["pages_ok" if good else "pages_failed"] += 1
                if good:
                    urls.append(page.url)
            if not good:
                errors.append(f"{page.url} (rendered={page.rendered}): {page.status} {page.error}")
        for image in snapshot.images:
            if is_inline(image.url):
                counts["inline_images"] += 1
            elif image.error is None and image.sha256:
                counts["images_ok"] += 1
                urls.append(image.url)
            else:
                counts["images_failed"] += 1
                failed_images.append(image.url)
                errors.append(f"{image.url}: {image.error}")

    overrides = {**config["settings"], "MASTHEAD_PROXY": config["proxy"],
                 "MASTHEAD_RENDER": config["render"], "MASTHEAD_OUTPUT_DIR": config["output"]}
    stats = crawl_sites(parse_targets(config["targets"]), overrides, on_snapshot)
    return {**counts, "stats": stats, "urls": urls, "failed_images": failed_images,
            "spans": spans, "errors": errors[:50]}


def child_main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    run = _bare_child if config["kind"] == "bare" else _site_child
    if config.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(run, config)
        profiler.dump_stats(config["profile"])
    else:
        result = run(config)
    times = os.times()  # analysis workers are reaped children by now
    result["own_cpu"] = times.user + times.system
    result["children_cpu"] = times.children_user + times.children_system
    result["stats"] = {key: (value.isoformat() if isinstance(value, datetime.datetime) else value)
                       for key, value in result["stats"].items()}
    Path(config["result"]).write_text(json.dumps(result, default=str), encoding="utf-8")


