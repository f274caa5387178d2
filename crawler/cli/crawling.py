"""Options shared by every command that crawls, and the Scrapy settings they become."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from crawler.cli.context import UserError

if TYPE_CHECKING:
    from crawler.store import Store


def _proxy_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    url = urlsplit(value)
    if url.scheme not in ("http", "https") or not url.hostname or url.port is None:
        raise click.BadParameter(f"{value!r} is not a proxy URL like http://127.0.0.1:8899")
    return value


_OPTIONS = (
    click.option("--render", type=click.Choice(["auto", "always", "never"]), default="auto",
                 show_default=True,
                 help="Render pages in Chromium: auto renders the home page (and screenshots "
                      "it) and any page that is a JavaScript shell or shows no identity."),
    click.option("--proxy", callback=_proxy_url, metavar="URL",
                 help="HTTP proxy for every request, Chromium's included "
                      "(e.g. the sandbox web's URL)."),
    click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False),
                 help="Folder for evidence and the default database."),
    click.option("--db", metavar="URL",
                 help="Store (SQLAlchemy URL, e.g. postgresql://…); default sqlite:///OUT/masthead.db."),
    click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (investigations)."),
    click.option("--allow-private", is_flag=True,
                 help="Also fetch private, loopback and link-local addresses (lab use)."),
    click.option("--max-pages", type=click.IntRange(1, 50), default=5, show_default=True,
                 help="Pages fetched per site, home page included."),
    click.option("--site-timeout", type=click.FloatRange(1, 3600), default=180, show_default=True,
                 help="Seconds allowed for one site's pages, renders and images."),
)


def crawl_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with the crawl options."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def crawl_overrides(render: str, proxy: str | None, out: str, db: str | None, ignore_robots: bool,
                    allow_private: bool, max_pages: int, site_timeout: float) -> dict[str, Any]:
    """Scrapy settings for the crawl options."""
    from crawler.browser import BrowserNotFound, chromium_executable

    if render == "always":
        try:
            chromium_executable()
        except BrowserNotFound as exc:
            raise UserError(f"--render always: {exc}") from None
    root = click.get_current_context().find_root()
    root.obj.registry()  # a broken registry or profile is reported before any crawling starts
    root.obj.platforms()
    verbosity = root.params.get("verbose", 0)
    return {
        "MASTHEAD_REGISTRY": list(root.obj.registry_paths),
        "MASTHEAD_PLATFORMS": list(root.obj.platform_dirs),
        "MASTHEAD_RENDER": render,
        "MASTHEAD_PROXY": proxy,
        "MASTHEAD_OUTPUT_DIR": out,
        "MASTHEAD_DB": open_store(db, out).url,
        "ROBOTSTXT_OBEY": not ignore_robots,
        "MASTHEAD_ALLOW_PRIVATE": allow_private,
        "MASTHEAD_MAX_PAGES_PER_SITE": max_pages,
        "MASTHEAD_SITE_TIMEOUT": site_timeout,
        "LOG_LEVEL": {0: "WARNING", 1: "INFO"}.get(verbosity, "DEBUG"),
    }


def open_store(db: str | None, out: str) -> Store:
    """The store of `--db`, or the default one under `--out`; a bad URL is a user error."""
    from crawler.store import Store, default_db_url
    from crawler.store.database import StoreError

    try:
        return Store(db or default_db_url(out))
    except StoreError as exc:
        raise UserError(str(exc)) from None


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--out` and `--db`, for commands that read the store."""
    command = click.option("--db", metavar="URL", help="Store URL; default sqlite:///OUT/masthead.db.")(command)
    return click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False),
                        help="Folder of the default database and of evidence.")(command)
