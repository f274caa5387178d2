"""What detectors report: findings that explain themselves, and the verdict an engine
draws from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("official", "impersonation", "licence_misuse", "unlicensed_news", "clean")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a detector noticed about a target.

    `score` (0–100) is how strongly it points at the organisation (or, with no
    organisation, at the kind of problem). `explanation` is a sentence a person can read:
    what on the target matched what of the organisation. `evidence` references where it
    was seen (page URL, image file, licence context) so that it can be checked.
    """

    detector: str  # domain | name | logo | licence | news_branding
    kind: str  # e.g. official_domain, typo, homoglyph, exact_name, logo_match, licence_of_other_org
    score: int
    explanation: str
    org_id: str | None = None
    matched: str | None = None  # what the target shows
    reference: str | None = None  # what of the organisation it matched
    evidence: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields in declaration order, evidence as a list of fresh dicts. Written out
        rather than `dataclasses.asdict`, whose deep copy cost more than the domain look-up
        on the path of `masthead check domains` (tests/test_findings.py keeps the two equal)."""
        return {"detector": self.detector, "kind": self.kind, "score": self.score,
                "explanation": self.explanation, "org_id": self.org_id, "matched": self.matched,
                "reference": self.reference, "evidence": [dict(item) for item in self.evidence]}


@dataclass
class Verdict:
    """The engine's conclusion for one target."""

    verdict: str  # one of VERDICTS
    score: int
    org_id: str | None = None
    org_name: str | None = None
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "org_id": self.org_id,
            "org_name": self.org_name,
            "score": self.score,
            "reasons": list(self.reasons),
            "findings": [finding.to_dict() for finding in self.findings],
        }
