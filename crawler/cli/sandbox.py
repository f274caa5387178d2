"""`masthead sandbox DIR`: serve a folder of sites through a local forward proxy."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from crawler.cli.context import UserError


@click.command()
@click.argument("root", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8899, show_default=True,
              help="Port to listen on; 0 takes a free one.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
def sandbox(root: Path, port: int, bind: str) -> None:
    """Answer `http(s)://HOST/PATH` from DIR/HOST/PATH, as an HTTP forward proxy.

    \b
    Optional per-host files:
      DIR/HOST/_redirects   lines "PATH STATUS LOCATION" (PATH may start with http: or https:)
      DIR/HOST/_headers     lines "PATH Header-Name: value" (PATH may use * wildcards)
      DIR/HOST/_slow        lines "PATH SECONDS [BYTES_PER_SECOND]": wait, then trickle
    The first line printed is "proxy: http://ADDRESS:PORT". Crawl through it with --proxy.
    """
    from crawler.sandbox import SandboxProxy

    try:
        server = SandboxProxy(root, host=bind, port=port)
    except (NotADirectoryError, OSError) as exc:
        raise UserError(str(exc)) from None

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Before the URL is printed: a parent may stop us as soon as it has read it.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"proxy: {server.url}")
    click.get_text_stream("stdout").flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
    click.echo("sandbox stopped", err=True)
