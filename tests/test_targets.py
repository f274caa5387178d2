"""What users ask to crawl: domains, URLs, IDNs in Unicode or punycode."""

from __future__ import annotations

import pytest

from crawler.targets import TargetError, parse_target, parse_targets


@pytest.mark.parametrize(
    ("text", "url", "fallback"),
    [
        ("example.com", "https://example.com/", "http://example.com/"),
        ("Example.COM/about?x=1", "https://example.com/about?x=1", "http://example.com/about?x=1"),
        ("http://example.com:8080/a", "http://example.com:8080/a", None),
        ("https://晨报.example.cn/", "https://xn--4ruq7f.example.cn/", None),
        ("晨报.example.cn", "https://xn--4ruq7f.example.cn/", "http://xn--4ruq7f.example.cn/"),
        ("xn--4ruq7f.example.cn", "https://xn--4ruq7f.example.cn/", "http://xn--4ruq7f.example.cn/"),
        ("新华网。中国", "https://xn--xkrr14bows.xn--fiqs8s/", "http://xn--xkrr14bows.xn--fiqs8s/"),
    ],
)
def test_targets_become_urls(text: str, url: str, fallback: str | None) -> None:
    target = parse_target(text)
    assert (target.url, target.fallback_url) == (url, fallback)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ftp://example.com/", "only http and https URLs can be crawled"),
        ("file:///etc/passwd", "only http and https URLs can be crawled"),
        ("not a domain", "is not a valid host name"),
        ("localhost", "is not a valid host name"),
        ("http://exa mple.com/", "is not a valid host name"),
    ],
)
def test_bad_targets_say_why(text: str, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        parse_target(text)


def test_lists_skip_comments_and_duplicates() -> None:
    lines = ["# watch list", "", "晨报.example.cn  # IDN", "xn--4ruq7f.example.cn",
             "https://example.com/#top", "example.org"]
    assert [t.url for t in parse_targets(lines)] == [
        "https://xn--4ruq7f.example.cn/", "https://example.com/", "https://example.org/"]
