"""Platform profiles: which URLs are accounts of a platform, and how to read an account page.

A platform is data, not code: `seeds/platforms/<platform>.yaml` for the built-in ones, and
any folder given with `--platforms DIR` (setting `MASTHEAD_PLATFORMS`) for more. A user's
profile with the name of a built-in one replaces it (page structures change; the fix is a
YAML edit). Every file is validated on load; an error names the file and the field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import jmespath
import yaml
from jmespath.exceptions import JMESPathError
from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from detectors.registry import SAFE_YAML, field_problem

logger = logging.getLogger(__name__)

# What an account page may say about its account (README: "Platform profiles").
FIELDS = ("display_name", "avatar", "bio", "verified_label", "verified_type", "subject_entity",
          "licensee", "licence_number", "licence_category", "followers")
MARKERS = ("removed", "captcha", "login_wall")  # checked in this order
_PROBE = Selector(text="<html><body></body></html>")


def bundled_platforms_dir() -> Path:
    """The built-in profiles (`seeds/platforms/`)."""
    return Path(str(resources.files("seeds") / "platforms"))


class PlatformError(ValueError):
    """A profile that cannot be used; the message names the file and the field."""


def _check_css(expression: str) -> str:
    try:
        _PROBE.css(expression)
    except Exception as exc:  # noqa: BLE001 - cssselect raises several kinds
        raise ValueError(f"not a CSS selector: {exc}") from None
    return expression


def _check_xpath(expression: str) -> str:
    try:
        _PROBE.xpath(expression)
    except ValueError as exc:
        raise ValueError(f"not an XPath expression: {exc}") from None
    return expression


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    return pattern


class _Strict(BaseModel):
    """Unknown keys are errors; selectors and patterns are checked when read."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @field_validator("css", check_fields=False)
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        return _check_css(value) if value else value

    @field_validator("xpath", check_fields=False)
    @classmethod
    def _xpath(cls, value: str | None) -> str | None:
        return _check_xpath(value) if value else value

    @field_validator("pattern", check_fields=False)
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return _check_regex(value) if value else value

    def _exactly_one(self, *ways: str) -> None:
        given = [way for way in ways if getattr(self, "json_path" if way == "json" else way)]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(ways)}")


class Extractor(_Strict):
    """One way to read a field: a CSS or XPath selector on the page, or a JMESPath
    expression over the page's embedded JSON (`{source name: document}`); `pattern`
    then keeps its first group (or its whole match)."""

    css: str | None = None
    xpath: str | None = None
    json_path: str | None = Field(default=None, alias="json")
    pattern: str | None = None

    @field_validator("json_path")
    @classmethod
    def _json(cls, value: str | None) -> str | None:
        if value:
            try:
                jmespath.compile(value)
            except JMESPathError as exc:
                raise ValueError(f"not a JMESPath expression: {' '.join(str(exc).split())}") from None
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Extractor:
        self._exactly_one("css", "xpath", "json")
        return self


class Marker(_Strict):
    """A sign that the page is not the account: visible text it contains, or an element."""

    text: str | None = None
    css: str | None = None
    xpath: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Marker:
        self._exactly_one("text", "css", "xpath")
        return self


class EmbeddedJson(_Strict):
    """JSON a page carries for its own scripts (`window.__INITIAL_STATE__ = {…}`,
    `<script type="application/json">`): the script's text by selector, the JSON in it by
    `pattern` (first group), URL-decoded first when `encoding: urlencoded` (Douyin)."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    css: str | None = None
    xpath: str | None = None
    pattern: str | None = None
    encoding: Literal["json", "urlencoded"] = "json"

    @model_validator(mode="after")
    def _one_way(self) -> EmbeddedJson:
        self._exactly_one("css", "xpath")
        return self


def _as_list(value: Any) -> Any:
    """A single mapping stands for a list of one (YAML authors write the common case)."""
    return [value] if isinstance(value, dict) else value


class Fields(_Strict):
    display_name: list[Extractor] = Field(min_length=1)
    avatar: list[Extractor] = []
    bio: list[Extractor] = []
    verified_label: list[Extractor] = []
    verified_type: list[Extractor] = []
    subject_entity: list[Extractor] = []
    licensee: list[Extractor] = []
    licence_number: list[Extractor] = []
    licence_category: list[Extractor] = []
    followers: list[Extractor] = []

    @field_validator(*FIELDS, mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _as_list(value)


class Markers(_Strict):
    removed: list[Marker] = []
    captcha: list[Marker] = []
    login_wall: list[Marker] = []

    @field_validator(*MARKERS, mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _as_list(value)


class PlatformProfile(_Strict):
    """One platform, as written in YAML."""

    platform: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1)
    hosts: list[str] = Field(min_length=1)
    account_urls: list[str] = Field(min_length=1)
    canonical_url: str
    embedded_json: list[EmbeddedJson] = []
    fields: Fields
    markers: Markers = Markers()
    source: str | None = None  # the file it came from (set by the loader)

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, hosts: list[str]) -> list[str]:
        return [host.lower().rstrip(".") for host in hosts]

    @field_validator("account_urls")
    @classmethod
    def _account_urls(cls, patterns: list[str]) -> list[str]:
        for index, pattern in enumerate(patterns):
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"[{index}] not a regular expression: {exc}") from None
            if "id" not in compiled.groupindex:
                raise ValueError(f"[{index}] needs a named group (?P<id>…) for the account id")
        return patterns

    @field_validator("canonical_url")
    @classmethod
    def _canonical(cls, url: str) -> str:
        if "{id}" not in url or urlsplit(url.replace("{id}", "x")).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL containing {id}")
        return url

    def account_id(self, url: str) -> str | None:
        """The account id in `url` when it is one of this platform's account URLs. A
        pattern must match from the start and end where the URL, its path segment or its
        query parameter ends."""
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.hosts:
            return None
        for pattern in self.account_urls:
            found = re.match(f"(?:{pattern})(?=[/?#&]|$)", url)
            if found and found.group("id"):
                return unquote(found.group("id"))
        return None

    def canonical(self, account_id: str) -> str:
        return self.canonical_url.replace("{id}", account_id)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


@dataclass(frozen=True)
class Account:
    """An account URL recognised by a profile."""

    platform: str
    account_id: str
    url: str  # canonical


class Platforms:
    """The loaded profiles, by platform name."""

    def __init__(self, profiles: Iterable[PlatformProfile]):
        self.profiles: dict[str, PlatformProfile] = {profile.platform: profile for profile in profiles}

    def __iter__(self) -> Iterator[PlatformProfile]:
        return iter(self.profiles.values())

    def __len__(self) -> int:
        return len(self.profiles)

    def get(self, platform: str) -> PlatformProfile | None:
        return self.profiles.get(platform)

    def account(self, url: str) -> Account | None:
        """The account `url` points at, or None when no profile recognises it."""
        for profile in self.profiles.values():
            account_id = profile.account_id(url)
            if account_id is not None:
                return Account(profile.platform, account_id, profile.canonical(account_id))
        return None

    @classmethod
    def load(cls, folders: Sequence[Path | str] = ()) -> Platforms:
        """The built-in profiles, then those of `folders` (a user's replaces a built-in
        one of the same name; two of the user's with one name are an error)."""
        profiles = {p.platform: p for p in _load_folder(bundled_platforms_dir())}
        mine: dict[str, PlatformProfile] = {}
        for folder in folders:
            folder = Path(folder)
            if not folder.is_dir():
                raise PlatformError(f"{folder}: not a folder of platform profiles")
            for profile in _load_folder(folder):
                if profile.platform in mine:
                    raise PlatformError(f"{profile.source}: platform {profile.platform!r} is already "
                                        f"defined in {mine[profile.platform].source}")
                if profile.platform in profiles:
                    logger.info("%s replaces the built-in %s profile", profile.source, profile.platform)
                mine[profile.platform] = profile
        return cls({**profiles, **mine}.values())


def _load_folder(folder: Path) -> list[PlatformProfile]:
    return [load_profile(path) for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))]


def load_profile(path: Path) -> PlatformProfile:
    """Read and validate one profile file."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_YAML)
    except OSError as exc:
        raise PlatformError(f"{path}: cannot read platform profile ({exc.strerror or exc})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PlatformError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(document, dict):
        raise PlatformError(f"{path}: expected a mapping (platform, name, hosts, account_urls, …)")
    try:
        return PlatformProfile.model_validate({**document, "source": str(path)})
    except ValidationError as exc:
        raise PlatformError(f"{path}: {field_problem(exc, 'profile')}") from None
