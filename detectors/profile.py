"""What detectors look at: a target as it presents itself, independent of how it was
fetched (the crawler builds one from a snapshot; `masthead check` from a single input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass
class TargetProfile:
    target: str
    host: str | None = None  # punycode, of the final URL
    names: list[ShownName] = field(default_factory=list)
    licences: list[ShownLicence] = field(default_factory=list)
    images: list[ShownImage] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
