"""The sandbox web: a forward proxy serving many host names from folders."""

from __future__ import annotations

import signal
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

GBK_PAGE = "<html><head><meta charset='gbk'><title>新闻中心</title></head></html>".encode("gbk")


@pytest.fixture
def web(tmp_path: Path) -> Path:
    """A small sandbox web: nested paths, a GBK page, an IDN host, redirects, headers."""
    root = tmp_path / "web"
    site = root / "news.example.com"
    (site / "a" / "b").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "a" / "b" / "page.html").write_text("<p>deep</p>", encoding="utf-8")
    (site / "a" / "index.html").write_text("<p>folder</p>", encoding="utf-8")
    (site / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (site / "gbk.html").write_bytes(GBK_PAGE)
    (site / "page.html.gz").write_bytes(b"\x1f\x8b compressed bytes")
    (site / "_redirects").write_text(
        "# PATH STATUS LOCATION\n"
        "/old 301 /a/b/page.html\n"
        "http:/secure 302 https://news.example.com/\n"
        "/away 302 http://other.example.net/\n",
        encoding="utf-8",
    )
    (site / "_headers").write_text(
        "/page.html.gz Content-Encoding: gzip\n/a/* X-Section: a\n", encoding="utf-8"
    )
    idn = root / "新华.中国"
    idn.mkdir()
    (idn / "index.html").write_text("idn", encoding="utf-8")
    return root


def fetch(proxy: str, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET through the proxy without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": proxy, "https": proxy}),
        urllib.request.HTTPSHandler(context=insecure),
        NoRedirect,
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_first_line_is_the_proxy_url_and_sigterm_stops_cleanly(sandbox, web: Path) -> None:
    running = sandbox(web)
    assert running.url.startswith("http://127.0.0.1:")
    assert not running.url.endswith(":0")
    assert running.stop() == 0
    assert running.process.returncode == 0


def test_hosts_nested_paths_and_folders(sandbox, web: Path) -> None:
    proxy = sandbox(web).url
    assert fetch(proxy, "http://news.example.com/")[2] == b"<h1>home</h1>"
    assert fetch(proxy, "http://NEWS.example.com:80/a/b/page.html")[2] == b"<p>deep</p>"
    assert fetch(proxy, "http://news.example.com/a/")[2] == b"<p>folder</p>"
    status, headers, _ = fetch(proxy, "http://news.example.com/a")
    assert (status, headers["Location"]) == (301, "/a/")
    status, headers, body = fetch(proxy, "http://news.example.com/logo.png?v=2")
    assert (status, headers["Content-Type"], body) == (200, "image/png", b"\x89PNG\r\n\x1a\nfake")


def test_bytes_are_served_as_on_disk(sandbox, web: Path) -> None:
    status, headers, body = fetch(sandbox(web).url, "http://news.example.com/gbk.html")
    assert (status, body) == (200, GBK_PAGE)
    assert headers["Content-Type"] == "text/html"  # no charset added: the page's own meta rules


def test_missing_path_is_404_and_unknown_host_is_502(sandbox, web: Path) -> None:
    proxy = sandbox(web).url
    assert fetch(proxy, "http://news.example.com/nope.html")[0] == 404
    assert fetch(proxy, "http://unknown.example.org/")[0] == 502
    with pytest.raises(urllib.error.URLError, match="Tunnel connection failed: 502"):
        fetch(proxy, "https://unknown.example.org/")


def test_traversal_and_rule_files_are_not_served(sandbox, web: Path) -> None:
    proxy = sandbox(web).url
    assert fetch(proxy, "http://news.example.com/_redirects")[0] == 404
    assert fetch(proxy, "http://news.example.com/%2e%2e/%2e%2e/etc/passwd")[0] == 404
    assert fetch(proxy, "http://../etc/")[0] == 502


def test_redirect_rules(sandbox, web: Path) -> None:
    proxy = sandbox(web).url
    status, headers, _ = fetch(proxy, "http://news.example.com/old")
    assert (status, headers["Location"]) == (301, "/a/b/page.html")
    status, headers, _ = fetch(proxy, "http://news.example.com/secure")
    assert (status, headers["Location"]) == (302, "https://news.example.com/")
    assert fetch(proxy, "https://news.example.com/secure")[0] == 404  # the rule is http: only


def test_header_rules(sandbox, web: Path) -> None:
    proxy = sandbox(web).url
    status, headers, body = fetch(proxy, "http://news.example.com/page.html.gz")
    assert (status, headers["Content-Encoding"], body) == (200, "gzip", b"\x1f\x8b compressed bytes")
    assert fetch(proxy, "http://news.example.com/a/b/page.html")[1]["X-Section"] == "a"
    assert "X-Section" not in fetch(proxy, "http://news.example.com/")[1]


def test_https_through_connect(sandbox, web: Path) -> None:
    proxy = sandbox(web).url
    assert fetch(proxy, "https://news.example.com/a/b/page.html")[2] == b"<p>deep</p>"


def test_idn_hosts_in_punycode_find_their_unicode_folder(sandbox, web: Path) -> None:
    assert fetch(sandbox(web).url, "http://xn--xkrr14b.xn--fiqs8s/")[2] == b"idn"


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    from tests.conftest import run_masthead

    result = run_masthead("sandbox", str(tmp_path / "nope"), "--port", "0")
    assert result.returncode == 2
    assert result.stderr.strip() == f"masthead: error: sandbox folder not found: {tmp_path / 'nope'}"


def test_playwright_chromium_goes_through_the_proxy(sandbox, web: Path) -> None:
    from playwright.sync_api import sync_playwright

    from crawler.browser import launch_options

    proxy = sandbox(web).url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(proxy))
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.goto("http://news.example.com/gbk.html")
            assert page.title() == "新闻中心"
            page.goto("https://news.example.com/")
            assert page.inner_text("h1") == "home"
        finally:
            browser.close()


def test_sigint_also_stops(sandbox, web: Path) -> None:
    running = sandbox(web)
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=10) == 0


def test_slow_rules_delay_and_trickle(sandbox, web: Path) -> None:
    import time

    site = web / "news.example.com"
    (site / "_slow").write_text("/a/b/page.html 1\n/gbk.html 0 20\n", encoding="utf-8")
    proxy = sandbox(web).url
    started = time.monotonic()
    assert fetch(proxy, "http://news.example.com/a/b/page.html")[2] == b"<p>deep</p>"
    assert time.monotonic() - started >= 0.9
    started = time.monotonic()
    assert fetch(proxy, "http://news.example.com/gbk.html")[2] == GBK_PAGE  # 70 bytes at 20 bytes/s
    assert time.monotonic() - started >= 2.9
    assert fetch(proxy, "http://news.example.com/_slow")[0] == 404


def test_generate_rules_make_up_hostile_answers(sandbox, web: Path) -> None:
    import gzip
    import zlib

    site = web / "news.example.com"
    (site / "noise.html").write_bytes(b"")  # a real file: the rule comes first
    (site / "_generate").write_text(
        "# PATH KIND [SIZE|COUNT]\n/big.html html 3M\n/bomb.html gzip 20M\n/bomb2.html deflate 1M\n"
        "/noise.html binary 4K\n/links.html links 500\n/calendar/* calendar\n/bad.html nonsense 1\n",
        encoding="utf-8")
    (site / "_headers").write_text("/noise.html Content-Type: text/html\n", encoding="utf-8")
    proxy = sandbox(web).url
    status, headers, body = fetch(proxy, "http://news.example.com/big.html")
    assert (status, len(body), int(headers["Content-Length"])) == (200, 3 * 1024**2, 3 * 1024**2)
    assert body.startswith(b"<!doctype html>") and body.endswith(b"</body></html>\n")
    status, headers, body = fetch(proxy, "http://news.example.com/bomb.html")
    assert headers["Content-Encoding"] == "gzip" and len(body) < 100_000
    assert len(gzip.decompress(body)) == 20 * 1024**2
    _, headers, body = fetch(proxy, "http://news.example.com/bomb2.html")
    assert headers["Content-Encoding"] == "deflate" and len(zlib.decompress(body)) == 1024**2
    _, headers, body = fetch(proxy, "http://news.example.com/noise.html")
    assert headers["Content-Type"] == "text/html" and len(body) == 4096  # replaced, not doubled
    assert body == fetch(proxy, "http://news.example.com/noise.html")[2]  # the same noise each time
    assert fetch(proxy, "http://news.example.com/links.html")[2].count(b"<a href=") == 500
    day = fetch(proxy, "http://news.example.com/calendar/2026-02-28/about/")[2]
    assert b'href="/calendar/2026-03-01/about/"' in day and b'href="/calendar/2026-02-27/about/"' in day
    assert fetch(proxy, "http://news.example.com/bad.html")[0] == 404
    assert fetch(proxy, "http://news.example.com/_generate")[0] == 404
