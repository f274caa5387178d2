"""News branding: a news word at the end of a name, not anywhere inside it."""

from __future__ import annotations

import pytest

from detectors.branding import NewsBrandingDetector
from detectors.newswords import news_word
from detectors.profile import ShownName, TargetProfile


@pytest.mark.parametrize(
    ("name", "word", "strength"),
    [
        ("中国法治观察新闻网", "新闻", "strong"), ("华夏监督报道网", "报道", "strong"),
        ("晨光日报社", "报社", "strong"), ("湖南卫视", "卫视", "strong"),
        ("央视新闻客户端", "新闻", "strong"), ("東方新聞網", "新闻", "strong"),
        ("中华廉政在线", "在线", "medium"), ("Springfield News", "news", "strong"),
        ("The Daily", "daily", "strong"), ("Coast Gazette Online", "gazette", "strong"),
        ("Washington Post", "post", "medium"),
    ],
)
def test_news_names(name: str, word: str, strength: str) -> None:
    found = news_word(name)
    assert (found.word, found.strength) == (word, strength)


@pytest.mark.parametrize(
    "name",
    ["新闻路小学", "日报表格模板", "光明眼镜店", "新华书店", "Daily Grind Coffee", "Post Office Supplies",
     "News", "新闻", "Times Square Hotel", "Herald Street Bakery"],
)
def test_not_news_names(name: str) -> None:
    assert news_word(name) is None


def test_branding_finding_uses_site_names_not_headlines() -> None:
    detector = NewsBrandingDetector(registry=None)
    headline = TargetProfile("t", names=[ShownName("央视记者现场报道", "h1")])
    assert detector.detect(headline) == []
    site = TargetProfile("t", names=[ShownName("首页 - 华夏监督报道网", "title", "https://h.top/")],
                         claims=["本网讯"])
    finding = detector.detect(site)[0]
    assert (finding.kind, finding.score, finding.matched) == ("news_branded", 90, "华夏监督报道网")
    assert "本网讯" in finding.explanation


def test_a_second_copyright_holder_is_a_credit_not_the_sites_name() -> None:
    """Salon's AP stories (bench/eval_pages.py) end "© Salon Media Group … © The Associated
    Press": the wire's name is not Salon branding itself as news."""
    detector = NewsBrandingDetector(registry=None)
    credited = TargetProfile("t", names=[ShownName("Salon Media Group", "copyright"),
                                         ShownName("The Associated Press", "copyright")])
    assert [f.matched for f in detector.detect(credited)] == ["Salon Media Group"]  # "media": 45, not news
    own = TargetProfile("t", names=[ShownName("The Daily Sentinel Press", "copyright")])
    assert detector.detect(own)[0].matched == "The Daily Sentinel Press"
