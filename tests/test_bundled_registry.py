"""The registry Masthead ships: loads cleanly and covers what investigators rely on."""

from __future__ import annotations

from collections import Counter

import pytest

from detectors.registry import Registry


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def test_it_loads_and_holds_at_least_150_organisations(registry: Registry) -> None:
    assert len(registry) >= 150
    assert all(org.provenance for org in registry), "every entry says how it was checked"


@pytest.mark.parametrize(
    ("host", "org_name"),
    [
        ("www.news.cn", "新华通讯社"), ("paper.people.com.cn", "人民日报社"), ("www.cctv.com", "央视网"),
        ("www.chinadaily.com.cn", "中国日报"), ("www.spiegel.de", "Der Spiegel"),
        ("www.lemonde.fr", "Le Monde"), ("www.theguardian.com", "The Guardian"),
    ],
)
def test_official_hosts(registry: Registry, host: str, org_name: str) -> None:
    assert registry.org_for_host(host).name == org_name


@pytest.mark.parametrize(
    "domain",
    # The outlets cloned by the 'Doppelganger' campaign.
    ["spiegel.de", "lemonde.fr", "leparisien.fr", "bild.de", "welt.de", "faz.net", "theguardian.com",
     "washingtonpost.com", "foxnews.com", "20minutes.fr", "ansa.it", "sueddeutsche.de", "t-online.de"],
)
def test_doppelganger_targets_are_registered(registry: Registry, domain: str) -> None:
    assert registry.org_for_host(domain) is not None


def test_coverage_by_kind(registry: Registry) -> None:
    countries = Counter(org.country for org in registry)
    assert len(registry) - countries["CN"] - countries["HK"] - countries["TW"] - countries["MO"] >= 30
    assert countries["HK"] + countries["TW"] >= 10
    assert sum(org.type == "portal" for org in registry) >= 8
    assert registry.holder_of_licence("10120170001").id == "people"


@pytest.mark.parametrize(
    "paper",
    ["北京日报", "天津日报", "河北日报", "山西日报", "内蒙古日报", "辽宁日报", "吉林日报", "黑龙江日报",
     "解放日报", "新华日报", "浙江日报", "安徽日报", "福建日报", "江西日报", "大众日报", "河南日报",
     "湖北日报", "湖南日报", "南方日报", "广西日报", "海南日报", "重庆日报", "四川日报", "贵州日报",
     "云南日报", "西藏日报", "陕西日报", "甘肃日报", "青海日报", "宁夏日报", "新疆日报"],
)
def test_every_provincial_party_paper_is_known_by_name(registry: Registry, paper: str) -> None:
    assert any(paper in org.all_names for org in registry)


def test_licences_read_on_pages_are_shown_on_the_holders_own_domain(registry: Registry) -> None:
    """Each licence of provenance V-LIC is in the licence text of a stored page served from
    its holder's official domain (the shared corpus's manifest)."""
    import csv
    from pathlib import Path

    manifest = Path(__file__).resolve().parents[2] / "shared" / "data" / "pages" / "manifest.csv"
    if not manifest.exists():
        pytest.skip("shared page corpus not available")
    rows = list(csv.DictReader(manifest.open(encoding="utf-8")))
    read = [org for org in registry if "V-LIC" in org.provenance]
    assert {org.id for org in read} >= {"thepaper", "guancha", "chinadaily", "banyuetan"}
    for org in read:
        shown = [row for row in rows if registry.org_for_host(row["site"].split(" ")[0]) is org
                 and any(number in row["licence_snippets"] for number in org.licences)]
        assert shown, org.id
