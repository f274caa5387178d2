"""A site that calls itself what its domain spells is its own outlet (detectors.namesakes)."""

from __future__ import annotations

import pytest

from detectors.engine import build_engine
from detectors.profile import ShownName, TargetProfile
from detectors.registry import Registry

ORGS = [
    {"id": "bbc", "name": "BBC", "names": ["BBC News"], "type": "broadcaster", "domains": ["bbc.com", "bbc.co.uk"]},
    {"id": "ynet", "name": "北京青年报", "names": ["北青网"], "type": "newspaper", "domains": ["ynet.com"]},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):  # type: ignore[no-untyped-def]
    import yaml

    path = tmp_path_factory.mktemp("registry") / "registry.yaml"
    path.write_text(yaml.safe_dump({"organisations": ORGS}, allow_unicode=True), encoding="utf-8")
    return build_engine(Registry.load([path]), ("domain", "name"))


def judged(engine, host: str, *names: tuple[str, str]):  # type: ignore[no-untyped-def]
    return engine.analyse(TargetProfile(f"https://{host}/", host=host,
                                        names=[ShownName(value, source) for value, source in names]))


@pytest.mark.parametrize("host,names", [
    ("www.nbcnews.com", [("NBC News", "og:site_name")]),  # real pages of bench/eval_pages.py
    ("www.cnet.com", [("Story title - CNET", "title")]),
    ("cnet.com", [("CNET", "json-ld")]),
    ("blog.cnet.com", [("第三届论坛举办 发布新版ZoomEye-CNET.COM", "title")]),
    ("nbcnews.ltd", [("Story title-NBCNEWS.COM", "title")]),  # a copy of nbcnews.com elsewhere
])
def test_a_site_named_as_its_domain_spells_is_its_own_outlet(engine, host: str, names: list) -> None:  # type: ignore[no-untyped-def]
    verdict = judged(engine, host, *names)
    assert verdict.verdict == "clean"
    domain = next(f for f in verdict.findings if f.detector == "domain")
    assert domain.score == 60 and "as its domain spells" in domain.explanation
    assert domain.evidence[-1]["source"] == names[0][1]


@pytest.mark.parametrize("host,names", [
    ("nbcnews.com", []),  # no page: the domain alone, as `check domains` judges it
    ("nbcnews.com", [("BBC News", "og:site_name")]),  # claims BBC's name
    ("nbcnews.com", [("Daily Gazette", "og:site_name")]),  # calls itself something else
    ("bbcnevvs.com", [("bbcnevvs", "og:site_name")]),  # look-alike letters read as BBC News
])
def test_a_look_alike_keeps_its_score_unless_its_page_says_otherwise(engine, host: str, names: list) -> None:  # type: ignore[no-untyped-def]
    verdict = judged(engine, host, *names)
    assert verdict.verdict == "impersonation" and verdict.org_id == "bbc"
