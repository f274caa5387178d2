"""The crawl's garbage-collector tuning: set for the crawl, put back after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings as project
from crawler.collector import CollectorTuning


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_the_crawl_collects_young_objects_less_often_and_puts_it_back(thresholds: tuple[int, int, int]) -> None:
    crawler = get_crawler(settings_dict={"MASTHEAD_GC_THRESHOLD": 50_000})
    tuning = CollectorTuning.from_crawler(crawler)  # noqa: F841 - held, as the extension manager holds it (signals keep weak references)
    assert gc.get_threshold() == (50_000, *thresholds[1:])
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == thresholds


def test_zero_leaves_the_collector_alone(thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(NotConfigured):
        CollectorTuning.from_crawler(get_crawler(settings_dict={"MASTHEAD_GC_THRESHOLD": 0}))
    assert gc.get_threshold() == thresholds


def test_the_project_enables_it() -> None:
    settings = Settings()
    settings.setmodule(project)
    assert "crawler.collector.CollectorTuning" in settings.getdict("EXTENSIONS")
    assert settings.getint("MASTHEAD_GC_THRESHOLD") > gc.get_threshold()[0]
