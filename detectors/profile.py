"""What detectors look at: a target as it presents itself, independent of how it was
fetched (the crawler builds one from a snapshot; `masthead check` from a single input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


# Where a page's markup states its own site name (the name detector's and detectors.namesakes'
# "own name"); a title, a logo's alt text or a copyright holder may name others too.
SITE_NAME_SOURCES = ("og:site_name", "application-name", "json-ld")


@dataclass(frozen=True)
class ShownName:
    value: str
    source: str = "input"  # title | og:site_name | application-name | json-ld | logo-alt | copyright | sponsor | h1 | input
    url: str | None = None


@dataclass(frozen=True)
class ShownLicence:
    kind: str  # see detectors.registrations.KINDS
    number: str
    url: str | None = None
    context: str | None = None


@dataclass(frozen=True)
class ShownImage:
    path: Path  # the image file (evidence)
    role: str = "logo"  # favicon | apple-touch-icon | og-image | logo | svg-logo | avatar
    url: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class ShownAccount:
    """A platform account: who the platform says runs it, and the licence block it shows
    (the block's number is among the profile's licences as well)."""

    platform: str
    account_id: str
    verified_label: str | None = None
    verified_type: str | None = None
    subject_entity: str | None = None  # 账号主体
    licensee: str | None = None
    licence_number: str | None = None
    licence_category: str | None = None
    url: str | None = None


@dataclass
class TargetProfile:
    target: str
    host: str | None = None  # punycode, of the final URL; None for a platform account
    names: list[ShownName] = field(default_factory=list)
    licences: list[ShownLicence] = field(default_factory=list)
    images: list[ShownImage] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    account: ShownAccount | None = None
