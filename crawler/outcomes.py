"""How a fetch ended, in words a person reads: statuses and failure reasons."""

from __future__ import annotations

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
    from scrapy.exceptions import IgnoreRequest

    exc = failure.value
    known = (
        (net.DNSLookupError, "host name not found (DNS)"),
        (net.ConnectionRefusedError, "connection refused"),
        ((net.TimeoutError, net.TCPTimedOutError), "timed out"),
        (TunnelError, "the proxy could not reach the host"),
        (net.ConnectionLost, "connection lost"),
    )
    for kinds, reason in known:
        if isinstance(exc, kinds):
            return reason
    if isinstance(exc, IgnoreRequest):
        return str(exc) or "request ignored"
    name = type(exc).__name__
    text = " ".join(str(exc).split())[:200]
    return f"{name}: {text}" if text else name
