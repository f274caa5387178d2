"""Licence and registration numbers that Chinese sites show in footers and about pages.

`find_registrations` reads visible page text and reports every number it recognises with
its span. It recognises, it does not validate: a 9-digit "news licence" is still reported
(`detectors.licences.parse_news_licence` judges it). Bare numbers are only taken after
their label (news and audiovisual licences, broadcast licences) or when the number has a
self-identifying shape (`京ICP备…号`, `京公网安备…`, `京网文[…]…号`, `京B2-…`), so phone
numbers, dates and order numbers are not reported.

Matching runs on a copy of the text folded character by character (NFKC, then a few
traditional characters to simplified), so the copy has the same length and every span
refers to the text given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from detectors.licences import REGIONS

KINDS: dict[str, str] = {
    "news_licence": "互联网新闻信息服务许可证",
    "icp_filing": "ICP备案",
    "icp_licence": "ICP经营许可证",
    "public_security_filing": "公安机关互联网站备案",
    "broadcast_licence": "广播电视节目制作经营许可证",
    "audiovisual_licence": "信息网络传播视听节目许可证",
    "network_culture_licence": "网络文化经营许可证",
    "telecom_licence": "增值电信业务经营许可证",
}

# One-character province abbreviations -> GB/T 2260 province code.
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22",
    "黑": "23", "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36",
    "鲁": "37", "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "蜀": "51", "贵": "52", "黔": "52", "云": "53", "滇": "53",
    "藏": "54", "陕": "61", "秦": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64",
    "新": "65",
}

# Traditional (and Japanese 証) forms of the characters in labels and prefixes; each maps
# to exactly one character so the folded copy keeps its length.
_TRADITIONAL = str.maketrans(
    "聯網聞務許證証編號碼備廣電視節製經營絡傳聽與業遼滬蘇閩贛魯粵瓊貴雲陝隴寧晉",
    "联网闻务许证证编号码备广电视节制经营络传听与业辽沪苏闽赣鲁粤琼贵云陕陇宁晋",
)

_PROVINCE = "(?P<prov>[" + "".join(PROVINCE_ABBREVIATIONS) + "])"
# Between a label and its number: separators only, never words or digits.
_GAP = r"[\s:()\[\]【】〔〕|]{0,20}"
_LABEL_SUFFIX = "(?:编号|号码|号)?"
# A site suffix such as "-1" after an ICP or public-security number ("号-1", "号 -3").
_SUFFIX = r"(?:\s*号)?(?:\s*-\s*\d{1,3}(?!\d))?"
_TELECOM_NUMBER = r"[AB][12]\s*-\s*\d{8}(?!\d)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("news_licence", re.compile(
        r"(?:(?:互联网)?新闻信息服务许可证|(?<![\u3400-\u9fff])许可证(?=编号|号))"
        + _LABEL_SUFFIX + _GAP + r"(?P<num>\d{9,12})(?!\d)")),
    ("icp_filing", re.compile(
        rf"(?P<num>(?:{_PROVINCE}[\s|]*)?(?i:ICP)\s*备\s*:?\s*\d{{6,12}}(?!\d){_SUFFIX})")),
    ("icp_licence", re.compile(
        rf"(?P<num>(?:{_PROVINCE}[\s|]*)?(?i:ICP)\s*证\s*:?\s*\d{{5,9}}(?!\d){_SUFFIX})")),
    ("public_security_filing", re.compile(
        rf"(?P<num>(?:{_PROVINCE}\s*)?公网安备\s*:?\s*\d{{10,16}}(?!\d){_SUFFIX})")),
    ("broadcast_licence", re.compile(
        r"广播电视节目制作经营许可证" + _LABEL_SUFFIX + _GAP
        + r"(?P<num>\([\u3400-\u9fff]{1,4}\)\s*字\s*第\s*\d{1,6}(?!\d)\s*号?)")),
    ("audiovisual_licence", re.compile(
        r"(?:信息网络传播|网上传播|网络)?视听(?:节目)?许可证" + _LABEL_SUFFIX + _GAP
        + r"(?P<num>\d{6,8})(?!\d)")),
    ("network_culture_licence", re.compile(
        rf"(?P<num>(?:{_PROVINCE}\s*)?网文\s*[\[【〔(]\s*\d{{4}}\s*[\]】〕)]"
        r"\s*\d{1,6}(?:\s*-\s*\d{1,5})?(?!\d)(?:\s*号)?)")),
    # A telecom licence number is taken after its label (where the province is optional)
    # or, without a label, only with a province prefix.
    ("telecom_licence", re.compile(
        r"(?:(?:增值电信|电信与信息服务)业务(?:经营)?许可证|(?i:ICP)\s*(?:经营许可)?证)"
        + _LABEL_SUFFIX + _GAP + rf"(?P<num>(?:{_PROVINCE}\s*)?{_TELECOM_NUMBER})")),
    ("telecom_licence", re.compile(
        rf"(?P<num>{_PROVINCE}\s*{_TELECOM_NUMBER})")),
]

# A literal each kind's pattern needs (in the folded, lower-cased text), checked first.
_CUES: dict[str, tuple[str, ...]] = {
    "news_licence": ("许可证",),
    "icp_filing": ("icp",),
    "icp_licence": ("icp",),
    "public_security_filing": ("公网安备",),
    "broadcast_licence": ("广播电视节目制作经营许可证",),
    "audiovisual_licence": ("视听",),
    "network_culture_licence": ("网文",),
    "telecom_licence": ("b1", "b2", "a1", "a2"),
}

# Canonical brackets in numbers: full-width for broadcast licences, ASCII square for
# network-culture licences, as the forms usually printed.
_BRACKETS = {
    "broadcast_licence": str.maketrans("()", "（）"),
    "network_culture_licence": str.maketrans("【】〔〕()", "[][][]"),
}
_DROPPED = re.compile(r"[\s:|]+")
_ICP = re.compile("icp", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Registration:
    """One number found in a text.

    `number` is canonical, so that the same number on two pages compares equal: the
    shown text after NFKC (full-width digits, letters, colon and minus become ASCII),
    traditional characters folded to simplified, whitespace, colons and bars dropped,
    "icp" upper-cased and brackets as in `_BRACKETS`. `start`/`end` span the shown text.
    """

    kind: str
    number: str
    start: int
    end: int
    province: str | None


def _folded_code(code: int) -> int:
    """A character folded: NFKC when that gives one character (else the character itself),
    then traditional to simplified."""
    char = chr(code)
    folded = unicodedata.normalize("NFKC", char)
    return ord((folded if len(folded) == 1 else char).translate(_TRADITIONAL))


class _FoldTable(dict):
    """`str.translate` table of `_folded_code`, filled as characters come: for text with
    characters beyond the Basic Multilingual Plane."""

    def __missing__(self, code: int) -> int:
        self[code] = _folded_code(code)
        return self[code]


_FOLD = _FoldTable()
_BMP = 0x10000


@lru_cache(maxsize=1)
def _bmp_fold() -> np.ndarray:
    """`_folded_code` of every code point of the Basic Multilingual Plane, as an array (built
    once per process, ~0.06 s): a page is folded by one array look-up, ~7 times faster than
    `str.translate`, which looks every character up in a dict (~1 ms for a page of text)."""
    return np.array([_folded_code(code) for code in range(_BMP)], dtype=np.uint32)


def _fold(text: str) -> str:
    """A copy of `text` with the same length, folded character by character."""
    if text.isascii():  # NFKC and the traditional table leave ASCII as it is
        return text
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() >= _BMP:
        return text.translate(_FOLD)
    return _bmp_fold()[codes].tobytes().decode("utf-32-le", "surrogatepass")


def _canonical(kind: str, shown: str) -> str:
    return _ICP.sub("ICP", _DROPPED.sub("", shown)).translate(_BRACKETS.get(kind, {}))


def _province(kind: str, match: re.Match[str], number: str) -> str | None:
    """The GB/T 2260 code of a prefixed number, or for a news licence of its first two
    digits (None when those are no region; the rest of the number is not checked here)."""
    if kind == "news_licence":
        return number[:2] if number[:2] in REGIONS else None
    prefix = match.groupdict().get("prov")
    return PROVINCE_ABBREVIATIONS[prefix] if prefix else None


def find_registrations(text: str) -> list[Registration]:
    """All registrations in `text`, in order, without duplicates of the same (kind, number)."""
    folded = _fold(text)
    lowered = folded.lower()
    found: list[Registration] = []
    for kind, pattern in _PATTERNS:
        if not any(cue in lowered for cue in _CUES[kind]):
            continue  # most pages hold few kinds: skip the patterns that cannot match
        for match in pattern.finditer(folded):
            number = _canonical(kind, match["num"])
            start, end = match.span("num")
            found.append(Registration(kind, number, start, end, _province(kind, match, number)))
    found.sort(key=lambda r: (r.start, -r.end))
    seen: set[tuple[str, str]] = set()
    unique: list[Registration] = []
    for registration in found:
        if (registration.kind, registration.number) not in seen:
            seen.add((registration.kind, registration.number))
            unique.append(registration)
    return unique


def context_around(text: str, start: int, end: int, width: int = 40) -> str:
    """The text around a span, whitespace collapsed, for evidence."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return _WHITESPACE.sub(" ", text[max(0, start - width):end + width]).strip()
