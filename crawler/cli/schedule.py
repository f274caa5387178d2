"""`masthead schedule`: crawl a watch list at regular times, until stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from crawler.cli.context import UserError
from crawler.cli.crawl import read_watchlist
from crawler.cli.crawling import crawl_options


@click.command()
@click.option("--targets", "targets_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path), help="Watch list (as for crawl).")
@click.option("--accounts", "accounts_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path), help="Platform accounts (as for crawl).")
@click.option("--every", metavar="INTERVAL", help="Interval between crawls: 90s, 30m, 6h, 1d.")
@click.option("--cron", metavar="EXPR", help='Cron expression (UTC), e.g. "0 */6 * * *".')
@crawl_options
def schedule(targets_file: Path | None, accounts_file: Path | None, every: str | None, cron: str | None,
             **options: Any) -> None:
    """Start a crawl of the watch list at each tick (never two at once); an interrupted
    crawl is finished at the next tick. Stops cleanly on SIGTERM or Ctrl-C."""
    from crawler.schedule import CrawlScheduler, crawl_command, log_runs_to_stderr, trigger

    if bool(every) == bool(cron):
        raise click.UsageError("give exactly one of --every and --cron")
    if targets_file is None and accounts_file is None:
        raise click.UsageError("give --targets FILE, --accounts FILE or both")
    root = click.get_current_context().find_root()
    # A broken watch list is reported now, not at the first tick.
    lists = []
    if targets_file is not None:
        read_watchlist(targets_file, root.obj.platforms())
        lists += ["--targets", str(targets_file)]
    if accounts_file is not None:
        read_watchlist(accounts_file, root.obj.platforms(), accounts=True)
        lists += ["--accounts", str(accounts_file)]
    try:
        when = trigger(every, cron)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    arguments = ["crawl", *lists, "--resume", "--render", options["render"],
                 "--out", options["out"], "--max-pages", str(options["max_pages"]),
                 "--site-timeout", str(options["site_timeout"])]
    arguments = [item for path in root.obj.registry_paths for item in ("--registry", path)] + \
        [item for folder in root.obj.platform_dirs for item in ("--platforms", folder)] + arguments
    for flag in ("proxy", "db"):
        if options[flag]:
            arguments += [f"--{flag}", options[flag]]
    for flag in ("ignore_robots", "allow_private"):
        if options[flag]:
            arguments.append("--" + flag.replace("_", "-"))
    log_runs_to_stderr()
    CrawlScheduler(crawl_command(arguments), when).run()
