"""Licences shown by a target: well formed, held by whom, consistent with its filings.

A valid format proves nothing (one portal's number appears on many clone sites): the
number must belong to the organisation whose domain shows it. A licence region that
disagrees with the site's ICP or 公网安备 province is a cheap sign of a borrowed number.
"""

from __future__ import annotations

from detectors.findings import Finding
from detectors.licences import LicenceFormatError, parse_news_licence
from detectors.profile import ShownLicence, TargetProfile
from detectors.registrations import PROVINCE_ABBREVIATIONS
from detectors.registry import Registry

_PROVINCE_NAMES = {code: abbreviation for abbreviation, code in PROVINCE_ABBREVIATIONS.items()}
_PREFIXED = ("icp_filing", "icp_licence", "public_security_filing")


def _evidence(licence: ShownLicence) -> tuple[dict[str, str | None], ...]:
    return ({"url": licence.url, "context": licence.context, "number": licence.number},)


def _filing_province(licence: ShownLicence) -> str | None:
    """GB/T 2260 code of an ICP or 公网安备 number's province prefix."""
    return PROVINCE_ABBREVIATIONS.get(licence.number[:1]) if licence.kind in _PREFIXED else None


class LicenceDetector:
    """News licence numbers: structure, holder, and agreement with the site's filings."""

    name = "licence"
    description = "news licence numbers that are malformed, held by another organisation, or inconsistent"

    def __init__(self, registry: Registry):
        self.registry = registry

    def detect(self, profile: TargetProfile) -> list[Finding]:
        findings: list[Finding] = []
        # Whose licence may be shown here: the official domain's organisation, or the
        # organisation that lists the account as its own.
        if profile.account is not None:
            site_org = self.registry.org_for_account(profile.account.platform, profile.account.account_id)
            here = "this account"
        else:
            site_org = self.registry.org_for_host(profile.host) if profile.host else None
            here = "this site"
        filings = [(licence, _filing_province(licence)) for licence in profile.licences]
        filings = [(licence, province) for licence, province in filings if province]
        for licence in profile.licences:
            if licence.kind != "news_licence":
                continue
            try:
                parsed = parse_news_licence(licence.number)
            except LicenceFormatError as exc:
                findings.append(Finding(
                    self.name, "malformed_licence", 85,
                    f"The news licence number shown is malformed: {exc}.",
                    matched=licence.number, evidence=_evidence(licence)))
                continue
            holder = self.registry.holder_of_licence(parsed.number)
            if holder is None or holder is site_org:
                own = "account" if profile.account is not None else "domain"
                whose = f"held by {holder.name}, on its own {own}" if holder else "not in the registry"
                findings.append(Finding(
                    self.name, "licence_shown", 0, f"Shows licence {parsed.number} ({whose}).",
                    org_id=holder.id if holder else None, matched=parsed.number,
                    evidence=_evidence(licence)))
            else:
                findings.append(Finding(
                    self.name, "licence_of_other_org", 95,
                    f"Shows licence {parsed.number}, which is held by {holder.name} "
                    f"({', '.join(holder.domains[:3])}), not by {here}.",
                    org_id=holder.id, matched=parsed.number, reference=parsed.number,
                    evidence=_evidence(licence)))
            for filing, province in filings:
                if parsed.region != "10" and province != parsed.region:
                    findings.append(Finding(
                        self.name, "region_mismatch", 70,
                        f"Licence {parsed.number} was issued in {parsed.region_name} (region "
                        f"{parsed.region}), but the site's filing {filing.number} is from "
                        f"{_PROVINCE_NAMES.get(province, province)} (region {province}).",
                        matched=parsed.number, reference=filing.number,
                        evidence=_evidence(licence) + _evidence(filing)))
                    break
        return findings
