"""What the crawler produces: one `TargetSnapshot` per target, built from its pages.

Items are dataclasses (Scrapy exports them with itemadapter). Raw bytes travel in
`blobs` only until the evidence pipeline has written them to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """`dataclasses.asdict` for items, without its deep copies of every string (a
    snapshot holds hundreds of values, and every stored target is converted)."""
    if type(value) in _SCALARS:  # most values: answered before the dataclass test
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


@dataclass
class NameSeen:
    """A name the target gives itself, and where it came from."""

    value: str
    source: str  # title | og:site_name | application-name | json-ld | logo-alt | copyright | sponsor | h1
    url: str


@dataclass
class LicenceSeen:
    """A licence or registration number shown on a crawled page."""

    kind: str  # see detectors.registrations.KINDS
    number: str  # as shown
    url: str
    context: str  # the text around it


@dataclass
class ClaimSeen:
    """Wording by which a site claims to do news work (本网讯, 记者…报道, newsroom…)."""

    text: str
    url: str
    context: str


@dataclass
class ImageSeen:
    """A favicon, logo or social image of the target, downloaded as evidence."""

    url: str  # absolute URL; `inline-svg:N` for an inline SVG of the page
    role: str  # favicon | apple-touch-icon | og-image | logo | svg-logo | avatar
    page_url: str
    sha256: str | None = None  # of the bytes as received
    path: str | None = None  # evidence file, relative to the output folder
    width: int | None = None
    height: int | None = None
    format: str | None = None
    alt: str | None = None
    error: str | None = None


@dataclass
class PageSeen:
    """One fetch of one page (static or rendered)."""

    url: str
    status: int | None
    rendered: bool
    fetched_at: str
    encoding: str | None = None
    role: str = "home"  # home | identity
    error: str | None = None


@dataclass
class AccountSeen:
    """A platform account as its page presents it (fields read by the platform profile;
    see crawler.platforms.FIELDS). `status` of the snapshot says whether it could be seen."""

    platform: str
    account_id: str
    display_name: str | None = None
    avatar: str | None = None  # URL
    bio: str | None = None
    verified_label: str | None = None  # e.g. 人民日报法人微博
    verified_type: str | None = None  # the platform's code or word for the kind of verification
    subject_entity: str | None = None  # 账号主体
    licensee: str | None = None  # the licence block (持证亮牌): holder,
    licence_number: str | None = None  # number
    licence_category: str | None = None  # and service category
    followers: str | None = None  # as shown (1.2亿, 3,456)


@dataclass
class Blob:
    """Bytes to keep as evidence, until the evidence pipeline writes them."""

    name: str  # file name inside the target's evidence folder
    kind: str  # page | rendered-page | screenshot | image
    url: str
    content: bytes
    fetched_at: str
    status: int | None = None
    content_type: str | None = None


@dataclass
class TargetSnapshot:
    """Everything the crawl learned about one target."""

    target: str
    url: str  # the first URL requested
    final_url: str | None = None
    status: str = "ok"  # ok | error | blocked | gone
    http_status: int | None = None
    error: str | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)  # [{url, status}]
    host: str | None = None  # of the final URL, punycode
    host_unicode: str | None = None
    domain: str | None = None  # registrable domain, punycode
    domain_unicode: str | None = None
    names: list[NameSeen] = field(default_factory=list)
    licences: list[LicenceSeen] = field(default_factory=list)
    claims: list[ClaimSeen] = field(default_factory=list)
    images: list[ImageSeen] = field(default_factory=list)
    pages: list[PageSeen] = field(default_factory=list)
    screenshot: str | None = None
    rendered: bool = False
    account: AccountSeen | None = None  # for a platform account (target = its canonical URL)
    evidence_dir: str | None = None
    evidence_files: list[dict[str, Any]] = field(default_factory=list)  # as in manifest.json, with path
    verdict: str | None = None  # set by the detection pipeline (see detectors.engine)
    org_id: str | None = None
    org_name: str | None = None
    score: int | None = None
    reasons: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    run_id: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    blobs: list[Blob] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record (blobs left out)."""
        return {name: plain(getattr(self, name)) for name in _field_names(type(self)) if name != "blobs"}
