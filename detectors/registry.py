"""The registry of genuine news organisations: schema, validation on load, look-ups.

A registry is one or more YAML files (`organisations: [...]`). Every problem is reported
with the file, the entry and the field, so that whoever edits the YAML can fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from detectors.hostnames import HostnameError, normalise_host
from detectors.licences import LicenceFormatError, parse_news_licence

OrgType = Literal["agency", "newspaper", "broadcaster", "magazine", "website", "portal"]
ORG_TYPES: tuple[str, ...] = OrgType.__args__  # type: ignore[attr-defined]

# libyaml's safe loader when PyYAML was built with it: 0.48 -> 0.06 s on the bundled registry.
SAFE_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bundled_registry_path() -> Path:
    """The registry shipped with Masthead (`seeds/registry.yaml`)."""
    return Path(str(resources.files("seeds") / "registry.yaml"))


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names file, entry and field."""


class _Entry(BaseModel):
    """One organisation as written in YAML (the I/O edge; unknown keys are errors)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1)
    type: OrgType
    domains: list[str] = Field(min_length=1)
    names: list[str] = []
    abbreviations: list[str] = []
    licences: list[str] = []
    logos: list[str] = []
    accounts: dict[str, list[str]] = {}
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    provenance: list[str] = []

    @field_validator("domains")
    @classmethod
    def _domains_are_hosts(cls, domains: list[str]) -> list[str]:
        normalised = []
        for index, domain in enumerate(domains):
            try:
                normalised.append(normalise_host(domain))
            except HostnameError as exc:
                raise ValueError(f"[{index}] {exc}") from None
        return normalised

    @field_validator("licences")
    @classmethod
    def _licences_are_well_formed(cls, licences: list[str]) -> list[str]:
        for index, number in enumerate(licences):
            try:
                parse_news_licence(number)
            except LicenceFormatError as exc:
                raise ValueError(f"[{index}] {exc}") from None
        return licences


@dataclass(frozen=True)
class Organisation:
    """A genuine news organisation."""

    id: str
    name: str
    type: str
    domains: tuple[str, ...]
    names: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()
    logos: tuple[Path, ...] = ()
    accounts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    country: str | None = None
    provenance: tuple[str, ...] = ()
    source: Path | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        """The main name followed by every other name, without repeats."""
        return tuple(dict.fromkeys((self.name, *self.names)))

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready."""
        return {
            "id": self.id,
            "name": self.name,
            "names": list(self.names),
            "abbreviations": list(self.abbreviations),
            "type": self.type,
            "country": self.country,
            "domains": list(self.domains),
            "licences": list(self.licences),
            "logos": [str(path) for path in self.logos],
            "accounts": {k: list(v) for k, v in self.accounts.items()},
            "provenance": list(self.provenance),
            "source": str(self.source) if self.source else None,
        }


class Registry:
    """Organisations from one or more files, indexed by id, domain and licence."""

    def __init__(self, organisations: Iterable[Organisation]):
        self.organisations: tuple[Organisation, ...] = tuple(organisations)
        self._by_id: dict[str, Organisation] = {}
        self._by_domain: dict[str, Organisation] = {}
        self._by_licence: dict[str, Organisation] = {}
        self._by_account: dict[str, Organisation] = {}
        for org in self.organisations:
            self._claim(self._by_id, org.id, org, "id")
            for domain in org.domains:
                self._claim(self._by_domain, domain, org, "domain")
            for number in org.licences:
                self._claim(self._by_licence, number, org, "licence")
            for platform, ids in org.accounts.items():
                for account_id in ids:
                    self._claim(self._by_account, f"{platform}:{account_id}", org, "account")

    @staticmethod
    def _claim(index: dict[str, Organisation], key: str, org: Organisation, what: str) -> None:
        holder = index.get(key)
        if holder is not None:
            raise RegistryError(
                f"{org.source}: organisation {org.id!r}: {what} {key!r} is already "
                f"claimed by organisation {holder.id!r} ({holder.source})"
            )
        index[key] = org

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self.organisations)

    def __len__(self) -> int:
        return len(self.organisations)

    def get(self, org_id: str) -> Organisation | None:
        return self._by_id.get(org_id)

    def org_for_host(self, host: str) -> Organisation | None:
        """The organisation whose official domain is `host` or a parent of it; the most
        specific official domain wins (a subdomain may belong to another organisation)."""
        labels = host.split(".")
        for start in range(len(labels) - 1):
            org = self._by_domain.get(".".join(labels[start:]))
            if org is not None:
                return org
        return None

    def holder_of_licence(self, number: str) -> Organisation | None:
        return self._by_licence.get(number)

    def org_for_account(self, platform: str, account_id: str) -> Organisation | None:
        """The organisation that lists this platform account as its own."""
        return self._by_account.get(f"{platform}:{account_id}")

    @classmethod
    def load(cls, paths: Sequence[Path] | None = None) -> Registry:
        """Load and merge registry files (the bundled one when `paths` is empty)."""
        paths = list(paths) if paths else [bundled_registry_path()]
        return cls(org for path in paths for org in load_organisations(path))


def field_problem(exc: ValidationError, whole: str) -> str:
    """The first error of a validated YAML mapping, as "field 'where': what is wrong"
    (`whole` names the mapping itself when the error is not about one field)."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or whole
    message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
    return f"field '{where}': {message}"


def load_organisations(path: Path) -> list[Organisation]:
    """Read and validate one registry file."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_YAML)
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry ({exc.strerror or exc})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("organisations"), list):
        raise RegistryError(f"{path}: expected a mapping with an 'organisations' list")
    extra = sorted(set(document) - {"organisations"})
    if extra:
        raise RegistryError(f"{path}: unknown top-level key(s): {', '.join(extra)}")
    return [_organisation(path, index, raw) for index, raw in enumerate(document["organisations"])]


def _organisation(path: Path, index: int, raw: Any) -> Organisation:
    label = f"entry {index + 1}"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        label += f" (id {raw['id']!r})"
    if not isinstance(raw, dict):
        raise RegistryError(f"{path}: {label}: expected a mapping of fields")
    try:
        entry = _Entry.model_validate(raw)
    except ValidationError as exc:
        raise RegistryError(f"{path}: {label}: {field_problem(exc, 'entry')}") from None
    logos = []
    for logo in entry.logos:
        logo_path = (path.parent / logo).resolve()
        if not logo_path.is_file():
            raise RegistryError(f"{path}: {label}: field 'logos': file not found: {logo}")
        logos.append(logo_path)
    return Organisation(
        id=entry.id,
        name=entry.name,
        type=entry.type,
        domains=tuple(dict.fromkeys(entry.domains)),
        names=tuple(entry.names),
        abbreviations=tuple(entry.abbreviations),
        licences=tuple(entry.licences),
        logos=tuple(logos),
        accounts={platform: tuple(ids) for platform, ids in entry.accounts.items()},
        country=entry.country,
        provenance=tuple(entry.provenance),
        source=path,
    )
