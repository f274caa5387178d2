"""The hostile web: every target ends with a clear status in bounded time, the crawl goes
on, and nothing private is fetched (crawler.sandbox.hostile holds the cases)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.sandbox.hostile import build_hostile_web, hostile_sites
from tests.conftest import RunningSandbox, run_masthead

SITE_TIMEOUT = 20
PLAIN_CASES = [site for site in hostile_sites() if not site.rendered]
RENDERED_CASES = [site for site in hostile_sites() if site.rendered]


def scan(proxy: str | None, out: Path, *targets: str, options: tuple[str, ...] = (),
         timeout: float = 300, verbose: bool = False) -> tuple[dict[str, dict], float, str]:
    """(records by target, seconds, stderr) of a `masthead scan --format jsonl`."""
    started = time.monotonic()
    proxy_options = ("--proxy", proxy) if proxy else ()
    result = run_masthead(*(["-v"] if verbose else []), "scan", *targets, *proxy_options, "--out", str(out), "--format", "jsonl",
                          *options, timeout=timeout)
    assert result.returncode == 0, result.stderr
    records = {r["target"]: r for r in map(json.loads, result.stdout.splitlines())}
    return records, time.monotonic() - started, result.stderr


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, dict], float]]:
    """Every case that needs no browser, scanned in one crawl with rendering off."""
    base = tmp_path_factory.mktemp("hostile")
    build_hostile_web(base / "web", rendered=False)
    running = RunningSandbox(base / "web")
    try:
        records, seconds, _ = scan(running.url, base / "out", *(site.host for site in PLAIN_CASES),
                                   options=("--render", "never", "--site-timeout", str(SITE_TIMEOUT)))
        yield records, seconds
    finally:
        running.stop()


@pytest.mark.parametrize("case", PLAIN_CASES, ids=lambda site: site.host.split(".")[0])
def test_each_case_ends_with_its_status(plain: tuple[dict[str, dict], float], case) -> None:
    record = plain[0][case.host]
    assert record["status"] == case.status, record["error"]
    if case.reason is None:
        assert record["error"] is None
    else:
        assert case.reason in record["error"]


def test_the_whole_hostile_crawl_is_bounded_in_time(plain: tuple[dict[str, dict], float]) -> None:
    records, seconds = plain
    assert set(records) == {site.host for site in PLAIN_CASES}
    assert seconds < SITE_TIMEOUT + 60  # the trickle holds its site no longer than the cap


def test_what_the_bad_pages_still_say(plain: tuple[dict[str, dict], float]) -> None:
    records = plain[0]
    calendar = records["calendar-trap.example.com"]
    assert len([page for page in calendar["pages"] if page["url"] and not page["rendered"]]) <= 5
    title = next(n["value"] for n in records["huge-title.example.com"]["names"] if n["source"] == "title")
    assert title.startswith("Huge Huge") and len(title) <= 200
    for host in ("wrong-charset.example.cn", "no-charset.example.cn"):
        assert "晨光日报" in {name["value"] for name in records[host]["names"]}, host
    controls = {name["value"] for name in records["control-names.example.com"]["names"]}
    assert "Daily\u202egnp.exe\u202c News" in controls  # NUL and BEL dropped, bidi kept (shown escaped)
    errors = {image["url"].rsplit("/", 1)[-1]: image["error"] for image in records["image-bombs.example.com"]["images"]}
    assert "too large" in errors["favicon.png"] and "truncated" in errors["touch.png"]
    svg_errors = [image["error"] for image in records["svg-bombs.example.com"]["images"]]
    assert any(error and "SVG" in error for error in svg_errors)


def test_names_in_the_terminal_show_bidi_and_controls(tmp_path: Path) -> None:
    build_hostile_web(tmp_path / "web", rendered=False)
    running = RunningSandbox(tmp_path / "web")
    try:
        result = run_masthead("scan", "control-names.example.com", "to-metadata.example.com", "--proxy",
                              running.url, "--out", str(tmp_path / "out"), "--render", "never",
                              "--format", "table", timeout=120)
    finally:
        running.stop()
    assert result.returncode == 0, result.stderr
    assert "\u202e" not in result.stdout and "\x00" not in result.stdout
    assert "blocked" in result.stdout


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        type(self).hits.append(self.path)
        if self.path == "/hop":  # on to the same server, by a name that resolves to it
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/about")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><head><title>Lab page</title></head><body>inside</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def lab_server() -> Iterator[tuple[int, list[str]]]:
    """A real server on the loopback address, counting what reaches it."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], _Recorder.hits
    server.shutdown()
    server.server_close()


def test_private_addresses_are_refused_unless_allowed(lab_server: tuple[int, list[str]], tmp_path: Path) -> None:
    port, hits = lab_server
    targets = (f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/hop")
    records, _, _ = scan(None, tmp_path / "out", *targets, options=("--render", "never"))
    assert {t: r["status"] for t, r in records.items()} == dict.fromkeys(targets, "blocked")
    assert "127.0.0.1 is a loopback address" in records[targets[0]]["error"]
    assert hits == []
    records, _, _ = scan(None, tmp_path / "out", *targets, options=("--render", "never", "--allow-private"))
    assert {t: r["status"] for t, r in records.items()} == dict.fromkeys(targets, "ok")
    assert records[targets[1]]["final_url"] == f"http://localhost:{port}/about"
    assert "/about" in hits


def test_the_browser_filter_refuses_private_subresources(lab_server: tuple[int, list[str]]) -> None:
    import asyncio

    from playwright.async_api import async_playwright

    from crawler.browser import launch_options
    from crawler.middlewares import BrowserRequestFilter

    port, hits = lab_server
    # The page claims the lab server's own origin (Chromium lets a loopback page load
    # loopback images), so that only the filter stands between it and the server.
    page_url = f"http://127.0.0.1:{port}/page"
    page_html = f'<img src="http://127.0.0.1:{port}/pixel.png"><p>a page</p>'

    async def visit(allow_private: bool) -> None:
        refuse = BrowserRequestFilter(allow_private)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_options())
            page = await browser.new_page()

            async def route(route, request) -> None:
                if request.url == page_url:
                    await route.fulfill(body=page_html, content_type="text/html")
                elif await refuse(request):
                    await route.abort()
                else:
                    await route.continue_()

            await page.route("**/*", route)
            await page.goto(page_url, wait_until="load")
            await page.wait_for_timeout(500)
            await browser.close()

    asyncio.run(visit(False))
    assert hits == []
    asyncio.run(visit(True))
    assert "/pixel.png" in hits  # the same page does reach it when allowed: the filter did the refusing


def test_javascript_that_never_ends_well_still_ends(tmp_path: Path) -> None:
    build_hostile_web(tmp_path / "web")
    running = RunningSandbox(tmp_path / "web")
    hosts = [site.host for site in RENDERED_CASES] + ["to-loopback.example.com"]
    try:
        records, seconds, log = scan(running.url, tmp_path / "out", *hosts, verbose=True,
                                     options=("--render", "always", "--site-timeout", "60"), timeout=400)
    finally:
        running.stop()
    for case in RENDERED_CASES:
        assert records[case.host]["status"] == case.status, (case.host, records[case.host]["error"])
    assert records["to-loopback.example.com"]["status"] == "blocked"
    assert "js-busy.example.com/: scripts stopped" in log  # or it would hang the crawl for ever
    assert records["js-busy.example.com"]["rendered"]
    assert "browser request to http://127.0.0.1:9/pixel.png refused" in log
    assert "browser request to http://169.254.169.254/latest/meta-data/ refused" in log
    popups = records["js-popups.example.com"]
    assert popups["rendered"] and popups["screenshot"], popups["pages"]
    assert seconds < 240


def test_a_killed_hostile_crawl_resumes_and_a_killed_export_leaves_the_old_file(tmp_path: Path) -> None:
    import os
    import random
    import signal
    import sqlite3
    import subprocess

    import psutil

    from tests.conftest import MASTHEAD

    cases = build_hostile_web(tmp_path / "web", rendered=False)
    watch = tmp_path / "watch.txt"
    watch.write_text("\n".join(case.host for case in cases), encoding="utf-8")
    out, running = tmp_path / "out", RunningSandbox(tmp_path / "web")
    database = out / "masthead.db"
    options = ["--proxy", running.url, "--out", str(out), "--render", "never", "--site-timeout", str(SITE_TIMEOUT)]
    try:
        crawl = subprocess.Popen([*MASTHEAD, "crawl", "--targets", str(watch), *options],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
        done, deadline = 0, time.monotonic() + 120
        while time.monotonic() < deadline and done < 3:  # bombs and trickles are still in flight
            time.sleep(0.2)
            try:
                done = sqlite3.connect(database).execute("select count(*) from snapshots").fetchone()[0]
            except sqlite3.OperationalError:
                pass
        workers = psutil.Process(crawl.pid).children(recursive=True)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        assert 3 <= done < len(cases), "the crawl was to be killed mid-way"
        assert workers, "the crawl's analysis workers were to be killed with it"
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, f"left behind: {[p.cmdline()[-1][:60] for p in alive]}"
        resumed = run_masthead("crawl", "--targets", str(watch), *options, "--resume", timeout=300)
        assert resumed.returncode == 0 and "resuming run" in resumed.stderr, resumed.stderr
    finally:
        running.stop()
    db = sqlite3.connect(database)
    assert db.execute("select count(*), status from runs").fetchone() == (1, "finished")
    rows = db.execute("select json_extract(record, '$.target'), status, count(*) from snapshots "
                      "group by target_key").fetchall()
    assert {target: (status, count) for target, status, count in rows} == {
        case.host: (case.status, 1) for case in cases}

    export = tmp_path / "all.jsonl"
    command = ["export", "--format", "jsonl", "-o", str(export), "--out", str(out),
               *(item for verdict in ("official", "impersonation", "licence_misuse", "unlicensed_news", "clean")
                 for item in ("--verdict", verdict))]
    assert run_masthead(*command).returncode == 0
    whole = export.read_bytes()
    assert len(whole.splitlines()) == len(cases)
    for _ in range(4):
        killed = subprocess.Popen([*MASTHEAD, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0.2, 1.5))
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert export.read_bytes() == whole  # the old file, or the same one written anew: never half of one
