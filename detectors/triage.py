"""Triage without crawling: verdicts for bare domains, names or image files. What
`masthead check` prints, one record per input, each with target, verdict, org_id,
org_name, score, reasons (and error, for an input that cannot be checked)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, islice, repeat
from operator import is_
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from detectors.domain_records import DomainRecords
from detectors.domain_screen import DomainScreen
from detectors.engine_cache import cached_engine
from detectors.findings import Verdict
from detectors.domains import DomainMatch
from detectors.hostnames import HostnameError, normalise_host, plain_host, plain_hosts
from detectors.profile import ShownImage, ShownName, TargetProfile
from detectors.registry import Registry


def _record(target: str, verdict: Verdict | None, error: str | None = None) -> dict[str, Any]:
    if verdict is None:
        return {"target": target, "verdict": None, "org_id": None, "org_name": None,
                "score": None, "reasons": [], "error": error}
    return {"target": target, **verdict.to_dict(), "error": None}


# A line that is a bare ASCII host: no scheme, path, port, user or brackets to parse.
_URL_CHARS = frozenset("/\\:@?#[]%")
_BATCH = 256  # lines looked up together (detectors.domain_screen)


def host_of(text: str) -> str:
    """The host of a domain or URL line, normalised (raises HostnameError)."""
    value = text.strip()
    plain = plain_host(value)  # most lines: a bare host
    if plain is not None:
        return plain
    if value.isascii() and value.isprintable() and " " not in value and _URL_CHARS.isdisjoint(value):
        return normalise_host(value.lower())  # what urlsplit's hostname would give, without it
    host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    return normalise_host(host)


def check_domains(registry: Registry, lines: Iterable[str], batch_size: int = _BATCH) -> Iterator[dict[str, Any]]:
    """One record per line (`DomainTriage.check`), the engine built at the first."""
    yield from DomainTriage(registry).check(lines, batch_size)


class DomainTriage:
    """`check_domains` with its engine built beforehand (`masthead check domains` builds it
    apart from the look-ups: crawler.cli.check)."""

    def __init__(self, registry: Registry) -> None:
        self.engine = cached_engine(registry, ("domain", "name"))
        domains = self.engine.detectors[0]
        self.screen, self.records = DomainScreen(domains.index), DomainRecords(registry, domains)

    def check(self, lines: Iterable[str], batch_size: int = _BATCH) -> Iterator[dict[str, Any]]:
        """One record per line. The name detector only sees Chinese IDN labels (新华网.com), so
        a host without a punycode label goes to the domain detector alone: its matches come
        from `DomainScreen.lookups`, a batch at a time, and its record is written straight
        from them (detectors.domain_records): same record. Batches grow from one line to
        `batch_size`, so that the first record comes at once; a feed whose lines come slowly
        wants `batch_size=1`, each record as soon as its line."""
        engine, screen, records = self.engine, self.screen, self.records
        lines, size, error = iter(lines), 1, None
        while not error:
            batch: list[str] = []
            try:
                batch.extend(islice(lines, size))
            except Exception as exc:  # the lines read before it still get their records
                error = exc
            if not batch:
                break
            size = min(2 * size, batch_size)
            hosts = _hosts(batch)
            plain = [position for position, host in enumerate(hosts) if isinstance(host, str) and "xn--" not in host]
            found: list[Sequence[DomainMatch] | None] = screen.lookups([hosts[position] for position in plain])
            if len(plain) < len(batch):  # errors and punycode hosts, written below
                found, looked_up = list(repeat(None, len(batch))), found
                for position, matches in zip(plain, looked_up):
                    found[position] = matches
            for line, host, matches in zip(batch, hosts, found):
                if matches is not None:
                    yield records.record(line, host, matches)
                elif isinstance(host, HostnameError):
                    yield _record(line, None, str(host))
                else:
                    yield _record(line, engine.analyse(TargetProfile(target=line, host=host)))
        if error:
            raise error


def _hosts(lines: list[str]) -> list[str | HostnameError]:
    """`host_of` of each line (or its error), the bare hosts parsed all together."""
    hosts: list[str | HostnameError | None] = plain_hosts(list(map(str.strip, lines)))
    for position in compress(range(len(hosts)), map(is_, hosts, repeat(None))):
        try:  # a URL, an IDN, anything but a bare ASCII host
            hosts[position] = host_of(lines[position])
        except HostnameError as exc:
            hosts[position] = exc
    return hosts  # type: ignore[return-value]  # no None left


def check_names(registry: Registry, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    engine = cached_engine(registry, ("name", "news_branding"))
    for line in lines:
        yield _record(line, engine.analyse(TargetProfile(target=line, names=[ShownName(line)])))


def check_logos(registry: Registry, paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    from detectors.images import ImageError, load_image_file  # Pillow: not for domains or names

    engine = cached_engine(registry, ("logo",))
    for path in paths:
        try:
            load_image_file(path)  # a broken image is an error to report, not a clean verdict
            sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError as exc:
            yield _record(str(path), None, f"cannot read: {exc.strerror or exc}")
            continue
        except ImageError as exc:
            yield _record(str(path), None, str(exc))
            continue
        image = ShownImage(Path(path), "logo", None, sha256)
        yield _record(str(path), engine.analyse(TargetProfile(target=str(path), images=[image])))
