"""Hosts that `DomainIndex.lookup` would answer with nothing, told apart a batch at a time.

On a feed of popular domains almost every host matches nothing, and `lookup` finds that
out host by host in Python, through a dozen function calls (~15 µs a host). The screen asks
the same questions of a whole batch with C-level calls: `map` over the index's own
dictionaries and sets, `str.translate` over the batch's labels joined by newlines, one
Aho-Corasick scan of that text. A host passes the screen when some step of `lookup` could
find something for it: an official domain, a subdomain, a key equal to the label (or to
it with a dot dropped, or with an 'es' taken out), a skeleton or glyph-skeleton hit, a key
inside with affix words around it, or a one-deletion neighbour shared with a key
(detectors.domain_near's three probes). The screen may pass hosts that match nothing
(`lookup` then says so); it never holds back one that matches (tests/test_domain_screen.py
holds it to that). Hosts with punycode labels are not screened: `check_domains` takes them
to the whole engine.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, compress, groupby, repeat
from operator import add, getitem, is_not, itemgetter, ne, not_, or_

from detectors.domain_index import DomainIndex
from detectors.domain_near import cuts
from detectors.domains import DomainMatch, affix_split, glyph_skeleton, skeleton


class DomainScreen:
    """`lookups(hosts)`: `index.lookup` of a batch of hosts."""

    def __init__(self, index: DomainIndex) -> None:
        self.index = index
        self.official = index.official
        # Texts a label, its skeleton or its glyph skeleton may equal for a step to apply
        # (one set for the three: a superset of each test), keys with an 'es' slipped in
        # (aljazeseera) among them.
        plurals = (text[:cut] + "es" + text[cut:] for text in index.exact for cut in range(1, len(text) + 1))
        self.keys = {*index.exact, *index.skeletons, *index.glyphs, *index.near, *plurals}

    def lookups(self, hosts: list[str]) -> list[Sequence[DomainMatch]]:
        """`index.lookup(host)` of each normalised (punycode) host without `xn--` labels
        (those take `lookup` itself), () where the screen rules every match out."""
        parts = list(map(str.partition, hosts, repeat(".")))
        labels, suffixes = list(map(itemgetter(0), parts)), list(map(itemgetter(2), parts))
        subdomains = list(repeat("", len(hosts)))
        # `lookup`'s official probes, all of them for a host of two labels: host, then suffix
        officials = list(map(self.official.get, hosts, map(self.official.get, suffixes)))
        flags = list(map(is_not, officials, repeat(None)))
        for position in compress(range(len(hosts)), map(ne, map(str.count, hosts, repeat(".")), repeat(1))):
            (subdomains[position], labels[position], suffixes[position], officials[position],
             flags[position]) = self._split(hosts[position])
        joined = "\n".join(labels).replace("-", "")
        shaped = skeleton(joined)  # line by line: see `skeleton`
        compacts, shapes = joined.split("\n"), shaped.split("\n")
        texts = list(zip(compacts, shapes, glyph_skeleton(shaped).split("\n")))
        flags = list(map(or_, flags, map(not_, map(self.keys.isdisjoint, texts))))
        for position in self._near(list(compress(range(len(flags)), map(not_, flags))), shapes):
            flags[position] = True
        for position in self._inside(list(compress(range(len(flags)), map(not_, flags))), compacts):
            flags[position] = True
        found: list[Sequence[DomainMatch]] = list(repeat((), len(hosts)))
        search = self.index.search
        for position in compress(range(len(flags)), flags):
            official = officials[position]
            found[position] = [official] if official is not None else search(
                subdomains[position], labels[position], suffixes[position], *texts[position])
        return found

    def _split(self, host: str) -> tuple[str, str, str, DomainMatch | None, bool]:
        """(subdomain, label, suffix, official match, whether a match may be found) of a host
        of three labels or more: official domains up its suffixes, subdomains, a dot slipped
        into a brand."""
        subdomain, label, suffix = self.index.suffixes.split(host)
        official = self._official(host)
        joined = label + suffix.partition(".")[0] if "." in suffix else ""
        may = official is not None or bool(subdomain) or joined.replace("-", "") in self.index.exact
        return subdomain, label, suffix, official, may

    def _official(self, host: str) -> DomainMatch | None:
        """The official domain that `host` is or lies under, as `index.lookup` finds it."""
        dot = -1
        while True:
            match = self.official.get(host[dot + 1:])
            if match is not None:
                return match
            dot = host.find(".", dot + 1)
            if dot < 0:
                return None

    def _near(self, positions: list[int], shapes: list[str]) -> Iterable[int]:
        """Positions whose skeleton may lose one letter into `index.near` (a superset)."""
        lengths = list(map(len, shapes))
        for length, group in groupby(sorted(positions, key=lengths.__getitem__), lengths.__getitem__):
            holes = self.index.near_deletions.by_length.get(length)
            if holes is None:
                continue
            heads, tails, middles = holes
            a, b = cuts(length)
            at = list(group)
            texts = list(map(shapes.__getitem__, at))
            hits = map(heads.__contains__, map(getitem, texts, repeat(slice(b))))
            if a:
                hits = map(or_, hits, map(tails.__contains__, map(getitem, texts, repeat(slice(a, None)))))
            around = map(add, map(getitem, texts, repeat(slice(a))), map(getitem, texts, repeat(slice(b, None))))
            yield from compress(at, map(or_, hits, map(middles.__contains__, around)))

    def _inside(self, positions: list[int], compacts: list[str]) -> Iterable[int]:
        """Positions whose label holds a key with affix words around it, as
        `DomainIndex._match_affixes` takes them (one scan of all the labels)."""
        if not self.index.scan_affixes:
            return
        texts = list(map(compacts.__getitem__, positions))
        ends = list(accumulate(map(add, map(len, texts), repeat(1))))  # where each next text starts
        seen = -1
        for end, text in self.index.automaton.iter("\n".join(texts)):
            which = bisect_right(ends, end + 1)
            if which == seen:
                continue
            compact = texts[which]
            end -= ends[which - 1] if which else 0  # in the label
            if len(compact) > 3 and len(text) != len(compact) and affix_split(compact[end + 1:]) is not None \
                    and affix_split(compact[: end + 1 - len(text)]) is not None:
                seen = which
                yield positions[which]
