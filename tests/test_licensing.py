"""Licence numbers: malformed, borrowed from another organisation, or inconsistent."""

from __future__ import annotations

import pytest

from detectors.licensing import LicenceDetector
from detectors.profile import ShownLicence, TargetProfile
from detectors.registry import Registry


@pytest.fixture
def detector(write_registry) -> LicenceDetector:
    path = write_registry([
        {"id": "people", "name": "人民日报社", "type": "newspaper", "domains": ["people.com.cn"],
         "licences": ["10120170001"]},
        {"id": "hebnews", "name": "河北新闻网", "type": "website", "domains": ["hebnews.cn"],
         "licences": ["13120170002"]},
    ])
    return LicenceDetector(Registry.load([path]))


def kinds(detector: LicenceDetector, host: str, *licences: tuple[str, str]) -> list[tuple[str, str | None, int]]:
    profile = TargetProfile("t", host=host, licences=[ShownLicence(kind, number, "https://t/", "…")
                                                      for kind, number in licences])
    return [(f.kind, f.org_id, f.score) for f in detector.detect(profile)]


def test_own_licence_on_own_domain(detector: LicenceDetector) -> None:
    assert kinds(detector, "www.people.com.cn", ("news_licence", "10120170001")) == [
        ("licence_shown", "people", 0)]


def test_borrowed_licence(detector: LicenceDetector) -> None:
    assert kinds(detector, "renminribao.top", ("news_licence", "10120170001")) == [
        ("licence_of_other_org", "people", 95)]


@pytest.mark.parametrize("number", ["101201700", "99120170001", "10320170001", "1012017001"])
def test_malformed_licence(detector: LicenceDetector, number: str) -> None:
    assert kinds(detector, "x.top", ("news_licence", number)) == [("malformed_licence", None, 85)]


def test_unknown_but_well_formed_licence_is_shown_not_judged(detector: LicenceDetector) -> None:
    assert kinds(detector, "x.top", ("news_licence", "44120180003")) == [("licence_shown", None, 0)]


def test_licence_region_against_filings(detector: LicenceDetector) -> None:
    found = kinds(detector, "x.top", ("news_licence", "13120170005"), ("icp_filing", "京ICP备05051626号-1"))
    assert ("region_mismatch", None, 70) in found
    same = kinds(detector, "x.top", ("news_licence", "13120170005"), ("public_security_filing", "冀公网安备13010202000123号"))
    assert [kind for kind, _, _ in same] == ["licence_shown"]
    national = kinds(detector, "x.top", ("news_licence", "10120190011"), ("icp_filing", "粤ICP备12345678号"))
    assert [kind for kind, _, _ in national] == ["licence_shown"]  # national licences are valid anywhere


def test_explanations_name_the_holder(detector: LicenceDetector) -> None:
    profile = TargetProfile("t", host="fake.top", licences=[ShownLicence("news_licence", "13120170002", "https://fake.top/about", "许可证：13120170002")])
    finding = detector.detect(profile)[0]
    assert finding.explanation == "Shows licence 13120170002, which is held by 河北新闻网 (hebnews.cn), not by this site."
    assert finding.evidence[0]["url"] == "https://fake.top/about"
