"""Masthead's Scrapy project: settings, spiders, items, pipelines, middlewares, and the
`masthead` command line."""

import os

# tldextract (used by Scrapy's cookie handling and by `detectors`) must stay on its bundled
# suffix list: no fetch at run time. Set before tldextract is first imported.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
