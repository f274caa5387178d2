"""The `masthead` command line: a thin layer over `detectors` and the Scrapy project.

Commands import Scrapy only when they crawl, so that triage commands start fast.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import version

import click

from crawler.cli.context import CliContext, UserError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--registry", "registries", multiple=True, metavar="PATH",
              type=click.Path(dir_okay=False, path_type=str),
              help="Registry of genuine organisations to use instead of the bundled one "
                   "(repeatable; files merge, a clash is an error).")
@click.option("--platforms", "platform_dirs", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Folder of platform profiles (YAML) to load beside the built-in ones "
                   "(repeatable; a profile named like a built-in one replaces it).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(version("masthead"), prog_name="masthead")
@click.pass_context
def cli(ctx: click.Context, registries: tuple[str, ...], platform_dirs: tuple[str, ...], verbose: int) -> None:
    """Masthead: crawl news sites and platform accounts, and flag counterfeit outlets."""
    handler = logging.StreamHandler()
    handler.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    logging.basicConfig(handlers=[handler], level=handler.level)
    ctx.obj = CliContext(registry_paths=registries, platform_dirs=platform_dirs)


def _register_commands() -> None:
    from crawler.cli import check, crawl, diff, export, label, platforms, registry, sandbox, scan, schedule

    cli.add_command(check.check)
    cli.add_command(crawl.crawl)
    cli.add_command(diff.diff)
    cli.add_command(export.export)
    cli.add_command(label.label)
    cli.add_command(schedule.schedule)
    cli.add_command(registry.registry)
    cli.add_command(platforms.platforms)
    cli.add_command(sandbox.sandbox)
    cli.add_command(scan.scan)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors print one line and exit 2, never a traceback."""
    try:
        code = cli.main(args=argv, prog_name="masthead", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("masthead: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        click.echo(f"masthead: error: {exc.format_message()}{hint}", err=True)
        sys.exit(2 if isinstance(exc, (click.UsageError, UserError)) else exc.exit_code)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`masthead ... | head`): not an error
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)
