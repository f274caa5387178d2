"""How a fetch ended, in words a person reads: statuses and failure reasons."""

from __future__ import annotations

import re
from http import HTTPStatus

from twisted.internet import error as net
from twisted.python.failure import Failure

GONE = {404, 410}
BLOCKED = {401, 403, 429, 451}


def http_outcome(status: int) -> tuple[str, str | None]:
    """(status, reason) of a target whose home page answered with HTTP `status`."""
    if status < 400:
        return "ok", None
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    reason = f"HTTP {status} {phrase}"
    if status in GONE:
        return "gone", reason
    if status in BLOCKED:
        return "blocked", reason
    return "error", reason


def failure_reason(failure: Failure) -> str:
    """A short reason for a failed download."""
    from scrapy.core.downloader.handlers.http11 import TunnelError
    from scrapy import exceptions as scrapy_errors
    from scrapy.exceptions import IgnoreRequest

    exc = failure.value
    too_large = _too_large(exc)
    if too_large:
        return too_large
    # Scrapy ≥ 2.19 wraps Twisted's errors in its own; both kinds are named here.
    known = (
        ((net.DNSLookupError, scrapy_errors.CannotResolveHostError), "host name not found (DNS)"),
        ((net.ConnectionRefusedError, scrapy_errors.DownloadConnectionRefusedError), "connection refused"),
        ((net.TimeoutError, net.TCPTimedOutError, scrapy_errors.DownloadTimeoutError), "timed out"),
        (TunnelError, "the proxy could not reach the host"),
        ((net.ConnectionLost, scrapy_errors.ResponseDataLossError), "connection lost"),
    )
    for kinds, reason in known:
        if isinstance(exc, kinds):
            return reason
    if isinstance(exc, IgnoreRequest):
        return str(exc) or "request ignored"
    name = type(exc).__name__
    text = " ".join(str(exc).split())[:200]
    return f"{name}: {text}" if text else name


def _too_large(exc: BaseException) -> str | None:
    """The reason for a body over `DOWNLOAD_MAXSIZE` — announced by its length, found while
    reading, or reached while decompressing (a compression bomb) — else None."""
    from scrapy.exceptions import DownloadCancelledError

    cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else ""
    if cause == "_DecompressionMaxSizeExceeded":
        size = getattr(exc.__cause__, "max_size", None)
        return f"too large: more than {_mib(size)} once decompressed (a compression bomb?)"
    if isinstance(exc, DownloadCancelledError) and "max size" in str(exc):
        numbers = [int(n) for n in re.findall(r"\((\d+)\)", str(exc))]
        return f"too large: more than {_mib(numbers[-1] if numbers else None)}"
    return None


def _mib(size: int | None) -> str:
    return f"{size / 1024 / 1024:g} MiB" if size else "the download size limit"
