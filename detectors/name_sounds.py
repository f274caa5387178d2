"""Whether a Chinese text could sound like a registry name, told without reading it.

The name detector compares a text's pinyin with every registry name's (homophones:
仁民日报 sounds like 人民日报). Reading a text costs pypinyin's segmentation and conversion,
~60 µs, and the first reading costs importing pypinyin's dictionaries, ~0.35 s: most texts
(a feed's Chinese IDN labels, page titles) sound like no registry name, and `Sounds` tells
them apart first. It keeps every toneless reading each character takes in pypinyin's
dictionaries, alone or within a phrase: whatever pypinyin reads a text as, each of its
characters reads as one of those. A text that no choice of its characters' readings spells
as a registry name's pinyin cannot sound like one (tests/test_name_sounds.py holds this to
pypinyin's own readings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache


class Sounds:
    """The pinyin of registry names, and every reading of every character."""

    def __init__(self, names_pinyin: Iterable[str]) -> None:
        self.names = frozenset(names_pinyin)
        self.prefixes = frozenset(name[:end] for name in self.names for end in range(len(name) + 1))
        self.readings: dict[str, tuple[str, ...]] = self._readings() if self.names else {}

    @staticmethod
    def _readings() -> dict[str, tuple[str, ...]]:
        from pypinyin import Style
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
        from pypinyin.style import convert

        @lru_cache(maxsize=None)
        def toneless(reading: str) -> str:  # as lazy_pinyin writes it
            return convert(reading, Style.NORMAL, True)

        readings: dict[str, set[str]] = defaultdict(set)
        for code, listed in PINYIN_DICT.items():
            readings[chr(code)].update(map(toneless, listed.split(",")))
        for phrase, syllables in PHRASES_DICT.items():
            for char, options in zip(phrase, syllables):
                readings[char].update(map(toneless, options))
        return {char: tuple(sorted(found)) for char, found in readings.items()}

    def could_sound_like_a_name(self, chars: str) -> bool:
        """Whether some reading of the Chinese characters `chars` spells a name's pinyin."""
        spelled = {""}
        prefixes = self.prefixes
        for char in chars:
            options = self.readings.get(char, ("",))  # one pypinyin cannot read is left out
            spelled = {head + option for head in spelled for option in options if head + option in prefixes}
            if not spelled:
                return False
        return not spelled.isdisjoint(self.names)
