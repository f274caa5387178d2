"""Internet news information service licence numbers (互联网新闻信息服务许可证).

Structure (inferred from many real footers; no published rule): `RR C YYYY NNNN` —
`RR` is `10` for the national regulator or a GB/T 2260 province code, `C` the category
(1 news unit, 2 non-news unit such as a portal), `YYYY` the year of issue (2017 on),
`NNNN` a serial. The legacy 10-digit form has a 3-digit serial and years before 2017.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# GB/T 2260 province-level codes, and 10 for the national regulator (CAC).
REGIONS: dict[str, str] = {
    "10": "national", "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi",
    "15": "Inner Mongolia", "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang",
    "31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui", "35": "Fujian",
    "36": "Jiangxi", "37": "Shandong", "41": "Henan", "42": "Hubei", "43": "Hunan",
    "44": "Guangdong", "45": "Guangxi", "46": "Hainan", "50": "Chongqing", "51": "Sichuan",
    "52": "Guizhou", "53": "Yunnan", "54": "Tibet", "61": "Shaanxi", "62": "Gansu",
    "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang",
}
CATEGORIES = {"1": "news unit", "2": "non-news unit"}
FIRST_YEAR, CURRENT_FORM_YEAR, LAST_YEAR = 2000, 2017, 2030

_DIGITS = re.compile(r"^\d{10,11}$")


@dataclass(frozen=True)
class NewsLicence:
    """A structurally valid news licence number, split into its parts."""

    number: str
    region: str
    category: str
    year: int
    serial: str

    @property
    def region_name(self) -> str:
        return REGIONS[self.region]


class LicenceFormatError(ValueError):
    """A licence number whose structure is wrong; the message says which part."""


def parse_news_licence(number: str) -> NewsLicence:
    """Split a news licence number into its parts, or raise `LicenceFormatError`."""
    if not _DIGITS.match(number):
        raise LicenceFormatError(
            f"{number!r} is not 11 digits (current form) or 10 digits (legacy form)"
        )
    region, category, year = number[:2], number[2], int(number[3:7])
    serial = number[7:]
    if region not in REGIONS:
        raise LicenceFormatError(
            f"{number!r}: region {region} is neither 10 (national) nor a province code"
        )
    if category not in CATEGORIES:
        raise LicenceFormatError(f"{number!r}: category {category} is not 1 or 2")
    if len(number) == 11 and not CURRENT_FORM_YEAR <= year <= LAST_YEAR:
        raise LicenceFormatError(
            f"{number!r}: year {year} is outside {CURRENT_FORM_YEAR}–{LAST_YEAR} for the 11-digit form"
        )
    if len(number) == 10 and not FIRST_YEAR <= year < CURRENT_FORM_YEAR:
        raise LicenceFormatError(
            f"{number!r}: year {year} is outside {FIRST_YEAR}–{CURRENT_FORM_YEAR - 1} for the 10-digit legacy form"
        )
    return NewsLicence(number, region, category, year, serial)
