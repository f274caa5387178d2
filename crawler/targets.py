"""What a user asks to crawl: domains, URLs or IDNs (Unicode or punycode)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from detectors.hostnames import HostnameError, normalise_host

if TYPE_CHECKING:
    from crawler.platforms import Platforms


_COMMENT = re.compile(r"(?:^|\s)#.*$")  # a `#` that starts a word; URL fragments stay


class TargetError(ValueError):
    """A target that cannot be crawled; the message says why."""


@dataclass(frozen=True)
class Target:
    text: str  # as the user gave it
    url: str  # first URL to request (host in punycode)
    host: str
    fallback_url: str | None = None  # plain http, when https was only our guess
    platform: str | None = None  # an account of this platform (see crawler.platforms)
    account_id: str | None = None


def parse_target(text: str, platforms: Platforms | None = None) -> Target:
    """`example.com`, `新华网.中国/about`, `https://xn--…/` → a Target. Bare domains are
    tried over https first, then over plain http if https cannot connect. A URL that a
    platform profile recognises is an account: its target is the account's canonical URL
    (m.weibo.cn/u/1 and weibo.com/u/1 are one target)."""
    value = text.strip()
    if not value:
        raise TargetError("empty target")
    guessed = "://" not in value
    url = urlsplit(f"https://{value}" if guessed else value)
    if url.scheme not in ("http", "https"):
        raise TargetError(f"{value!r}: only http and https URLs can be crawled")
    try:
        host = normalise_host(url.hostname or "")
        port = url.port
    except (HostnameError, ValueError) as exc:
        raise TargetError(f"{value!r}: {exc}") from None
    netloc = f"{host}:{port}" if port else host
    first = urlunsplit((url.scheme, netloc, url.path or "/", url.query, ""))
    fallback = urlunsplit(("http", netloc, url.path or "/", url.query, "")) if guessed else None
    account = platforms.account(first) if platforms is not None else None
    if account is not None:
        canonical = parse_target(account.url)
        return Target(text=canonical.url, url=canonical.url, host=canonical.host,
                      platform=account.platform, account_id=account.account_id)
    return Target(text=value, url=first, host=host, fallback_url=fallback)


def parse_targets(lines: Iterable[str], platforms: Platforms | None = None) -> list[Target]:
    """Targets from lines (blank lines and `#` comments skipped), duplicates dropped."""
    targets: dict[str, Target] = {}
    for line in lines:
        line = _COMMENT.sub("", line).strip()
        if line:
            target = parse_target(line, platforms)
            targets.setdefault(target.url, target)
    return list(targets.values())
