"""Licence and registration numbers in visible page text, from real footers first."""

from __future__ import annotations

import csv
import gzip
import html
import re
import unicodedata

import pytest

from detectors.licences import REGIONS
from detectors.registrations import (
    KINDS,
    PROVINCE_ABBREVIATIONS,
    Registration,
    _fold,
    _TRADITIONAL,
    context_around,
    find_registrations,
)
from tests.conftest import SHARED

PAGES = SHARED / "data" / "pages"


def found(text: str) -> list[tuple[str, str, str | None]]:
    return [(r.kind, r.number, r.province) for r in find_registrations(text)]


# Snippets quoted in the manifest's `licence_snippets` column (the page file is named on
# each), then footer lines copied from the visible text of pages whose manifest snippet
# left something out.
REAL_FOOTERS = [
    pytest.param(  # gne-cn/baijiahao_1..4, trafilatura/baike.baidu.com.tanya
        "京ICP证030173号 | 京公网安备11000002000001号",
        [("icp_licence", "京ICP证030173号", "11"),
         ("public_security_filing", "京公网安备11000002000001号", "11")], id="baijiahao"),
    pytest.param(  # gne-cn/cjddsb_1
        "苏ICP备17065836号", [("icp_filing", "苏ICP备17065836号", "32")], id="cjddsb"),
    pytest.param(  # gne-cn/cjn_1
        "鄂ICP证:020001-5 | 鄂公网安备 42010202000111号 | 信息网络传播视听节目许可证: 1704064"
        " | 增值电信业务经营许可证 鄂 B2-20120083 | 互联网出版许可证 违法和不良信息举报电话：027-666",
        [("icp_licence", "鄂ICP证020001-5", "42"),
         ("public_security_filing", "鄂公网安备42010202000111号", "42"),
         ("audiovisual_licence", "1704064", None),
         ("telecom_licence", "鄂B2-20120083", "42")], id="cjn"),
    pytest.param(  # gne-cn/csdn_1
        "京ICP备19004658号", [("icp_filing", "京ICP备19004658号", "11")], id="csdn"),
    pytest.param(  # gne-cn/ednchina_1
        "粤ICP备16057936号-4", [("icp_filing", "粤ICP备16057936号-4", "44")], id="ednchina"),
    pytest.param(  # gne-cn/gsc_1 (manifest snippet, then the page's own line)
        "京ICP备18020997号-6 备案/许可证号码：京ICP备18020997号-6",
        [("icp_filing", "京ICP备18020997号-6", "11")], id="gsc"),
    pytest.param(  # gne-cn/guancha_2, guancha_3, guancha_guancha
        "互联网新闻信息服务许可证：31220170001 | 沪ICP备10213822号 | 沪公网安备 31010502000027号",
        [("news_licence", "31220170001", "31"), ("icp_filing", "沪ICP备10213822号", "31"),
         ("public_security_filing", "沪公网安备31010502000027号", "31")], id="guancha"),
    pytest.param(  # gne-cn/gzggw_1 (page line: a 10-digit government site code follows)
        "备案号： 浙ICP备05018911号 网站标识码：3300000020 浙公网安备 33010602009328号",
        [("icp_filing", "浙ICP备05018911号", "33"),
         ("public_security_filing", "浙公网安备33010602009328号", "33")], id="gzggw"),
    pytest.param(  # gne-cn/mingridapan_1
        "京ICP备16058363号-1", [("icp_filing", "京ICP备16058363号-1", "11")], id="mingridapan"),
    pytest.param(  # gne-cn/njxfhn_1 (page line)
        "备案号:皖ICP备10015907号", [("icp_filing", "皖ICP备10015907号", "34")], id="njxfhn"),
    pytest.param(  # gne-cn/shanxi_1
        "晋ICP备12000773号 | 晋公网安备 14010502050691号",
        [("icp_filing", "晋ICP备12000773号", "14"),
         ("public_security_filing", "晋公网安备14010502050691号", "14")], id="shanxi"),
    pytest.param(  # gne-cn/stcn_1 (page line: the AV licence and a bare news label are on it)
        "备案号：粤ICP备09109218号 网络视听许可证：1908317号 增值电信业务经营许可证：粤B2-20080118"
        " 互联网新闻信息服务许可证 ",
        [("icp_filing", "粤ICP备09109218号", "44"), ("audiovisual_licence", "1908317", None),
         ("telecom_licence", "粤B2-20080118", "44")], id="stcn"),
    pytest.param(  # gne-cn/thepaper_1..5 (the "ICP证" shows a B2 telecom licence number)
        "互联网新闻信息服务许可证：31120170006 | 沪ICP备14003370号 | 沪ICP证：沪B2-20170116"
        " | 沪公网安备 31010602000299号",
        [("news_licence", "31120170006", "31"), ("icp_filing", "沪ICP备14003370号", "31"),
         ("telecom_licence", "沪B2-20170116", "31"),
         ("public_security_filing", "沪公网安备31010602000299号", "31")], id="thepaper"),
    pytest.param(  # gne-cn/toutiao_2
        "京ICP备12025439号-3 | 京ICP证140141号 | 京公网安备 11000002002023号",
        [("icp_filing", "京ICP备12025439号-3", "11"), ("icp_licence", "京ICP证140141号", "11"),
         ("public_security_filing", "京公网安备11000002002023号", "11")], id="toutiao"),
    pytest.param(  # gne-cn/xds_1
        "闽ICP备11019844号-1", [("icp_filing", "闽ICP备11019844号-1", "35")], id="xds"),
    pytest.param(  # gne-cn/zyyfy_1
        "湘ICP备14002927号-5", [("icp_filing", "湘ICP备14002927号-5", "43")], id="zyyfy"),
    pytest.param(  # gerapy-cn/china_news1 (page line: 12-digit 公网安备 with a suffix)
        "[ 网上传播视听节目许可证（0106168） ] [ 京ICP证040655号 ] [京公网安备:110102003042-1]"
        " [ 京ICP备05004340号-1 ] 总机：86-10-87826688",
        [("audiovisual_licence", "0106168", None), ("icp_licence", "京ICP证040655号", "11"),
         ("public_security_filing", "京公网安备110102003042-1", "11"),
         ("icp_filing", "京ICP备05004340号-1", "11")], id="china_news1"),
    pytest.param(  # readability/youth (page line: full-width bar and minus in the ICP filing)
        "信息网络传播视听节目许可证0105108号 京｜ICP备11020872号－17 京公网安备110105007246",
        [("audiovisual_licence", "0105108", None), ("icp_filing", "京ICP备11020872号-17", "11"),
         ("public_security_filing", "京公网安备110105007246", "11")], id="youth"),
    pytest.param(  # newspaper4k/chinese_article_001 (page lines)
        "互联网新闻信息服务许可证10120170006 信息网络传播视听节目许可证0108263号"
        " 京公网安备11010502032503号 京网文[2011]0283-097号 京ICP备13028878号-6",
        [("news_licence", "10120170006", "10"), ("audiovisual_licence", "0108263", None),
         ("public_security_filing", "京公网安备11010502032503号", "11"),
         ("network_culture_licence", "京网文[2011]0283-097号", "11"),
         ("icp_filing", "京ICP备13028878号-6", "11")], id="chinese_article_001"),
    pytest.param(  # trafilatura/banyuetan.org… (legacy 10-digit news licence)
        "互联网新闻信息服务许可证：1012014004 | 京ICP备16044242号 | 京公网安备11010702001529号",
        [("news_licence", "1012014004", "10"), ("icp_filing", "京ICP备16044242号", "11"),
         ("public_security_filing", "京公网安备11010702001529号", "11")], id="banyuetan"),
    pytest.param(  # gne-cn/readhub_readhub (page lines; the manifest lists no licence here)
        "无码科技（杭州）有限公司 浙 ICP 备 17005035 号 -1 增值电信业务许可证 浙 B2-20181004 联系我们",
        [("icp_filing", "浙ICP备17005035号-1", "33"),
         ("telecom_licence", "浙B2-20181004", "33")], id="readhub"),
]


@pytest.mark.parametrize(("text", "expected"), REAL_FOOTERS)
def test_real_footers(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert sorted(found(text)) == sorted(expected)


@pytest.mark.parametrize(("text", "_"), REAL_FOOTERS)
def test_results_are_in_text_order_with_spans_on_the_text_given(text: str, _) -> None:
    registrations = find_registrations(text)
    assert [r.start for r in registrations] == sorted(r.start for r in registrations)
    for r in registrations:
        assert r.kind in KINDS
        shown = re.sub(r"[\s:：|｜]", "", text[r.start:r.end]).replace("－", "-")
        assert shown == r.number


@pytest.mark.parametrize(("text", "expected"), [
    ("新闻信息服务许可证：10120170079", ("news_licence", "10120170079", "10")),
    ("互联网新闻信息服务许可证编号：41120181101", ("news_licence", "41120181101", "41")),
    ("互联网新闻信息服务许可证 （ 11220180008 ）", ("news_licence", "11220180008", "11")),
    ("服务主体：某某传媒 许可证号：10120190011", ("news_licence", "10120190011", "10")),
    ("京ICP备 05051626 号", ("icp_filing", "京ICP备05051626号", "11")),
    ("蜀ICP备2023023736号-3", ("icp_filing", "蜀ICP备2023023736号-3", "51")),
    ("京ICP证 000006号", ("icp_licence", "京ICP证000006号", "11")),
    ("广播电视节目制作经营许可证：（广媒）字第172号", ("broadcast_licence", "（广媒）字第172号", None)),
    ("广播电视节目制作经营许可证 （京）字第01234号", ("broadcast_licence", "（京）字第01234号", None)),
    ("广播电视节目制作经营许可证编号:(冀)字第101号", ("broadcast_licence", "（冀）字第101号", None)),
    ("信息网络传播视听节目许可证：0104065", ("audiovisual_licence", "0104065", None)),
    ("信息网络传播视听节目许可证号 1104065", ("audiovisual_licence", "1104065", None)),
    ("京网文〔2016〕2321-300号", ("network_culture_licence", "京网文[2016]2321-300号", "11")),
    ("网络文化经营许可证：京网文[2023]4961-141号", ("network_culture_licence", "京网文[2023]4961-141号", "11")),
    ("增值电信业务经营许可证：京B2-20090059", ("telecom_licence", "京B2-20090059", "11")),
    ("增值电信业务经营许可证：B1-20060139", ("telecom_licence", "B1-20060139", None)),
    ("沪B2-20050088", ("telecom_licence", "沪B2-20050088", "31")),
])
def test_documented_forms(text: str, expected: tuple[str, str, str | None]) -> None:
    assert found(text) == [expected]


def test_full_width_digits_letters_and_colon_keep_spans_on_the_original() -> None:
    text = "互联网新闻信息服务许可证：１０１２０１７０００１　京ＩＣＰ备０５０５１６２６号－１"
    news, icp = find_registrations(text)
    assert (news.kind, news.number, news.province) == ("news_licence", "10120170001", "10")
    assert text[news.start:news.end] == "１０１２０１７０００１"
    assert (icp.kind, icp.number, icp.province) == ("icp_filing", "京ICP备05051626号-1", "11")
    assert text[icp.start:icp.end] == "京ＩＣＰ备０５０５１６２６号－１"


def test_characters_whose_nfkc_is_longer_do_not_shift_spans() -> None:
    text = "㈱某某 ℡ 许可证号：10120170001"
    (registration,) = find_registrations(text)
    assert text[registration.start:registration.end] == "10120170001"


def test_traditional_forms() -> None:
    text = ("互聯網新聞信息服務許可證：10120170001 京ICP備05051626號-1 粵公網安備 44010602000001號"
            " 京ICP證000006號 增值電信業務經營許可證：滬B2-20050088")
    assert found(text) == [
        ("news_licence", "10120170001", "10"),
        ("icp_filing", "京ICP备05051626号-1", "11"),
        ("public_security_filing", "粤公网安备44010602000001号", "44"),
        ("icp_licence", "京ICP证000006号", "11"),
        ("telecom_licence", "沪B2-20050088", "31"),
    ]


def test_several_registrations_on_one_footer_line() -> None:
    text = ("Copyright © 2024 某某网 版权所有 京ICP备05051626号-1 京公网安备11000002000001号 "
            "互联网新闻信息服务许可证：10120170001 京网文[2023]4961-141号 京ICP证000006号")
    assert [r.kind for r in find_registrations(text)] == [
        "icp_filing", "public_security_filing", "news_licence", "network_culture_licence",
        "icp_licence"]


def test_malformed_news_licence_is_still_reported() -> None:
    assert found("互联网新闻信息服务许可证：131201700") == [("news_licence", "131201700", "13")]


@pytest.mark.parametrize("text", [
    "联系电话：010-12345678",
    "客服热线 13812345678",
    "订单号：20230915123456",
    "发布时间：2023-09-15 10:20:30",
    "网站标识码：3300000020",
    "期刊订阅电话：400-081-2017 客服电话：400-851-5588",
    "举报邮箱：2802327246@qq.com",
    # the news label with no number, then words and a phone number (gne-cn/cjn_1)
    "新闻信息服务许可证 网络文化经营许可证 --> 互联网出版许可证 违法和不良信息举报电话：027-66668888",
    "互联网新闻信息服务许可证 请致电 13812345678",
    "互联网新闻信息服务许可证：" + " " * 21 + "10120170001",  # too far from the label
    "互联网新闻信息服务许可证：1012017000123",  # a 13-digit run is no licence
    "互联网出版许可证号：10120170001",  # another licence's label
    "型号 B2-20090059",  # a telecom-like number with neither label nor province
    "青岛新闻网文旅 9评论",  # 网文 without a bracketed year
    "ICP备案号：查询中",
])
def test_no_false_positives(text: str) -> None:
    assert find_registrations(text) == []


def test_the_same_number_twice_yields_the_first_occurrence() -> None:
    text = "京ICP备05051626号-1 ... 京ICP备 05051626号-1 ... 许可证号：10120170001 许可证号：10120170001"
    registrations = find_registrations(text)
    first_licence = text.index("10120170001")
    assert [(r.kind, r.start) for r in registrations] == [
        ("icp_filing", 0), ("news_licence", first_licence)]


def test_province_codes_from_prefixes() -> None:
    assert found("京ICP备05051626号")[0][2] == "11"
    assert found("蜀ICP备2023023736号-3")[0][2] == "51"
    assert found("川ICP备2023023736号")[0][2] == "51"
    assert found("粤公网安备 44010602000001号")[0][2] == "44"
    assert found("ICP备05051626号") == [("icp_filing", "ICP备05051626号", None)]
    assert set(PROVINCE_ABBREVIATIONS.values()) <= set(REGIONS) - {"10"}


def test_news_licence_province_from_its_first_two_digits() -> None:
    assert found("许可证号：13120170002") == [("news_licence", "13120170002", "13")]
    assert found("许可证号：99120170001") == [("news_licence", "99120170001", None)]


def test_context_around_collapses_whitespace_and_stays_in_bounds() -> None:
    text = "版权所有\n\n   京ICP备05051626号-1\t\t联系我们"
    (registration,) = find_registrations(text)
    assert context_around(text, registration.start, registration.end, width=6) == \
        "有 京ICP备05051626号-1 联系我们"
    assert context_around(text, registration.start, registration.end) == \
        "版权所有 京ICP备05051626号-1 联系我们"
    assert context_around(text, 0, 2, width=0) == "版权"
    assert context_around(text, -5, 10_000) == "版权所有 京ICP备05051626号-1 联系我们"
    assert context_around("", 0, 0) == ""


def test_registration_is_frozen() -> None:
    registration = Registration("news_licence", "10120170001", 0, 11, "10")
    with pytest.raises(AttributeError):
        registration.number = "x"  # type: ignore[misc]


# Manifest kind names -> the kinds that satisfy them (publishing_licence is shown without
# a number on the one page that lists it, gne-cn/cjn_1).
MANIFEST_KINDS = {
    "news_licence": {"news_licence"},
    "icp": {"icp_filing", "icp_licence"},
    "public_security": {"public_security_filing"},
    "av_licence": {"audiovisual_licence"},
    "telecom_licence": {"telecom_licence"},
}


def visible_text(row: dict[str, str]) -> str:
    raw = gzip.decompress((PAGES / row["file"]).read_bytes()).decode(row["encoding"], "replace")
    raw = re.sub(r"(?is)<(script|style)\b[^>]*>.*?</\1>", " ", raw)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def test_all_real_pages() -> None:
    manifest = PAGES / "manifest.csv"
    if not manifest.exists():
        pytest.skip("shared page corpus not available")
    rows = list(csv.DictReader(manifest.open(encoding="utf-8")))
    assert len(rows) == 207
    missing, unexpected_news = [], []
    for row in rows:
        kinds_found = {r.kind for r in find_registrations(visible_text(row))}
        for listed in filter(None, row["licence_kinds"].split(";")):
            if listed in MANIFEST_KINDS and not kinds_found & MANIFEST_KINDS[listed]:
                missing.append((row["file"], listed))
        if row["has_licence_text"] == "no" and "news_licence" in kinds_found:
            unexpected_news.append(row["file"])
    assert missing == []
    assert unexpected_news == []


@pytest.mark.parametrize("extra", ["", "😀", "\ud800"], ids=["bmp", "astral", "lone-surrogate"])
def test_folding_is_nfkc_then_traditional_to_simplified_per_character(extra: str) -> None:
    """The array fold of the Basic Multilingual Plane (and the dict fold beyond it) gives
    for every character what the definition gives, and keeps the text's length."""
    text = "".join(map(chr, range(0x10000))) + extra + "京ＩＣＰ備１２號"

    def folded(char: str) -> str:
        nfkc = unicodedata.normalize("NFKC", char)
        return (nfkc if len(nfkc) == 1 else char).translate(_TRADITIONAL)

    expected = "".join(map(folded, text))
    assert _fold(text) == expected and len(expected) == len(text)
    assert _fold("京ＩＣＰ備１２號").startswith("京ICP")
    assert _fold("plain ascii") == "plain ascii"
