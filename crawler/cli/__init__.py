"""The `masthead` command line: a thin layer over `detectors` and the Scrapy project.

Commands import Scrapy only when they crawl, so that triage commands start fast.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from importlib.metadata import version

import click

from crawler.cli.context import CliContext, UserError


class _LazyGroup(click.Group):
    """A group whose sub-commands are imported when asked for (click's lazy-loading recipe)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMANDS:
            module = import_module(f"crawler.cli.{_COMMANDS[cmd_name]}")
            self.add_command(getattr(module, cmd_name))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


# name → module of crawler.cli defining it (as an attribute of the same name): imported when
# the command runs, so that `masthead check domains` does not import the crawl's Scrapy,
# SQLAlchemy or Playwright stack (~0.8 s of start-up).
_COMMANDS = {name: name for name in
             ("check", "crawl", "diff", "export", "label", "platforms", "registry", "sandbox", "scan", "schedule")}


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
