"""`Sounds` rules out texts that cannot sound like a registry name, and only those."""

from __future__ import annotations

import gzip
import os
import random
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from detectors.name_sounds import Sounds
from detectors.names import NameDetector, NameIndex
from detectors.profile import ShownName, TargetProfile
from detectors.registry import Registry
from detectors.text import chinese_chars, fold, pinyin

PAGES = Path("/work/shared/data/pages")


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(Registry.load())


@lru_cache(maxsize=1)
def _by_reading() -> dict[str, list[str]]:
    """Characters by how pypinyin reads them on their own."""
    by_reading: dict[str, list[str]] = {}
    for code in PINYIN_DICT:
        by_reading.setdefault(lazy_pinyin(chr(code))[0], []).append(chr(code))
    return by_reading


def _homophones(name: str, rng: random.Random, count: int) -> list[str]:
    """`name` with characters swapped for others that read alike on their own."""
    by_reading = _by_reading()
    made = []
    for _ in range(count):
        made.append("".join(rng.choice(by_reading.get(lazy_pinyin(char)[0], [char])) if rng.random() < 0.6 else char
                            for char in name))
    return made


def test_every_reading_pypinyin_gives_in_context_is_among_the_characters_readings(index) -> None:
    texts = [entry.folded for entries in index.exact.values() for entry in entries]
    if PAGES.is_dir():  # the real pages' Chinese text, where phrases choose the readings
        for path in sorted(PAGES.rglob("*.html.gz"))[:60]:
            raw = gzip.decompress(path.read_bytes())
            text = raw.decode("utf-8", errors="ignore") + raw.decode("gb18030", errors="ignore")
            texts += re.findall(r"[\u4e00-\u9fff]{2,12}", text)[:200]
    checked = 0
    for text in texts:
        chars = chinese_chars(text)
        syllables = lazy_pinyin(chars, errors="ignore")
        if chars and len(syllables) == len(chars):  # one syllable a character: they line up
            checked += 1
            for char, syllable in zip(chars, syllables):
                assert syllable in index.sounds.readings[char], (text, char, syllable)
    assert checked > 400  # the registry's Chinese names alone are ~600


def test_no_text_that_sounds_like_a_name_is_ruled_out(index) -> None:
    rng = random.Random(11)
    names = [entry.folded for entries in index.by_pinyin.values() for entry in entries]
    texts = names + [made for name in names for made in _homophones(name, rng, 4)]
    sounding = [text for text in texts if pinyin(text) in index.by_pinyin]
    assert len(sounding) > len(names)  # homophones among them, not only the names
    assert all(index.sounds.could_sound_like_a_name(chinese_chars(text)) for text in sounding)


def test_texts_unlike_any_name_are_ruled_out_without_reading_them(index) -> None:
    texts = ["新华路小学", "热门跟贴列表", "高达剧场版", "拾人牙慧造句", "光明眼镜店", "环球影城门票"]
    assert not any(index.sounds.could_sound_like_a_name(chinese_chars(text)) for text in texts)
    assert index.sounds.could_sound_like_a_name(chinese_chars("仁民日报"))  # 人民日报


def test_homophones_and_initials_swaps_are_still_found(index) -> None:
    detector = NameDetector(Registry.load(), index)
    found = {(f.org_id, f.kind) for f in detector.detect(TargetProfile(target="x", names=[ShownName("仁民日报")]))}
    assert ("people", "homophone_name") in found
    assert index.match(fold("人民日抱"))  # one character changed, same initials


def test_a_registry_without_chinese_names_reads_nothing() -> None:
    assert Sounds([]).readings == {} and not Sounds([]).could_sound_like_a_name("人民")


def test_checking_chinese_idns_that_sound_like_no_name_does_not_load_pypinyin() -> None:
    """pypinyin's dictionaries cost ~0.35 s to load: a feed whose Chinese IDNs sound like no
    registry name is checked without them (the engine loaded from its cache)."""
    script = ("import sys; from detectors.registry import Registry; from detectors.triage import check_domains; "
              "records = list(check_domains(Registry.load(), ['热门跟贴列表.com', '高达剧场版.中国', 'example.com'])); "
              "print(len(records), 'pypinyin' in sys.modules)")
    run = [sys.executable, "-c", script]
    subprocess.run(run, check=True, capture_output=True, env=os.environ)  # builds the engine, if need be
    assert subprocess.run(run, check=True, capture_output=True, text=True, env=os.environ).stdout.split() == [
        "3", "False"]
