"""Platform accounts: the rules that only accounts have.

An account listed under an organisation's `accounts` in the registry is official. A
licence block (持证亮牌) whose licensee is not the account's subject entity (账号主体) is a
borrowed licence. A verification label that names a registry organisation (人民日报法人微博)
on an account whose subject entity is someone else poses as that organisation. Names,
avatars, licence numbers and news branding of accounts are judged by the other detectors,
exactly as for sites.
"""

from __future__ import annotations

from detectors.findings import Finding
from detectors.names import NameIndex
from detectors.profile import ShownAccount, TargetProfile
from detectors.registry import Organisation, Registry
from detectors.text import fold

# What platforms append to a name in a verification label; stripped before the name is
# compared ("新华社官方微博" names 新华社).
LABEL_SUFFIXES = ("官方微博", "法人微博", "官方账号", "官方帐号", "官方抖音号", "官方抖音", "官方头条号",
                  "官方快手号", "官方快手", "官方B站账号", "官方微信公众号", "微信公众号", "公众号", "官方")
_NAMED = 85  # a name match this strong says the label names the organisation


def _evidence(account: ShownAccount, **values: str | None) -> tuple[dict[str, str | None], ...]:
    return ({"platform": account.platform, "account_id": account.account_id, "url": account.url, **values},)


class AccountDetector:
    """Listed official accounts, licence blocks against subject entities, verification
    labels against subject entities."""

    name = "account"
    description = "platform accounts: listed official accounts, borrowed licence blocks, verification labels"

    def __init__(self, registry: Registry, index: NameIndex | None = None):
        self.registry = registry
        self._index = index

    @property
    def index(self) -> NameIndex:
        if self._index is None:
            self._index = NameIndex(self.registry)
        return self._index

    def _named(self, text: str) -> list[Organisation]:
        """Registry organisations that `text` names outright (not a mere mention)."""
        for suffix in LABEL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                break
        orgs = {match.org_id for match in self.index.match(text) if match.score >= _NAMED}
        return [org for org_id in sorted(orgs) if (org := self.registry.get(org_id)) is not None]

    def detect(self, profile: TargetProfile) -> list[Finding]:
        account = profile.account
        if account is None:
            return []
        where = f"{account.platform} account {account.account_id}"
        owner = self.registry.org_for_account(account.platform, account.account_id)
        findings: list[Finding] = []
        if owner is not None:
            findings.append(Finding(
                self.name, "official_account", 100,
                f"The {where} is listed in the registry as an official account of {owner.name}.",
                org_id=owner.id, matched=f"{account.platform}:{account.account_id}",
                reference=str(owner.source) if owner.source else None, evidence=_evidence(account)))
        subject = account.subject_entity
        if account.licensee and subject and fold(account.licensee) != fold(subject):
            holder = self.registry.holder_of_licence(account.licence_number or "")
            named = self._named(account.licensee)
            org = holder or (named[0] if named else None)
            findings.append(Finding(
                self.name, "licensee_not_subject", 90,
                f"The licence block of the {where} names “{account.licensee}” as licensee "
                f"(licence {account.licence_number or 'not shown'}), but the account's subject "
                f"entity (账号主体) is “{subject}”: the licence is not the account's own.",
                org_id=org.id if org else None, matched=account.licensee, reference=subject,
                evidence=_evidence(account, licensee=account.licensee, subject_entity=subject,
                                   licence_number=account.licence_number)))
        if account.verified_label:
            subject_orgs = {org.id for org in self._named(subject)} if subject else set()
            for org in self._named(account.verified_label):
                if org is owner or org.id in subject_orgs:
                    continue
                findings.append(Finding(
                    self.name, "verified_as_other", 90,
                    f"The verification label “{account.verified_label}” of the {where} names "
                    f"{org.name}, but the account's subject entity (账号主体) is "
                    f"{f'“{subject}”' if subject else 'not shown'}, not {org.name}, and the "
                    f"registry does not list the account as {org.name}'s.",
                    org_id=org.id, matched=account.verified_label, reference=org.name,
                    evidence=_evidence(account, verified_label=account.verified_label,
                                       subject_entity=subject)))
        return findings
