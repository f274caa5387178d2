"""The crawl process's garbage collector, tuned for a heap that Scrapy keeps large.

CPython runs a young-generation collection every 700 container allocations, and a full
one every 100 of those, each walking every object alive: Scrapy, Twisted, the registry,
the public suffix list and every visit in progress — ~340,000 objects in the benchmark's
crawl, ~140 ms a full collection. Measured in bench/crawl.py's site run, the crawl's thread
spent 2.0 s of its 18 s in the collector (914 young, 82 middle and 7 full collections).
With a young threshold of 50,000 it spent 0.23 s (9 collections, none full) and its CPU
time fell to 15.3 s. The garbage the collector finds meanwhile is cycles of finished
requests and responses, freed a little later: tens of MB at most. The analysis workers
keep the default: reading a page allocates few containers (under 0.5 % of their time).
The threshold is put back when the engine stops, for a process that goes on after it.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self


class CollectorTuning:
    """`MASTHEAD_GC_THRESHOLD`: container allocations between young-generation collections
    from the crawl's set-up to its end (0 leaves the collector as it is)."""

    def __init__(self, threshold: int):
        self.previous = gc.get_threshold()
        gc.set_threshold(threshold, *self.previous[1:])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = crawler.settings.getint("MASTHEAD_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("MASTHEAD_GC_THRESHOLD is 0")
        tuning = cls(threshold)
        crawler.signals.connect(tuning.engine_stopped, signal=signals.engine_stopped)
        return tuning

    def engine_stopped(self) -> None:
        gc.set_threshold(*self.previous)
