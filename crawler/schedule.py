"""Scheduled crawls: a long-running scheduler that starts one crawl per tick, never two at
once, logs each run and stops cleanly on SIGTERM.

Each tick runs `masthead crawl --resume` in a child process (Scrapy's reactor runs once
per process): an interrupted run is finished first, otherwise a new run starts. The crawl
takes the store's lock itself, so a tick that finds another crawl running is skipped.
"""

from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

logger = logging.getLogger("masthead.schedule")  # the log of runs: see log_runs_to_stderr()

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$", re.I)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
STOP_GRACE = 60  # seconds a crawl is given to close cleanly when the scheduler stops


def trigger(every: str | None, cron: str | None) -> BaseTrigger:
    """`--every 6h` (s, m, h, d) or `--cron "0 */6 * * *"`; raises ValueError."""
    if every:
        match = _EVERY.match(every)
        if not match or float(match.group(1)) <= 0:
            raise ValueError(f"--every {every!r}: give a number and a unit, like 90s, 30m, 6h or 1d")
        seconds = float(match.group(1)) * _SECONDS[match.group(2).lower()]
        return IntervalTrigger(seconds=seconds, timezone=timezone.utc)
    if cron:
        return CronTrigger.from_crontab(cron, timezone=timezone.utc)
    raise ValueError("give --every or --cron")


class CrawlScheduler:
    """Runs `command` (a crawl) at each tick of `trigger`, one at a time."""

    def __init__(self, command: Sequence[str], schedule: BaseTrigger):
        self.command = list(command)
        self.scheduler = BlockingScheduler(timezone=timezone.utc)
        first = datetime.now(timezone.utc) if isinstance(schedule, IntervalTrigger) else None
        self.scheduler.add_job(self.tick, schedule, id="crawl", max_instances=1, coalesce=True,
                               misfire_grace_time=None, next_run_time=first)
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopping = False
        self.ticks = 0

    def tick(self) -> None:
        with self._lock:
            if self._stopping:
                return
            self.ticks += 1
            number = self.ticks
            logger.info("tick %d: starting %s", number, " ".join(self.command[2:]))
            self._child = subprocess.Popen(self.command)
        code = self._child.wait()
        with self._lock:
            self._child = None
        outcome = {0: "finished", 2: "skipped or refused (see above)"}.get(code, f"ended with status {code}")
        logger.info("tick %d: crawl %s", number, outcome)

    def stop(self, signum: int | None = None, frame: object = None) -> None:
        """Stop ticking; ask a running crawl to close (it is resumed next time)."""
        with self._lock:
            self._stopping = True
            child = self._child
        logger.info("stopping the scheduler%s", " and the running crawl" if child else "")
        if child is not None:
            child.send_signal(signal.SIGINT)  # Scrapy closes the spider and marks the run interrupted
            try:
                child.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                child.kill()
        self.scheduler.shutdown(wait=False)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("scheduler started: %s", self.scheduler.get_job("crawl").trigger)
        self.scheduler.start()
        logger.info("scheduler stopped after %d tick(s)", self.ticks)


def log_runs_to_stderr() -> None:
    """The scheduler's own log (one line per tick and outcome), whatever -v says."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s schedule: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def crawl_command(arguments: Sequence[str]) -> list[str]:
    """The child command of a tick: this Python, this Masthead, `crawl --resume …`."""
    return [sys.executable, "-m", "crawler.cli", *arguments]
