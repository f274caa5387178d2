"""Accounts through the engine: listed accounts, licence blocks, verification labels, and
the other detectors' findings on account names (no crawling)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from detectors.engine import build_engine
from detectors.profile import ShownAccount, ShownLicence, ShownName, TargetProfile
from detectors.registry import Registry

LICENCE = "10120170001"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    import yaml

    path = tmp_path_factory.mktemp("registry") / "registry.yaml"
    path.write_text(yaml.safe_dump({"organisations": [
        {"id": "people", "name": "人民日报社", "names": ["人民日报"], "type": "newspaper",
         "domains": ["people.example.cn"], "licences": [LICENCE], "accounts": {"weibo": ["2803301701"]}},
        {"id": "xinhua", "name": "新华通讯社", "names": ["新华社"], "type": "agency",
         "domains": ["xinhua.example.cn"], "accounts": {"douyin": ["MS4wxinhua"]}},
        {"id": "weibo", "name": "新浪微博", "names": ["微博"], "type": "portal", "domains": ["weibo.com"]},
    ]}, allow_unicode=True), encoding="utf-8")
    return build_engine(Registry.load([path]))


def account(account_id: str, name: str, platform: str = "weibo", licence: str | None = None,
            **fields: str) -> TargetProfile:
    """A profile as the crawler builds one for an account: no host; the licence block's
    number among the licences shown."""
    licences = [ShownLicence("news_licence", licence, "https://weibo.com/u/x", "licence block")] if licence else []
    return TargetProfile(f"https://weibo.com/u/{account_id}", host=None,
                         names=[ShownName(name, "display_name")], licences=licences,
                         account=ShownAccount(platform, account_id, licence_number=licence, **fields))


def test_a_listed_account_is_official(engine) -> None:
    verdict = engine.analyse(account("2803301701", "人民日报", licence=LICENCE, licensee="人民日报社",
                                     subject_entity="人民日报社", verified_label="人民日报法人微博"))
    assert (verdict.verdict, verdict.org_id, verdict.score) == ("official", "people", 100)
    assert "listed in the registry as an official account of 人民日报社" in verdict.reasons[0]
    assert not any(f.kind == "licence_of_other_org" for f in verdict.findings)


def test_the_same_account_id_on_another_platform_is_not_listed(engine) -> None:
    verdict = engine.analyse(account("2803301701", "人民日报", platform="douyin"))
    assert (verdict.verdict, verdict.org_id) == ("impersonation", "people")


def test_the_platform_host_is_not_the_accounts_domain(engine) -> None:
    """weibo.com belongs to a registry organisation; its accounts do not."""
    verdict = engine.analyse(account("7311200009", "滨江生活"))
    assert verdict.verdict == "clean" and not any(f.kind == "official_domain" for f in verdict.findings)


def test_an_unlisted_account_named_like_an_organisation_impersonates_it(engine) -> None:
    verdict = engine.analyse(account("7311200001", "人民日報"))
    assert (verdict.verdict, verdict.org_id) == ("impersonation", "people")
    finding = next(f for f in verdict.findings if f.detector == "name")
    assert finding.evidence[0]["source"] == "display_name"


def test_a_verification_label_naming_an_organisation_run_by_someone_else(engine) -> None:
    verdict = engine.analyse(account("7311200006", "时事观察", verified_label="新华社官方微博",
                                     subject_entity="北京星河文化传媒有限公司"))
    assert (verdict.verdict, verdict.org_id) == ("impersonation", "xinhua")
    finding = next(f for f in verdict.findings if f.kind == "verified_as_other")
    assert (finding.detector, finding.score, finding.matched) == ("account", 90, "新华社官方微博")
    assert "北京星河文化传媒有限公司" in finding.explanation and "新华通讯社" in finding.explanation


def test_a_label_matching_the_subject_entity_or_a_mere_mention_is_no_finding(engine) -> None:
    same = engine.analyse(account("7311200007", "新华社", verified_label="新华社官方微博", subject_entity="新华通讯社"))
    assert not any(f.kind == "verified_as_other" for f in same.findings)
    mention = engine.analyse(account("7311200008", "老张说事", verified_label="人民日报前记者",
                                     subject_entity="张三"))
    assert not any(f.kind == "verified_as_other" for f in mention.findings)


def test_a_borrowed_licence_block_is_licence_misuse(engine) -> None:
    verdict = engine.analyse(account("7311200003", "滨海新闻", licence=LICENCE, licensee="人民日报社",
                                     subject_entity="滨海云帆网络科技有限公司"))
    assert (verdict.verdict, verdict.org_id) == ("licence_misuse", "people")
    kinds = {f.kind for f in verdict.findings}
    assert {"licence_of_other_org", "licensee_not_subject"} <= kinds
    assert any("not by this account" in reason for reason in verdict.reasons)


def test_a_licensee_other_than_the_subject_with_an_unknown_number(engine) -> None:
    verdict = engine.analyse(account("7311200010", "滨海视界", licence="31120190003", licensee="上海某某传媒",
                                     subject_entity="滨海云帆网络科技有限公司"))
    assert verdict.verdict == "licence_misuse"
    finding = next(f for f in verdict.findings if f.kind == "licensee_not_subject")
    assert finding.org_id is None and "上海某某传媒" in finding.explanation


def test_a_malformed_licence_number_is_licence_misuse(engine) -> None:
    verdict = engine.analyse(account("7311200011", "滨海新闻", licence="10920170001", licensee="滨海新闻社",
                                     subject_entity="滨海新闻社"))
    assert verdict.verdict == "licence_misuse"
    assert any(f.kind == "malformed_licence" for f in verdict.findings)


def test_a_news_branded_account_without_licence_block(engine) -> None:
    verdict = engine.analyse(account("7311200002", "滨江日报", subject_entity="滨江星河文化传媒有限公司"))
    assert verdict.verdict == "unlicensed_news"
    licensed = engine.analyse(account("7311200012", "滨江日报", licence="33120190007", licensee="滨江日报社",
                                      subject_entity="滨江日报社"))
    assert licensed.verdict == "clean"


def test_a_listed_account_behind_a_login_wall_is_still_known(engine) -> None:
    """The crawler judges an account it could not see by its platform and id alone."""
    profile = TargetProfile("https://www.douyin.com/user/MS4wxinhua", account=ShownAccount("douyin", "MS4wxinhua"))
    assert engine.analyse(profile).verdict == "official"
    assert engine.analyse(TargetProfile("x", account=ShownAccount("douyin", "other"))).verdict == "clean"


def test_an_account_claimed_by_two_organisations_is_a_registry_error(write_registry: Callable[..., Path]) -> None:
    from detectors.registry import RegistryError

    path = write_registry([
        {"id": "a", "name": "甲报", "type": "newspaper", "domains": ["a.example"], "accounts": {"weibo": ["1"]}},
        {"id": "b", "name": "乙报", "type": "newspaper", "domains": ["b.example"], "accounts": {"weibo": ["1"]}},
    ])
    with pytest.raises(RegistryError, match="account 'weibo:1' is already claimed"):
        Registry.load([path])
