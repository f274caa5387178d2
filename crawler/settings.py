"""Scrapy settings for Masthead. Masthead's own settings share the `MASTHEAD_` prefix;
`masthead scan` and friends override them from their options."""

from crawler.items import TargetSnapshot

BOT_NAME = "masthead"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Masthead --------------------------------------------------------------------------
MASTHEAD_OUTPUT_DIR = "output"  # evidence goes to OUTPUT_DIR/evidence/<run-id>/<host>/
MASTHEAD_RUN_ID = None  # generated when the crawl starts (crawler.addons.RunAddon)
MASTHEAD_RUN_KIND = "scan"  # scan | crawl
MASTHEAD_WATCHLIST = None  # the watch list a crawl came from (what --resume looks for)
MASTHEAD_DB = None  # SQLAlchemy URL; default: sqlite:///OUTPUT_DIR/masthead.db
MASTHEAD_REGISTRY = []  # registry YAML files; empty: the bundled seeds/registry.yaml
MASTHEAD_PLATFORMS = []  # folders of platform profiles beside the built-in seeds/platforms/
MASTHEAD_PROXY = None  # http://host:port, used by Scrapy's downloader and by Chromium
MASTHEAD_ALLOW_PRIVATE = False  # fetch private, loopback and link-local addresses (lab use)
MASTHEAD_RENDER = "auto"  # auto | always | never
MASTHEAD_MAX_PAGES_PER_SITE = 5  # home page included
MASTHEAD_ANALYSIS_WORKERS = None  # processes reading pages and judging targets; None: one per spare core
MASTHEAD_OPEN_SITES = 64  # sites visited at once (each has one request in flight at a time)
MASTHEAD_GC_THRESHOLD = 50_000  # allocations between young collections in the crawl (crawler.collector)
MASTHEAD_MAX_IMAGES_PER_SITE = 8
MASTHEAD_IMAGE_MAX_BYTES = 2 * 1024 * 1024
MASTHEAD_SITE_TIMEOUT = 180  # seconds for one site's pages and images, renders included
MASTHEAD_RENDER_TIMEOUT = 20  # seconds for one rendered page to load
MASTHEAD_SETTLE_TIME = 1.5  # seconds given to scripts after the DOM is ready
MASTHEAD_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled at each retry
MASTHEAD_RETRY_BACKOFF_MAX = 30.0

# --- Politeness --------------------------------------------------------------------------
USER_AGENT = "Mozilla/5.0 (compatible; Masthead/0.1; +https://github.com/masthead-news/masthead)"
ROBOTSTXT_OBEY = True  # `--ignore-robots` for investigators
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False
# A callback yields one thing (the next request of its site, or its snapshot); Scrapy
# starts CONCURRENT_ITEMS asyncio workers per callback output, so its default of 100 cost
# the site spider more CPU than parsing the pages.
CONCURRENT_ITEMS = 1

# --- Bounds ------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 2
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # the target's error says it; no traceback for a dead site
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.AddressGuardMiddleware": 50,  # before robots.txt (100) and redirects (600)
    "crawler.middlewares.RedirectLoopMiddleware": 60,
    "crawler.middlewares.SiteClockMiddleware": 340,  # before DownloadTimeoutMiddleware (350)
    "crawler.middlewares.ProxyMiddleware": 740,  # before Scrapy's HttpProxyMiddleware (750)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ImageEvidencePipeline": 100,
    "crawler.pipelines.EvidencePipeline": 200,
    "crawler.detection.DetectionPipeline": 300,
    "crawler.pipelines.StorePipeline": 400,
}
ADDONS = {"crawler.addons.RunAddon": 0, "crawler.addons.RenderingAddon": 10}
EXTENSIONS = {"crawler.collector.CollectorTuning": 0}
TWISTED_DNS_RESOLVER = "crawler.addresses.PublicAddressResolver"

# Rendering (used when MASTHEAD_RENDER is not `never`; see crawler.addons).
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_CONTEXTS = {
    "default": {
        "ignore_https_errors": True,
        "viewport": {"width": 1280, "height": 800},
        "java_script_enabled": True,
        "service_workers": "block",
    }
}
# PLAYWRIGHT_ABORT_REQUEST is a crawler.middlewares.BrowserRequestFilter set by crawler.addons.

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# Every field of a snapshot but its in-transit bytes.
FEED_EXPORT_FIELDS = [name for name in TargetSnapshot.__dataclass_fields__ if name != "blobs"]
LOG_LEVEL = "INFO"
