"""Which strings of a set are a given string with one letter deleted, found without making
its deletions.

`DomainIndex.near_texts` needs, for a label's skeleton of n letters, the strings of its
one-deletion dictionary (`DomainIndex.near`) that are that skeleton less one letter. Making
the n deletions costs n new strings a label, most of them for nothing. Instead, cut the
skeleton in three parts at `cuts(n)`: a deletion falls in one part and leaves the other two
as they were, so a deletion d of the skeleton shares with it its head (the deletion in the
last part), its tail (in the first part) or both ends around the middle (in the middle
part). Three dictionary probes give the few strings that could be deletions, and a check
of each keeps those that are. `DomainScreen` (detectors.domain_screen) probes the same
dictionaries for a whole batch of labels at once.
"""

from __future__ import annotations

from collections.abc import Iterable

Pigeonholes = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]


def cuts(length: int) -> tuple[int, int]:
    """Where a string of `length` letters is cut in three: [:a], [a:b], [b:]."""
    return length // 3, length - length // 3


class DeletionIndex:
    """The strings of a set by what they keep of a string one letter longer."""

    def __init__(self, strings: Iterable[str]) -> None:
        # By the length n of the longer string: (heads, tails, around the middle) → strings.
        self.by_length: dict[int, Pigeonholes] = {}
        for text in strings:
            length = len(text) + 1
            a, b = cuts(length)
            heads, tails, middles = self.by_length.setdefault(length, ({}, {}, {}))
            heads.setdefault(text[:b], []).append(text)
            if a:
                tails.setdefault(text[a - 1:], []).append(text)
            middles.setdefault(text[:a] + text[b - 1:], []).append(text)

    def deleted(self, shape: str) -> set[str]:
        """The strings of the set that are `shape` with one letter deleted."""
        found: set[str] = set()
        holes = self.by_length.get(len(shape))
        if holes is None:
            return found
        heads, tails, middles = holes
        a, b = cuts(len(shape))
        # Most labels meet no candidate at all: probe first, check the few found.
        for candidates, start in ((heads.get(shape[:b]), b), (tails.get(shape[a:]) if a else None, 0),
                                  (middles.get(shape[:a] + shape[b:]), a)):
            if candidates:
                for text in candidates:
                    if _less_one(shape, text, start):
                        found.add(text)
        return found


def _less_one(shape: str, text: str, start: int) -> bool:
    """Whether `text` is `shape` with one letter deleted, the two agreeing on their first
    `start` letters: past the first letter where they differ (or text's end), the rest of
    text must be the rest of shape after that letter."""
    end = len(text)
    while start < end and text[start] == shape[start]:
        start += 1
    return text[start:] == shape[start + 1:]
