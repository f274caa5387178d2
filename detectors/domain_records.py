"""The records of `masthead check domains` for hosts that only the domain detector sees,
built straight from the index's matches.

The general path makes a `Finding` per match, has the engine decide, then turns the
`Verdict` into a record: three layers of objects for what is, on a list of popular hosts,
almost always the same clean record. `DomainRecords` writes the record directly. It
stands for `_record(line, engine.decide([detector.finding(host, m) for m in matches]))`
on hosts without punycode labels (whose findings are all the domain detector's, so that
no name, logo or licence rule of `DetectionEngine.decide` applies), and
tests/test_domain_records.py holds it to that over the bundled registry and a large
sample of popular and look-alike hosts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detectors.domains import DomainDetector, DomainMatch, explain
from detectors.engine import IMPERSONATION_THRESHOLD, _combined
from detectors.registry import Registry


class DomainRecords:
    """Records for (line, host, the index's matches of host), host without `xn--`."""

    def __init__(self, registry: Registry, detector: DomainDetector) -> None:
        self.detector = detector.name
        # Organisation id → name: the verdict's org_name (None when unknown), and what a
        # finding's explanation names it by (its id when unknown).
        self.names = {org.id: found.name for org in registry if (found := registry.get(org.id)) is not None}

    def record(self, line: str, host: str, matches: Sequence[DomainMatch]) -> dict[str, Any]:
        if not matches:  # most hosts: `DetectionEngine.decide([])`, clean and scored 0
            return {"target": line, "verdict": "clean", "org_id": None, "org_name": None, "score": 0,
                    "reasons": [], "findings": [], "error": None}
        findings = [self._finding(host, match) for match in matches]
        first = matches[0]
        if first.kind == "official":  # the index returns an official match alone
            return self._verdict(line, "official", 100, first.org_id, [findings[0]["explanation"]], findings)
        # Matches come best first, one per organisation, so decide()'s best organisation (the
        # first of the highest noisy-OR of one score, which grows with the score) is the first.
        combined = _combined((first.score,))
        if first.score > 0 and combined >= IMPERSONATION_THRESHOLD:
            return self._verdict(line, "impersonation", combined, first.org_id, [findings[0]["explanation"]], findings)
        return {"target": line, "verdict": "clean", "org_id": None, "org_name": None,
                "score": min(first.score, IMPERSONATION_THRESHOLD - 1),
                "reasons": [finding["explanation"] for finding in findings if finding["score"] > 0][:3],
                "findings": findings, "error": None}

    def _verdict(self, line: str, verdict: str, score: int, org_id: str, reasons: list[str],
                 findings: list[dict[str, Any]]) -> dict[str, Any]:
        return {"target": line, "verdict": verdict, "org_id": org_id, "org_name": self.names.get(org_id),
                "score": score, "reasons": reasons, "findings": findings, "error": None}

    def _finding(self, host: str, match: DomainMatch) -> dict[str, Any]:
        """`DomainDetector.finding(host, match).to_dict()` for a host without punycode."""
        kind, explanation = explain(host, host, match, self.names.get(match.org_id, match.org_id))
        return {"detector": self.detector, "kind": kind, "score": match.score, "explanation": explanation,
                "org_id": match.org_id, "matched": host, "reference": match.official_domain,
                "evidence": [{"host": host}]}
