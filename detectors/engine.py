"""The engine: runs detectors on a target and draws one verdict from their findings.

`official` when the host belongs to a registry organisation, or the platform account is
listed as one of its accounts; otherwise `impersonation` when domain, name, logo (and, for
accounts, verification-label) findings for one organisation add up (noisy-OR of the best
finding of each detector) to IMPERSONATION_THRESHOLD; otherwise `licence_misuse` for a
malformed, borrowed or inconsistent news licence (or an account's licence block whose
licensee is not its subject entity); otherwise `unlicensed_news` for a
news-branded name with no valid licence shown; otherwise `clean`, scored by its strongest
finding so that near-misses sort first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from importlib import import_module
from typing import Protocol

from detectors.domains import idn_labels
from detectors.findings import Finding, Verdict
from detectors.namesakes import spare_namesakes
from detectors.profile import ShownName, TargetProfile
from detectors.registry import Registry

IMPERSONATION_THRESHOLD = 70
MISUSE_THRESHOLD = 70
BRANDING_THRESHOLD = 70
_IDENTITY_DETECTORS = ("domain", "name", "logo")
_OFFICIAL_KINDS = ("official_domain", "official_account")
_IDENTITY_KINDS = ("verified_as_other",)  # account findings that say whom it poses as
_MISUSE_KINDS = ("licensee_not_subject",)  # account findings of a borrowed licence


class Detector(Protocol):
    name: str
    description: str

    def detect(self, profile: TargetProfile) -> list[Finding]: ...


def _with_idn_names(profile: TargetProfile) -> TargetProfile:
    """Chinese IDN labels (新华网.中国) are names too: the name detectors see them."""
    if not profile.host or "xn--" not in profile.host:
        return profile
    extra = [ShownName(label, "domain", profile.host) for label in idn_labels(profile.host)]
    return replace(profile, names=[*profile.names, *extra]) if extra else profile


def _combined(scores: Sequence[int]) -> int:
    remaining = 1.0
    for score in scores:
        remaining *= 1 - score / 100
    return round(100 * (1 - remaining))


class DetectionEngine:
    """Runs detectors (all of them, or those given) and decides."""

    def __init__(self, registry: Registry, detectors: Sequence[Detector]):
        self.registry = registry
        self.detectors = list(detectors)

    def analyse(self, profile: TargetProfile) -> Verdict:
        profile = _with_idn_names(profile)
        findings = [finding for detector in self.detectors for finding in detector.detect(profile)]
        findings = spare_namesakes(profile, findings, IMPERSONATION_THRESHOLD)
        findings.sort(key=lambda f: -f.score)
        return self.decide(findings)

    def _org_name(self, org_id: str | None) -> str | None:
        org = self.registry.get(org_id) if org_id else None
        return org.name if org else None

    def decide(self, findings: list[Finding]) -> Verdict:
        if not findings:  # most hosts of `check domains`: what the rules below give, sooner
            return Verdict("clean", 0, None, None, [], findings)
        for official in findings:
            if official.kind in _OFFICIAL_KINDS:
                return Verdict("official", 100, official.org_id, self._org_name(official.org_id),
                               [official.explanation], findings)
        per_org: dict[str, dict[str, Finding]] = {}
        misuse: list[Finding] = []
        for finding in findings:
            identity = finding.detector in _IDENTITY_DETECTORS or finding.kind in _IDENTITY_KINDS
            if identity and finding.org_id and finding.score > 0:
                by_detector = per_org.setdefault(finding.org_id, {})
                best = by_detector.get(finding.detector)
                if best is None or finding.score > best.score:
                    by_detector[finding.detector] = finding
            if (finding.detector == "licence" or finding.kind in _MISUSE_KINDS) and finding.score >= MISUSE_THRESHOLD:
                misuse.append(finding)
        if per_org:
            score, org_id = -1, ""
            for candidate, by_detector in per_org.items():  # the first of equals wins
                combined = _combined([f.score for f in by_detector.values()])
                if combined > score:
                    score, org_id = combined, candidate
            best = per_org[org_id]
            if score >= IMPERSONATION_THRESHOLD:
                reasons = [f.explanation for f in sorted(best.values(), key=lambda f: -f.score)]
                reasons += [f.explanation for f in misuse]
                return Verdict("impersonation", score, org_id, self._org_name(org_id), reasons, findings)
        if misuse:
            first = misuse[0]
            return Verdict("licence_misuse", first.score, first.org_id, self._org_name(first.org_id),
                           [f.explanation for f in misuse], findings)
        branding = [f for f in findings if f.detector == "news_branding" and f.score >= BRANDING_THRESHOLD]
        licensed = any(f.kind == "licence_shown" for f in findings)
        if branding and not licensed:
            return Verdict("unlicensed_news", branding[0].score, None, None,
                           [branding[0].explanation + " No valid news licence is shown."], findings)
        strongest = max((f.score for f in findings), default=0)
        reasons = [f.explanation for f in findings if f.score > 0][:3]
        return Verdict("clean", min(strongest, IMPERSONATION_THRESHOLD - 1), None, None, reasons, findings)



# Detector name → (module, class). Each class is built with the registry; adding a
# detector is one new module and one line here.
DETECTORS: dict[str, tuple[str, str]] = {
    "domain": ("detectors.domains", "DomainDetector"),
    "name": ("detectors.names", "NameDetector"),
    "logo": ("detectors.logos", "LogoDetector"),
    "licence": ("detectors.licensing", "LicenceDetector"),
    "news_branding": ("detectors.branding", "NewsBrandingDetector"),
    "account": ("detectors.accounts", "AccountDetector"),
}


def build_engine(registry: Registry, names: Sequence[str] = tuple(DETECTORS)) -> DetectionEngine:
    """An engine with the named detectors (their modules imported only when asked for)."""
    detectors = []
    for name in names:
        if name not in DETECTORS:
            raise ValueError(f"unknown detector {name!r}; known: {', '.join(DETECTORS)}")
        module, cls = DETECTORS[name]
        detectors.append(getattr(import_module(module), cls)(registry))
    return DetectionEngine(registry, detectors)
