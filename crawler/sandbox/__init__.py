"""The sandbox web: an HTTP forward proxy on loopback that serves many host names from
folders (`DIR/HOST/PATH`), so that tests and the demo crawl realistic sites offline
through the same `--proxy` setting a real user would use."""

from crawler.sandbox.proxy import SandboxProxy
from crawler.sandbox.site import SandboxWeb

__all__ = ["SandboxProxy", "SandboxWeb"]
