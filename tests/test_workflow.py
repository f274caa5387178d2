"""Investigators' workflow: runs in the store, diff, exports, labels, resume, schedule."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import MASTHEAD, RunningSandbox, run_masthead
from tests.drawing import logo, save

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{name}"><link rel="icon" href="/logo.png"></head>
<body><h1>{name}</h1><p>{body}</p></body></html>"""
SITES = ["steady-news.example.com", "logo-change.example.com", "new-fake.example.com",
         "vanishing.example.com", "plain.example.com", "formula.example.com"]


def site(root: Path, host: str, name: str, body: str = "", logo_seed: int | None = None) -> None:
    folder = root / host
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(PAGE.format(title=name, name=name, body=body), encoding="utf-8")
    if logo_seed is not None:
        save(logo(logo_seed, 64), folder / "logo.png")


def build_web(root: Path, second: bool) -> Path:
    """The same watch list, as the web looks on day one and on day two."""
    site(root, "steady-news.example.com", "青山日报", "本报讯 天气晴。", logo_seed=5)
    site(root, "logo-change.example.com", "白水新闻网", "本网讯", logo_seed=7 if second else 6)
    site(root, "plain.example.com", "Plain Bakery", "Bread.", logo_seed=8)
    site(root, "formula.example.com", '=HYPERLINK("http://evil.example","点这里")新闻网', "本网讯")
    if second:
        site(root, "new-fake.example.com", "人民日报", "本网讯 仿冒。")
    else:
        site(root, "vanishing.example.com", "消失晚报", "本报讯")
    return root


def crawl(proxy: str, out: Path, watch: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = run_masthead("crawl", "--targets", str(watch), "--proxy", proxy, "--out", str(out),
                          "--render", "never", *extra, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> dict:
    """Two crawls of one watch list, the sandbox web changed in between."""
    base = tmp_path_factory.mktemp("workflow")
    watch = base / "watch.txt"
    watch.write_text("# day-to-day watch list\n" + "\n".join(SITES) + "\n", encoding="utf-8")
    out = base / "out"
    results = []
    for second in (False, True):
        running = RunningSandbox(build_web(base / f"web-{int(second)}", second))
        try:
            results.append(crawl(running.url, out, watch))
        finally:
            running.stop()
    return {"out": out, "watch": watch, "runs": results}


def test_each_crawl_is_a_run_with_counts(two_runs: dict) -> None:
    db = sqlite3.connect(two_runs["out"] / "masthead.db")
    rows = db.execute("select kind, status, targets_total, targets_done, started_at < finished_at "
                      "from runs order by started_at").fetchall()
    assert rows == [("crawl", "finished", 6, 6, 1), ("crawl", "finished", 6, 6, 1)]
    assert db.execute("pragma journal_mode").fetchone() == ("wal",)
    assert "run " in two_runs["runs"][1].stdout and "6/6 targets" in two_runs["runs"][1].stdout


def test_diff_shows_exactly_what_changed(two_runs: dict) -> None:
    result = run_masthead("diff", "--out", str(two_runs["out"]), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    changes = {c["target"]: c for c in map(json.loads, result.stdout.splitlines())}
    assert {t: c["change"] for t, c in changes.items()} == {
        "new-fake.example.com": "new_suspect",
        "vanishing.example.com": "suspect_gone",
        "logo-change.example.com": "changed",
    }
    assert changes["new-fake.example.com"]["verdict"] == "impersonation"
    assert changes["new-fake.example.com"]["org_id"] == "people"
    assert changes["logo-change.example.com"]["fields"] == ["logos"]
    assert changes["vanishing.example.com"]["after"]["status"] == "error"
    table = run_masthead("diff", "--out", str(two_runs["out"]))
    assert "new_suspect" in table.stdout and "suspect_gone" in table.stdout


def test_csv_export_for_excel(two_runs: dict, tmp_path: Path) -> None:
    path = tmp_path / "suspects.csv"
    result = run_masthead("export", "--format", "csv", "-o", str(path), "--out", str(two_runs["out"]))
    assert result.returncode == 0, result.stderr
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    from crawler.exports.records import COLUMNS

    assert list(rows[0]) == list(COLUMNS)
    by_target = {row["target"]: row for row in rows}
    assert set(by_target) == {"steady-news.example.com", "logo-change.example.com",
                              "new-fake.example.com", "formula.example.com"}
    assert by_target["new-fake.example.com"]["org_name"] == "人民日报社"
    assert "人民日报" in by_target["new-fake.example.com"]["reasons"]
    formula = by_target["formula.example.com"]["names"]
    assert formula.startswith("'=HYPERLINK(") and "点这里" in formula
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_jsonl_and_html_exports(two_runs: dict, tmp_path: Path) -> None:
    jsonl, html = tmp_path / "s.jsonl", tmp_path / "r.html"
    assert run_masthead("export", "--format", "jsonl", "-o", str(jsonl), "--out", str(two_runs["out"]),
                        "--verdict", "impersonation").returncode == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["target"] for r in records] == ["new-fake.example.com"]
    assert records[0]["findings"] and records[0]["findings"][0]["org_id"] == "people"
    assert run_masthead("export", "--format", "html", "-o", str(html), "--out", str(two_runs["out"])).returncode == 0
    page = html.read_text(encoding="utf-8")
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in page and '<a href="http://evil' not in page
    assert "人民日报社" in page
    assert page.count("<section>") == 4


def test_labels_silence_until_the_evidence_changes(two_runs: dict, tmp_path: Path) -> None:
    out = two_runs["out"]
    labelled = run_masthead("label", "steady-news.example.com", "benign", "--note", "a real local paper",
                            "--out", str(out))
    assert labelled.returncode == 0, labelled.stderr
    path = tmp_path / "after-label.csv"
    run_masthead("export", "--format", "csv", "-o", str(path), "--out", str(out))
    assert "steady-news.example.com" not in path.read_text(encoding="utf-8-sig")
    # New evidence (another name) on the next crawl: the label no longer silences it.
    web = build_web(tmp_path / "web-3", second=True)
    site(web, "steady-news.example.com", "青山日报官方新闻网", "本报讯", logo_seed=5)
    running = RunningSandbox(web)
    try:
        crawl(running.url, out, two_runs["watch"])
    finally:
        running.stop()
    run_masthead("export", "--format", "csv", "-o", str(path), "--out", str(out))
    rows = {row["target"]: row for row in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())}
    assert rows["steady-news.example.com"]["label"] == "benign"
    unknown = run_masthead("label", "never-crawled.example.com", "confirmed", "--out", str(out))
    assert unknown.returncode == 2 and "no such target" in unknown.stderr


def test_a_killed_crawl_resumes_and_does_every_target_once(tmp_path: Path) -> None:
    web, hosts = tmp_path / "web", [f"slow-{n:02d}.example.com" for n in range(10)]
    for number, host in enumerate(hosts):
        site(web, host, f"慢站{number}新闻网", "本网讯")
        # staggered, so that snapshots land one by one and the kill falls between them
        (web / host / "_slow").write_text(f"/ {1 + 1.5 * number}\n", encoding="utf-8")
    watch = tmp_path / "watch.txt"
    watch.write_text("\n".join(hosts), encoding="utf-8")
    out, running = tmp_path / "out", RunningSandbox(web)
    try:
        command = [*MASTHEAD, "crawl", "--targets", str(watch), "--proxy", running.url, "--out", str(out),
                   "--render", "never", "--ignore-robots"]
        crawl_process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and done < 2:
            time.sleep(0.3)
            if (out / "masthead.db").exists():
                try:
                    done = sqlite3.connect(out / "masthead.db").execute("select count(*) from snapshots").fetchone()[0]
                except sqlite3.OperationalError:
                    pass
        crawl_process.send_signal(signal.SIGKILL)
        crawl_process.wait()
        assert 2 <= done < len(hosts), "the crawl was to be killed mid-way"
        resumed = crawl(running.url, out, watch, "--ignore-robots", "--resume")
        assert "resuming run" in resumed.stderr
    finally:
        running.stop()
    db = sqlite3.connect(out / "masthead.db")
    assert db.execute("select count(*), status from runs").fetchone() == (1, "finished")
    per_target = db.execute("select target_key, count(*) from snapshots group by target_key").fetchall()
    assert len(per_target) == len(hosts) and all(count == 1 for _, count in per_target)


def test_the_scheduler_runs_ticks_and_stops_on_sigterm(test_web_proxy: str, tmp_path: Path) -> None:
    import threading

    watch = tmp_path / "watch.txt"
    watch.write_text("static-news.example.com\n", encoding="utf-8")
    out = tmp_path / "out"
    scheduler = subprocess.Popen([*MASTHEAD, "schedule", "--targets", str(watch), "--every", "2s",
                                  "--proxy", test_web_proxy, "--out", str(out), "--render", "never"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(scheduler.stderr), daemon=True)
    reader.start()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not any("tick 2: crawl finished" in line for line in log):
        time.sleep(0.3)
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=90) == 0, "".join(log)
    reader.join(timeout=10)
    text = "".join(log)
    assert "tick 1: crawl finished" in text and "tick 2: crawl finished" in text, text
    assert "scheduler stopped" in text
    db = sqlite3.connect(out / "masthead.db")
    assert db.execute("select count(*) from runs where status = 'finished'").fetchone()[0] >= 2
    assert db.execute("select count(*) from runs where status = 'running'").fetchone()[0] == 0
