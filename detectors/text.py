"""Text normalisation for comparing names: NFKC and full-width forms, CJK radicals,
traditional → simplified (OpenCC), Latin look-alikes (Unicode TR39 confusables), pinyin.

Chinese look-alike characters (入/人, 曰/日…) are handled by `detectors.lookalikes`, by
comparison against registry names, not by folding: similarity of shape is not transitive.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import cjkfold
import opencc

_T2S = opencc.OpenCC("t2s")
_KEEP = re.compile(r"[^\w\u3400-\u9fff\uf900-\ufaff]+")  # punctuation, spaces, symbols
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
# Where titles join a page name and a site name: 要闻 - 人民网, 首页_新华网, News | BBC, and a
# dash touching Chinese text without spaces (交通-新华网, “数字”是优长-半月谈): Latin names keep
# theirs (Coca-Cola, cctvnews-online).
_SEPARATORS = re.compile(r"\s*(?:[|_｜·•»«/\\]|——|--|\s[-–—]\s|[:：]\s?"
                         r"|(?<=[\u3400-\u9fff\u3000-\u303f\uff01-\uff0f”’）》])[-–—]"
                         r"|[-–—](?=[\u3400-\u9fff“‘（《]))\s*")
# ASCII tricks on top of the Unicode confusables, applied to both sides of a comparison.
_ASCII_TRICKS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"),
                 ("5", "s"), ("3", "e"), ("8", "b"), ("$", "s"), ("@", "a"))


@lru_cache(maxsize=1)
def _latin_confusables() -> dict[str, str]:
    """Every character that Unicode TR39 lists as confusable with one ASCII letter or
    digit, mapped to that character (lower case, letters preferred)."""
    data = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    mapping: dict[str, str] = {}
    for char, homoglyphs in json.loads(data).items():
        if char.isascii():
            continue
        ascii_forms = [h["c"].lower() for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()]
        if ascii_forms:
            mapping[char] = sorted(ascii_forms, key=lambda c: (c.isdigit(), c))[0]
    return mapping


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Comparable form of a name: NFKC, radicals folded, simplified, case-folded, Latin
    look-alikes mapped to ASCII, punctuation and spaces removed.
    `人民日報` → `人民日报`, `Ｐｅｏｐｌｅ’s Daily` → `peoplesdaily`, `рeople` (Cyrillic р) → `people`."""
    text = _T2S.convert(cjkfold.fold(unicodedata.normalize("NFKC", text))).casefold()
    confusables = _latin_confusables()
    text = "".join(confusables.get(char, char) for char in text)
    return _KEEP.sub("", text).replace("_", "")


def words(text: str) -> list[str]:
    """Latin words of a name, folded (`The Guardian` → `['the', 'guardian']`)."""
    confusables = _latin_confusables()
    lowered = unicodedata.normalize("NFKC", text).casefold()
    return _LATIN_WORD.findall("".join(confusables.get(char, char) for char in lowered))


def ascii_skeleton(label: str) -> str:
    """A Latin label with ASCII tricks collapsed (rn→m, 0→o, 1/i→l, vv→w…), so that
    `peop1e`, `peopie` and `people` share a skeleton."""
    skeleton = label.casefold().replace("-", "")
    for trick, plain in _ASCII_TRICKS:
        skeleton = skeleton.replace(trick, plain)
    return skeleton


@lru_cache(maxsize=65536)
def _syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of each Chinese character of `text`, as pypinyin reads them in context.
    pypinyin is imported here, not with this module: its dictionaries take ~0.4 s and
    ~56 MB, which the crawl's own process (it imports this module, never asks for pinyin)
    need not pay."""
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(chinese_chars(text), errors="ignore"))


def chinese_chars(text: str) -> str:
    """The Chinese characters of `text`, folded: what `pinyin` reads."""
    return "".join(_CJK.findall(fold(text)))


def pinyin(text: str) -> str:
    """Toneless full pinyin of the Chinese characters of `text` (`人民日报` → `renminribao`)."""
    return "".join(_syllables(text))


def pinyin_initials(text: str) -> str:
    """Pinyin initials (`人民日报` → `rmrb`): pypinyin's `Style.FIRST_LETTER` is the first
    letter of each toneless syllable, so one conversion serves both (it costs ~0.2 ms a
    name when the registry's keys are built)."""
    return "".join(syllable[:1] for syllable in _syllables(text))


def segments(value: str) -> list[str]:
    """A name split where titles join a page name and a site name (parts of at least two
    letters)."""
    parts = [part.strip() for part in _SEPARATORS.split(value) if part and part.strip()]
    return [part for part in parts if len(fold(part)) >= 2]
