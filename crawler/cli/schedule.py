"""`masthead schedule`: crawl a watch list at regular times, until stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from crawler.cli.context import UserError
from crawler.cli.crawl import read_watchlist
from crawler.cli.crawling import crawl_options


@click.command()
@click.option("--targets", "targets_file", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path), help="Watch list (as for crawl).")
@click.option("--every", metavar="INTERVAL", help="Interval between crawls: 90s, 30m, 6h, 1d.")
@click.option("--cron", metavar="EXPR", help='Cron expression (UTC), e.g. "0 */6 * * *".')
@crawl_options
def schedule(targets_file: Path, every: str | None, cron: str | None, **options: Any) -> None:
    """Start a crawl of the watch list at each tick (never two at once); an interrupted
    crawl is finished at the next tick. Stops cleanly on SIGTERM or Ctrl-C."""
    from crawler.schedule import CrawlScheduler, crawl_command, log_runs_to_stderr, trigger

    if bool(every) == bool(cron):
        raise click.UsageError("give exactly one of --every and --cron")
    read_watchlist(targets_file)  # a broken watch list is reported now, not at the first tick
    try:
        when = trigger(every, cron)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    arguments = ["crawl", "--targets", str(targets_file), "--resume", "--render", options["render"],
                 "--out", options["out"], "--max-pages", str(options["max_pages"]),
                 "--site-timeout", str(options["site_timeout"])]
    root = click.get_current_context().find_root()
    arguments = [item for path in root.obj.registry_paths for item in ("--registry", path)] + arguments
    for flag in ("proxy", "db"):
        if options[flag]:
            arguments += [f"--{flag}", options[flag]]
    for flag in ("ignore_robots", "allow_private"):
        if options[flag]:
            arguments.append("--" + flag.replace("_", "-"))
    log_runs_to_stderr()
    CrawlScheduler(crawl_command(arguments), when).run()
