"""`masthead crawl --targets FILE --accounts FILE`: crawl a watch list of sites and/or
platform accounts into the store, resumable."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from crawler.cli.context import UserError
from crawler.cli.crawling import crawl_options, crawl_overrides, open_store
from crawler.items import TargetSnapshot
from crawler.platforms import Platforms
from crawler.targets import Target, TargetError, parse_targets


def read_watchlist(path: Path, platforms: Platforms, accounts: bool = False) -> list[Target]:
    """Targets of a watch list: one domain or URL per line (# comments), or a CSV file
    with a `target` column. With `accounts`, every line must be an account URL that a
    platform profile recognises."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read watch list ({exc})") from None
    lines = text.splitlines()
    header = next(csv.reader(lines[:1]), [])
    column = next((name for name in header if name.strip().lower() == "target"), None)
    if column is not None:
        lines = [row[column] or "" for row in csv.DictReader(lines)]
    try:
        targets = parse_targets(lines, platforms)
    except TargetError as exc:
        raise UserError(f"{path}: {exc}") from None
    if not targets:
        raise UserError(f"{path}: no targets in the watch list")
    if accounts:
        stray = next((target for target in targets if target.platform is None), None)
        if stray is not None:
            raise UserError(f"{path}: {stray.text!r} is not an account URL of any platform loaded "
                            f"(see 'masthead platforms list')")
    return targets


@click.command()
@click.option("--targets", "targets_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Watch list: one domain or URL per line (# comments), or CSV with a target column.")
@click.option("--accounts", "accounts_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Platform accounts to watch: one account URL per line (# comments), or CSV "
                   "with a target column.")
@click.option("--resume", is_flag=True,
              help="Finish the last interrupted crawl of this watch list instead of starting anew.")
@crawl_options
def crawl(targets_file: Path | None, accounts_file: Path | None, resume: bool, **options: Any) -> None:
    """Crawl a watch list of sites and/or accounts into the store: one run, each target
    once, with progress."""
    from filelock import FileLock, Timeout

    if targets_file is None and accounts_file is None:
        raise click.UsageError("give --targets FILE, --accounts FILE or both")
    platforms = click.get_current_context().find_root().obj.platforms()
    targets: list[Target] = []
    if targets_file is not None:
        targets += read_watchlist(targets_file, platforms)
    if accounts_file is not None:
        known = {target.url for target in targets}
        targets += [target for target in read_watchlist(accounts_file, platforms, accounts=True)
                    if target.url not in known]
    source = " + ".join(str(path.resolve()) for path in (targets_file, accounts_file) if path is not None)
    Path(options["out"]).mkdir(parents=True, exist_ok=True)
    lock = FileLock(Path(options["out"]) / "crawl.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"another crawl is running (lock {lock.lock_file}); not starting a second") from None
    try:
        _crawl(targets, source, resume, options, platforms)
    finally:
        lock.release()


def _crawl(targets: list[Target], source: str, resume: bool, options: dict[str, Any],
           platforms: Platforms) -> None:
    overrides = crawl_overrides(**options)
    store = open_store(options["db"], options["out"])
    run_id = store.unfinished_run("crawl", source) if resume else None
    if resume and run_id is None:
        click.echo("masthead: nothing to resume for this watch list: starting a new run", err=True)
    if run_id is not None:
        targets = parse_targets(store.pending(run_id), platforms)
        click.echo(f"resuming run {run_id}: {len(targets)} target(s) left", err=True)
    overrides.update(MASTHEAD_RUN_KIND="crawl", MASTHEAD_WATCHLIST=source)
    if run_id is not None:
        overrides["MASTHEAD_RUN_ID"] = run_id

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from crawler.run import crawl_sites
    from crawler.store.database import SUSPECT_VERDICTS

    counts = {"suspects": 0, "errors": 0}
    progress = Progress(TextColumn("crawling"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("suspects {task.fields[suspects]} · errors {task.fields[errors]}"),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=False)

    def done(snapshot: TargetSnapshot) -> None:
        counts["suspects"] += snapshot.verdict in SUSPECT_VERDICTS
        counts["errors"] += snapshot.status != "ok"
        progress.update(task, advance=1, **counts)

    with progress:
        task = progress.add_task("crawl", total=len(targets), **counts)
        stats = crawl_sites(targets, overrides, done) if targets else {}
    if not targets and run_id is not None:
        store.finish_run(run_id)
    run = stats.get("masthead/run_id", run_id)
    summary = store.run_summary(run) if run else None
    if summary:
        click.echo(f"run {summary['id']} {summary['status']}: {summary['targets_done']}/"
                   f"{summary['targets_total']} targets, {summary['suspects']} suspects, "
                   f"{summary['errors']} errors")
