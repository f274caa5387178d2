"""Platform accounts crawled through the sandbox web: every built-in platform and one
added by a YAML file, rendered by real Chromium, into the store, exports, diff and labels."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest

from tests.account_web import EXPECTED, IDS, Account, build
from tests.conftest import REPO, RunningSandbox, run_masthead

TEST_PLATFORMS = str(REPO / "tests" / "platforms")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One `masthead crawl --accounts` of every account fixture."""
    base = tmp_path_factory.mktemp("accounts")
    accounts = build(base)
    watch = base / "accounts.txt"
    watch.write_text("# accounts to watch\n" + "\n".join(a.url for a in accounts) + "\n", encoding="utf-8")
    running = RunningSandbox(base / "web")
    options = ("--registry", str(base / "registry" / "registry.yaml"), "--platforms", TEST_PLATFORMS)
    out = base / "out"
    try:
        started = time.monotonic()
        result = run_masthead(*options, "crawl", "--accounts", str(watch), "--proxy", running.url,
                              "--out", str(out), timeout=600)
        seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        exported = base / "all.jsonl"
        export = run_masthead("export", "--format", "jsonl", "-o", str(exported), "--out", str(out),
                              *[f"--verdict={v}" for v in ("official", "impersonation", "licence_misuse",
                                                           "unlicensed_news", "clean")])
        assert export.returncode == 0, export.stderr
        records = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
        yield {"accounts": accounts, "records": {r["snapshot"]["account"]["account_id"]: r for r in records},
               "out": out, "base": base, "options": options, "proxy": running.url, "seconds": seconds,
               "crawl": result}
    finally:
        running.stop()


def _case(account: Account) -> str:
    return f"{account.platform}-{account.case}"


def test_every_account_has_its_status_and_verdict(crawled: dict) -> None:
    records = crawled["records"]
    assert len(records) == sum(len(ids) for ids in IDS.values()) == len(crawled["accounts"])
    wrong = []
    for account in crawled["accounts"]:
        record = records[account.account_id]
        status, verdict, org_id = EXPECTED[account.case]
        got = (record["status"], record["verdict"] if status == "ok" else None, record["org_id"])
        if got != (status, verdict, org_id):
            wrong.append((_case(account), got, record["reasons"], record["snapshot"]["error"]))
    assert not wrong, wrong
    print(f"\n{len(records)} accounts crawled in {crawled['seconds']:.1f} s")


def test_accounts_are_stored_under_their_canonical_url(crawled: dict) -> None:
    records = crawled["records"]
    weibo_fake = records["7311200001"]  # given as m.weibo.cn/u/7311200001
    assert weibo_fake["target"] == "https://weibo.com/u/7311200001"
    wechat = records["MjM5MjAxNDM4MA=="]
    assert wechat["target"] == "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MjM5MjAxNDM4MA=="
    assert {r["snapshot"]["account"]["platform"] for r in records.values()} == set(IDS)


def test_what_an_account_page_says_is_read_from_the_rendered_page(crawled: dict) -> None:
    genuine = crawled["records"]["2803301701"]["snapshot"]
    account = genuine["account"]
    assert account == {**account, "display_name": "人民日报", "subject_entity": "人民日报社",
                       "licensee": "人民日报社", "licence_number": "10120170001",
                       "licence_category": "互联网新闻信息采编发布服务", "verified_label": "人民日报法人账号",
                       "followers": "1.5万"}
    assert ("人民日报", "display_name") in {(n["value"], n["source"]) for n in genuine["names"]}
    assert genuine["licences"][0]["context"].startswith("licence block: licensee 人民日报社")
    assert [page["rendered"] for page in genuine["pages"]] == [False, True]


def test_avatars_are_evidence(crawled: dict) -> None:
    for account in crawled["accounts"]:
        snapshot = crawled["records"][account.account_id]["snapshot"]
        folder = Path(snapshot["evidence_dir"])
        assert folder.name.startswith(f"{account.platform}.") or folder.name.startswith("host-")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["target"] == snapshot["target"]
        if account.case in ("blocked", "gone"):
            assert snapshot["images"] == [] and snapshot["account"]["display_name"] is None
            continue
        avatar = snapshot["images"][0]
        assert (avatar["role"], avatar["url"], avatar["error"]) == ("avatar", account.avatar, None)
        assert Path(avatar["path"]).is_file() and avatar["format"] == "JPEG"
        assert snapshot["screenshot"] and Path(snapshot["screenshot"]).is_file()


def test_findings_explain_themselves(crawled: dict) -> None:
    records = crawled["records"]
    impersonator = {f["kind"]: f for f in records["1900000001"]["findings"]}  # Bilibili, fake label
    label = impersonator["verified_as_other"]
    assert (label["detector"], label["org_id"], label["matched"]) == ("account", "people", "人民日报官方账号")
    assert "北京星河文化传媒有限公司" in label["explanation"]
    assert impersonator["logo_match"]["evidence"][0]["role"] == "avatar"
    borrowed = {f["kind"]: f for f in records["3xfake0003"]["findings"]}  # Kuaishou
    assert borrowed["licensee_not_subject"]["reference"] == "滨海云帆网络科技有限公司"
    assert borrowed["licence_of_other_org"]["org_id"] == "people"
    blocked = records["MzI1MDAwMDAxNA=="]
    assert blocked["snapshot"]["error"].startswith("login wall: the page shows '请在微信客户端打开链接'")
    assert blocked["reasons"][0].startswith("Not judged: the account page could not be seen (blocked: login wall")
    assert records["7311200005"]["reasons"][0].startswith("Not judged: the account page could not be seen (gone: ")


def test_csv_export_diff_and_labels(crawled: dict) -> None:
    out, base = str(crawled["out"]), crawled["base"]
    suspects = base / "suspects.csv"
    assert run_masthead("export", "--format", "csv", "-o", str(suspects), "--out", out).returncode == 0
    rows = list(csv.DictReader(suspects.read_text(encoding="utf-8-sig").splitlines()))
    by_target = {row["target"]: row for row in rows}
    assert len(rows) == 3 * len(IDS)  # impersonator, unlicensed and borrowed on every platform
    assert by_target["https://weibo.com/u/7311200001"]["verdict"] == "impersonation"
    assert by_target["https://weibo.com/u/7311200001"]["names"] == "人民日报"
    assert by_target["https://space.bilibili.com/1900000003"]["licences_shown"] == "news_licence: 10120170001"
    diff = run_masthead("diff", "--format", "jsonl", "--out", out)
    assert diff.returncode == 0, diff.stderr
    new = {json.loads(line)["target"] for line in diff.stdout.splitlines()
           if json.loads(line)["change"] == "new_suspect"}
    assert set(by_target) == new
    labelled = run_masthead(*crawled["options"], "label", "m.weibo.cn/u/7311200002", "benign",
                            "--note", "a local paper's fan page", "--out", out)
    assert labelled.returncode == 0 and labelled.stdout.startswith("https://weibo.com/u/7311200002: benign")
    assert run_masthead("export", "--format", "csv", "-o", str(suspects), "--out", out).returncode == 0
    assert "https://weibo.com/u/7311200002" not in suspects.read_text(encoding="utf-8-sig")


def test_scan_recognises_an_account_url_and_sites_crawl_alongside(crawled: dict, tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_masthead(*crawled["options"], "scan", "https://m.weibo.cn/u/7311200001",
                          "--proxy", crawled["proxy"], "--out", str(tmp_path), "--format", "jsonl")
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["target"], record["verdict"], record["org_id"]) == ("https://weibo.com/u/7311200001",
                                                                       "impersonation", "people")
    print(f"\none account scanned in {seconds:.1f} s (command included)")


def test_without_rendering_the_embedded_json_still_names_the_account(crawled: dict, tmp_path: Path) -> None:
    result = run_masthead(*crawled["options"], "scan", "https://www.douyin.com/user/" + IDS["douyin"][1],
                          "--render", "never", "--proxy", crawled["proxy"], "--out", str(tmp_path),
                          "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["account"]["display_name"] == "人民日报官方账号" and record["verdict"] == "impersonation"
    assert [page["rendered"] for page in record["pages"]] == [False]


def test_an_accounts_file_takes_only_accounts(crawled: dict, tmp_path: Path) -> None:
    watch = tmp_path / "mixed.txt"
    watch.write_text("https://weibo.com/u/2803301701\nexample.com\n", encoding="utf-8")
    result = run_masthead(*crawled["options"], "crawl", "--accounts", str(watch), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "'example.com' is not an account URL of any platform loaded" in result.stderr
    scheduled = run_masthead(*crawled["options"], "schedule", "--accounts", str(watch), "--every", "1h",
                             "--out", str(tmp_path))
    assert scheduled.returncode == 2 and "'example.com' is not an account URL" in scheduled.stderr
    for command in ("crawl", "schedule"):
        extra = ["--every", "1h"] if command == "schedule" else []
        none = run_masthead(command, "--out", str(tmp_path), *extra)
        assert none.returncode == 2 and "give --targets FILE, --accounts FILE or both" in none.stderr


def test_an_interrupted_account_crawl_resumes_with_its_accounts(crawled: dict, tmp_path: Path) -> None:
    """The store keeps accounts by canonical URL; --resume must know them as accounts again."""
    from crawler.store import Store, default_db_url

    watch = tmp_path / "accounts.txt"
    wanted = [a for a in crawled["accounts"] if a.case in ("genuine", "borrowed") and a.platform == "douyin"]
    watch.write_text("\n".join(a.url for a in wanted) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    store = Store(default_db_url(out))
    store.start_run("20261129T000000Z-dead", "crawl", [f"https://www.douyin.com/user/{a.account_id}" for a in wanted],
                    str(watch.resolve()))
    store.finish_run("20261129T000000Z-dead")  # nothing done: interrupted
    store.dispose()
    result = run_masthead(*crawled["options"], "crawl", "--accounts", str(watch), "--resume",
                          "--proxy", crawled["proxy"], "--out", str(out), "--render", "never")
    assert result.returncode == 0, result.stderr
    assert "resuming run 20261129T000000Z-dead: 2 target(s) left" in result.stderr
    assert "run 20261129T000000Z-dead finished: 2/2 targets, 1 suspects" in result.stdout
