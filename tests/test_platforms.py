"""Platform profiles: loading and validation, account URLs, and reading account pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from crawler.extract.accounts import read_account
from crawler.platforms import PlatformError, Platforms
from crawler.targets import parse_target, parse_targets
from tests.account_web import Account, accounts, page_html
from tests.conftest import REPO, run_masthead

TEST_PLATFORMS = REPO / "tests" / "platforms"


@pytest.fixture(scope="module")
def platforms() -> Platforms:
    return Platforms.load([TEST_PLATFORMS])


def test_built_in_profiles() -> None:
    loaded = Platforms.load()
    assert {p.platform for p in loaded} == {"weibo", "wechat", "douyin", "toutiao", "bilibili", "kuaishou"}


@pytest.mark.parametrize(("url", "expected"), [
    ("https://weibo.com/u/2803301701", ("weibo", "2803301701", "https://weibo.com/u/2803301701")),
    ("https://m.weibo.cn/u/2803301701?luicode=1", ("weibo", "2803301701", "https://weibo.com/u/2803301701")),
    ("https://www.weibo.com/2803301701", ("weibo", "2803301701", "https://weibo.com/u/2803301701")),
    ("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MjM5MjAxNDM4MA%3D%3D&scene=124#wechat_redirect",
     ("wechat", "MjM5MjAxNDM4MA==", "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MjM5MjAxNDM4MA==")),
    ("https://www.douyin.com/user/MS4wLjABAAAAabc_DEF-1?from_tab_name=main",
     ("douyin", "MS4wLjABAAAAabc_DEF-1", "https://www.douyin.com/user/MS4wLjABAAAAabc_DEF-1")),
    ("https://www.toutiao.com/c/user/token/MS4wLjABAAAAxyz/",
     ("toutiao", "MS4wLjABAAAAxyz", "https://www.toutiao.com/c/user/token/MS4wLjABAAAAxyz/")),
    ("https://space.bilibili.com/50329118/video", ("bilibili", "50329118", "https://space.bilibili.com/50329118")),
    ("https://www.kuaishou.com/profile/3xrmrb2017", ("kuaishou", "3xrmrb2017", "https://www.kuaishou.com/profile/3xrmrb2017")),
])
def test_account_urls_and_their_canonical_form(url: str, expected: tuple[str, str, str]) -> None:
    account = Platforms.load().account(url)
    assert account is not None and (account.platform, account.account_id, account.url) == expected


@pytest.mark.parametrize("url", [
    "https://weibo.com/", "https://weibo.com/about", "https://weibo.com/u/12345678901234567",
    "https://evil.example/weibo.com/u/2803301701", "https://space.bilibili.com.evil.example/1",
    "https://mp.weixin.qq.com/s/AbCdEf", "https://www.xiaohongshu.com/user/profile/5a1b2c3d4e5f60718293a4b5",
])
def test_other_urls_are_no_accounts(url: str) -> None:
    assert Platforms.load().account(url) is None


def test_a_platform_added_by_a_yaml_file(platforms: Platforms) -> None:
    account = platforms.account("https://xiaohongshu.com/user/profile/5a1b2c3d4e5f60718293a4b5?tab=note")
    assert account is not None and account.url == "https://www.xiaohongshu.com/user/profile/5a1b2c3d4e5f60718293a4b5"


def test_targets_know_accounts(platforms: Platforms) -> None:
    target = parse_target("m.weibo.cn/u/2803301701", platforms)
    assert (target.text, target.platform, target.account_id) == ("https://weibo.com/u/2803301701", "weibo", "2803301701")
    assert parse_target("m.weibo.cn/u/2803301701").platform is None  # without profiles: a plain URL
    both = parse_targets(["https://weibo.com/u/2803301701", "m.weibo.cn/u/2803301701", "example.com"], platforms)
    assert [t.text for t in both] == ["https://weibo.com/u/2803301701", "example.com"]


def test_a_user_profile_replaces_a_built_in_one(tmp_path: Path) -> None:
    profile = yaml.safe_load((REPO / "seeds" / "platforms" / "weibo.yaml").read_text(encoding="utf-8"))
    profile["canonical_url"] = "https://m.weibo.cn/u/{id}"
    (tmp_path / "weibo.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    loaded = Platforms.load([tmp_path])
    assert len(loaded) == 6
    assert loaded.account("https://weibo.com/u/2803301701").url == "https://m.weibo.cn/u/2803301701"
    (tmp_path / "again.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlatformError, match="already defined"):
        Platforms.load([tmp_path])


BROKEN = [
    ({"fields": {"display_name": {"css": "h1[["}}}, "field 'fields.display_name.0.css': not a CSS selector"),
    ({"fields": {"display_name": {"json": "user.[["}}}, "field 'fields.display_name.0.json': not a JMESPath"),
    ({"fields": {"display_name": {"css": "h1", "json": "a"}}}, "field 'fields.display_name.0': give exactly one"),
    ({"account_urls": ["https://x\\.example/(\\d+)"]}, "field 'account_urls': [0] needs a named group (?P<id>"),
    ({"canonical_url": "https://x.example/u/"}, "field 'canonical_url': must be an http(s) URL containing {id}"),
    ({"colour": "red"}, "field 'colour': unknown field"),
    ({"markers": {"login_wall": [{"text": "登录", "css": ".login"}]}}, "field 'markers.login_wall.0': give exactly one"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_a_malformed_profile_is_one_line_naming_file_and_field(tmp_path: Path, change: dict, message: str) -> None:
    profile = {"platform": "example", "name": "Example", "hosts": ["x.example"],
               "account_urls": ["https://x\\.example/u/(?P<id>\\d+)"], "canonical_url": "https://x.example/u/{id}",
               "fields": {"display_name": {"css": "h1::text"}}}
    profile.update(change)
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    result = run_masthead("--platforms", str(tmp_path), "platforms", "list")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and message in lines[0], result.stderr


def test_platforms_list(tmp_path: Path) -> None:
    result = run_masthead("--platforms", str(TEST_PLATFORMS), "platforms", "list", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = {record["platform"]: record for record in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {"weibo", "wechat", "douyin", "toutiao", "bilibili", "kuaishou", "xiaohongshu"}
    assert records["xiaohongshu"]["source"] == str(TEST_PLATFORMS / "xiaohongshu.yaml")
    assert records["douyin"]["embedded_json"][0]["encoding"] == "urlencoded"
    table = run_masthead("--platforms", str(TEST_PLATFORMS), "platforms", "list")
    assert table.returncode == 0 and "xiaohongshu" in table.stdout and "7 platforms" in table.stdout


def _read(account: Account, platforms: Platforms, served: str | None = None) -> tuple[dict, tuple | None]:
    page = read_account(page_html(account), account.url, platforms.get(account.platform), served)
    return page.fields, page.marker


@pytest.mark.parametrize("account", [a for a in accounts() if a.case == "genuine"], ids=lambda a: a.platform)
def test_embedded_json_is_read_before_any_script_runs(account: Account, platforms: Platforms) -> None:
    """As served (no rendering), the page's own state gives the name and avatar; blocks
    its script draws (subject entity, licence block) are not there yet."""
    fields, marker = _read(account, platforms)
    assert marker is None
    assert fields["display_name"] == "人民日报"
    assert fields["avatar"] == account.avatar
    assert "licence_number" not in fields


def test_markers_of_walls_and_removed_accounts(platforms: Platforms) -> None:
    found = {(a.platform, a.case): _read(a, platforms)[1] for a in accounts() if a.case in ("blocked", "gone")}
    assert found[("weibo", "blocked")] == ("login_wall", ".LoginCard")
    assert found[("wechat", "blocked")] == ("login_wall", "请在微信客户端打开链接")
    assert found[("weibo", "gone")] == ("removed", "用户不存在")
    assert found[("douyin", "gone")] == ("removed", "该账号已注销")
    assert all(marker is not None for marker in found.values())


def test_state_removed_by_its_script_is_read_from_the_page_as_served(platforms: Platforms) -> None:
    """Bilibili's inline script removes itself: the rendered DOM keeps only what was drawn."""
    account = next(a for a in accounts() if a.platform == "bilibili" and a.case == "impersonator")
    served = page_html(account)
    rendered = served.split("<script>", 1)[0] + served.split("</script>", 1)[1]  # state script gone
    page = read_account(rendered, account.url, platforms.get("bilibili"))
    assert "verified_label" not in page.fields
    page = read_account(rendered, account.url, platforms.get("bilibili"), served)
    assert page.fields["verified_label"] == "人民日报官方账号"


def test_hostile_values_are_cleaned(platforms: Platforms) -> None:
    html = ('<html><body><script>window.__INITIAL_STATE__ = {"profile": {"user": {"screen_name": '
            '"人民\\u0000日报\\n\\n' + "长" * 2000 + '", "avatar_hd": "javascript:alert(1)"}}};</script></body></html>')
    page = read_account(html, "https://weibo.com/u/1", platforms.get("weibo"))
    assert page.fields["display_name"].startswith("人民日报 长") and len(page.fields["display_name"]) < 600
    assert "avatar" not in page.fields


def test_the_readme_profile_example_is_a_valid_profile(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = next(block for block in readme.split("```yaml\n")[1:] if block.startswith("platform:"))
    (tmp_path / "example.yaml").write_text(example.split("```", 1)[0], encoding="utf-8")
    loaded = Platforms.load([tmp_path])
    account = loaded.account("https://www.xiaohongshu.com/user/profile/5a1b2c3d4e5f60718293a4b5")
    assert account is not None and account.platform == "xiaohongshu"
