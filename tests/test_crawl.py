"""The `site` spider over the sandbox web: identity, licences, images and evidence."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import REPO, run_masthead

HOSTS = [
    "static-news.example.com", "js-built.example.com", "gbk-news.example.cn",
    "gbk-undeclared.example.cn", "traditional.example.tw", "redirects.example.com",
    "favicon-only.example.com", "og-image.example.com", "inline-svg.example.com",
    "footer-licence.example.cn", "about-licence.example.cn", "missing-home.example.com",
    "unreachable.example.com", "晨报.example.cn",
]


def scan(proxy: str, out: Path, *targets: str, render: str = "auto") -> dict[str, dict]:
    result = run_masthead("scan", *targets, "--proxy", proxy, "--out", str(out),
                          "--render", render, "--format", "jsonl", timeout=600)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {record["target"]: record for record in records}


@pytest.fixture(scope="module")
def crawled(test_web_proxy: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every fixture host scanned once, rendered where the spider sees fit."""
    return scan(test_web_proxy, tmp_path_factory.mktemp("out"), *HOSTS)


def names(record: dict) -> set[tuple[str, str]]:
    return {(name["value"], name["source"]) for name in record["names"]}


def licences(record: dict) -> dict[str, str]:
    return {licence["number"]: licence["kind"] for licence in record["licences"]}


def test_one_record_per_target_with_the_promised_fields(crawled: dict[str, dict]) -> None:
    assert set(crawled) == set(HOSTS)
    for record in crawled.values():
        assert {"target", "final_url", "status", "domain", "names", "licences", "images",
                "screenshot", "error"} <= set(record)


def test_static_site(crawled: dict[str, dict], test_web: Path) -> None:
    record = crawled["static-news.example.com"]
    assert (record["status"], record["http_status"], record["error"]) == ("ok", 200, None)
    assert record["final_url"] == "https://static-news.example.com/"
    assert record["domain"] == "example.com"
    assert names(record) >= {
        ("晨光日报", "og:site_name"), ("晨光日报 - 首页", "title"), ("晨光日报客户端", "application-name"),
        ("晨光日报", "logo-alt"), ("晨光日报社", "copyright"), ("晨光日报社", "sponsor"), ("晨光日报", "h1"),
    }
    fetched = [(page["url"], page["rendered"]) for page in record["pages"]]
    assert fetched[:2] == [("https://static-news.example.com/", False), ("https://static-news.example.com/", True)]
    assert ("https://static-news.example.com/about/", False) in fetched
    assert ("https://static-news.example.com/contact.html", False) in fetched
    assert {claim["text"] for claim in record["claims"]} >= {"本网讯", "新闻热线", "记者王小明报道"}
    logo = next(image for image in record["images"] if image["role"] == "logo")
    served = (test_web / "static-news.example.com" / "images" / "logo.png").read_bytes()
    assert (logo["url"], logo["alt"], logo["width"], logo["format"]) == (
        "https://static-news.example.com/images/logo.png", "晨光日报", 300, "PNG")
    assert logo["sha256"] == hashlib.sha256(served).hexdigest()
    assert Path(logo["path"]).read_bytes() == served
    assert {image["role"] for image in record["images"]} == {"favicon", "logo"}


def test_evidence_folder_and_manifest(crawled: dict[str, dict], test_web: Path) -> None:
    record = crawled["static-news.example.com"]
    folder = Path(record["evidence_dir"])
    assert folder.name == "static-news.example.com"
    assert folder.parent.name == record["run_id"]
    assert (folder / "home.html").read_bytes() == (test_web / "static-news.example.com" / "index.html").read_bytes()
    assert "晨光日报" in (folder / "home.rendered.html").read_text(encoding="utf-8")
    assert Path(record["screenshot"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["final_url"] == record["final_url"]
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert {"home.html", "home.rendered.html", "screenshot.png"} <= set(listed)
    for name, entry in listed.items():
        content = (folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content) and entry["fetched_at"] and entry["url"]


def test_names_and_logo_that_only_javascript_builds(crawled: dict[str, dict], test_web_proxy: str,
                                                     tmp_path: Path) -> None:
    rendered = crawled["js-built.example.com"]
    assert rendered["rendered"] is True
    assert ("星海新闻网", "og:site_name") in names(rendered)
    assert licences(rendered) == {"35120190007": "news_licence", "闽ICP备18000001号-2": "icp_filing"}
    assert any(image["role"] == "logo" and image["alt"] == "星海新闻网" for image in rendered["images"])
    static = scan(test_web_proxy, tmp_path, "js-built.example.com", render="never")["js-built.example.com"]
    assert (static["rendered"], static["screenshot"], static["licences"]) == (False, None, [])
    assert not any(source == "og:site_name" for _, source in names(static))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("gbk-news.example.cn", ("埃洛普离职：微软卧底成弃儿？_网易财经", "title")),
        ("gbk-undeclared.example.cn", ("南山晚报——南山人自己的报纸", "title")),
        ("traditional.example.tw", ("東方快報", "og:site_name")),
    ],
)
def test_legacy_encodings_decode(crawled: dict[str, dict], host: str, expected: tuple[str, str]) -> None:
    record = crawled[host]
    assert expected in names(record)
    static_home = record["pages"][0]
    assert static_home["encoding"] in ("gb18030", "gbk", "big5", "cp950", "big5hkscs")


def test_undeclared_gbk_licence_is_read(crawled: dict[str, dict]) -> None:
    assert licences(crawled["gbk-undeclared.example.cn"]) == {"粤ICP备20000001号": "icp_filing"}


def test_redirect_chain(crawled: dict[str, dict]) -> None:
    record = crawled["redirects.example.com"]
    assert record["final_url"] == "https://www.redirects.example.com/home/"
    assert record["redirects"] == [
        {"url": "https://redirects.example.com/", "status": 301},
        {"url": "https://www.redirects.example.com/", "status": 302},
    ]
    assert (record["host"], record["domain"]) == ("www.redirects.example.com", "example.com")
    assert ("Harbour Herald", "og:site_name") in names(record)


def test_favicon_only(crawled: dict[str, dict]) -> None:
    images = crawled["favicon-only.example.com"]["images"]
    assert [(i["role"], i["url"], i["format"]) for i in images] == [
        ("favicon", "https://favicon-only.example.com/static/brand.ico", "ICO")]
    assert Path(images[0]["path"]).is_file()


def test_og_image_logo(crawled: dict[str, dict]) -> None:
    images = crawled["og-image.example.com"]["images"]
    og = next(image for image in images if image["role"] == "og-image")
    assert (og["url"], og["width"], og["height"]) == ("https://og-image.example.com/share/brand-card.png", 600, 600)
    favicon = next(image for image in images if image["role"] == "favicon")
    assert favicon["error"] == "HTTP 404 Not Found"  # the /favicon.ico fallback was tried


def test_inline_svg_logo(crawled: dict[str, dict]) -> None:
    svg = next(image for image in crawled["inline-svg.example.com"]["images"] if image["role"] == "svg-logo")
    assert (svg["format"], svg["alt"], svg["error"]) == ("SVG", "Inline Daily", None)
    assert Path(svg["path"]).read_text(encoding="utf-8").startswith("<svg")


def test_licence_in_the_footer(crawled: dict[str, dict]) -> None:
    record = crawled["footer-licence.example.cn"]
    assert licences(record) == {
        "42120170012": "news_licence", "鄂ICP备12001234号-1": "icp_filing",
        "鄂公网安备42010202000123号": "public_security_filing", "（鄂）字第00321号": "broadcast_licence",
    }
    news = next(licence for licence in record["licences"] if licence["kind"] == "news_licence")
    assert news["url"] == "https://footer-licence.example.cn/"
    assert "互联网新闻信息服务许可证编号" in news["context"]


def test_licence_only_on_the_about_page(crawled: dict[str, dict]) -> None:
    record = crawled["about-licence.example.cn"]
    news = next(licence for licence in record["licences"] if licence["kind"] == "news_licence")
    assert (news["number"], news["url"]) == ("51120200004", "https://about-licence.example.cn/about/")
    assert all("elsewhere.example.org" not in page["url"] for page in record["pages"])


def test_unreachable_host(crawled: dict[str, dict]) -> None:
    record = crawled["unreachable.example.com"]
    assert record["status"] == "error"
    assert record["error"] == "HTTP 502 Bad Gateway"
    assert record["url"] == "http://unreachable.example.com/"  # https failed first, then http


def test_404_home_page(crawled: dict[str, dict]) -> None:
    record = crawled["missing-home.example.com"]
    assert (record["status"], record["http_status"], record["error"]) == ("gone", 404, "HTTP 404 Not Found")
    assert (Path(record["evidence_dir"]) / "manifest.json").is_file()


def test_idn_target(crawled: dict[str, dict]) -> None:
    record = crawled["晨报.example.cn"]
    assert record["host"] == "xn--4ruq7f.example.cn"
    assert record["host_unicode"] == "晨报.example.cn"
    assert ("晨报在线", "title") in names(record)


def test_scrapy_feed_exports_keep_working(test_web_proxy: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    items = tmp_path / "items.csv"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "site", "-a", "targets=static-news.example.com",
         "-a", "render=never", "-s", f"MASTHEAD_PROXY={test_web_proxy}",
         "-s", f"MASTHEAD_OUTPUT_DIR={tmp_path}", "-O", str(items), "-L", "WARNING"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(items.open(encoding="utf-8")))
    assert [(row["target"], row["status"]) for row in rows] == [("static-news.example.com", "ok")]
    assert "blobs" not in rows[0] and "晨光日报" in rows[0]["names"]
