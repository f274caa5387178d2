"""The state of one target's visit while the `site` spider fetches its pages in turn."""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes, urlsplit

from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.evidence import utc_now
from crawler.extract import PageIdentity
from crawler.extract.images import ImageCandidate
from crawler.items import (AccountSeen, Blob, ClaimSeen, ImageSeen, LicenceSeen, NameSeen, PageSeen,
                           TargetSnapshot)
from crawler.targets import Target
from detectors.hostnames import HostnameError, normalise_host, registrable_domain, to_unicode


def decode_data_url(url: str) -> bytes | None:
    """Bytes of a `data:` URL (base64 or percent-encoded), or None if malformed."""
    header, _, data = url.partition(",")
    try:
        if header.endswith(";base64"):
            return base64.b64decode(data, validate=False)
        return unquote_to_bytes(data)
    except (binascii.Error, ValueError):
        return None


@dataclass
class SiteVisit:
    target: Target
    snapshot: TargetSnapshot
    max_pages: int
    max_images: int
    image_max_bytes: int
    settle_ms: int
    render_timeout_ms: int
    deadline: float
    pages_fetched: int = 0
    images_tried: int = 0
    page_queue: list[str] = field(default_factory=list)
    seen_pages: set[str] = field(default_factory=set)
    image_queue: list[ImageCandidate] = field(default_factory=list)
    seen_images: set[str] = field(default_factory=set)
    image_pages: dict[str, str] = field(default_factory=dict)

    @classmethod
    def begin(cls, target: Target, settings: BaseSettings) -> SiteVisit:
        snapshot = TargetSnapshot(target=target.text, url=target.url, started_at=utc_now())
        if target.platform and target.account_id:
            snapshot.account = AccountSeen(target.platform, target.account_id)
        return cls(
            target=target,
            snapshot=snapshot,
            max_pages=settings.getint("MASTHEAD_MAX_PAGES_PER_SITE"),
            max_images=settings.getint("MASTHEAD_MAX_IMAGES_PER_SITE"),
            image_max_bytes=settings.getint("MASTHEAD_IMAGE_MAX_BYTES"),
            settle_ms=int(settings.getfloat("MASTHEAD_SETTLE_TIME") * 1000),
            render_timeout_ms=int(settings.getfloat("MASTHEAD_RENDER_TIMEOUT") * 1000),
            deadline=time.monotonic() + settings.getfloat("MASTHEAD_SITE_TIMEOUT"),
        )

    # --- what happened -------------------------------------------------------------------
    def arrived(self, response: Response) -> None:
        """Record the home page's redirect chain, final URL and where it lives."""
        snap = self.snapshot
        statuses = response.meta.get("redirect_reasons", [])
        urls = response.meta.get("redirect_urls", [])
        snap.redirects = [{"url": url, "status": status if isinstance(status, int) else None}
                          for url, status in zip(urls, statuses)]
        snap.final_url, snap.http_status = response.url, response.status
        try:
            host = normalise_host(urlsplit(response.url).hostname or "")
        except HostnameError:
            return
        domain = registrable_domain(host)
        snap.host, snap.host_unicode = host, to_unicode(host)
        snap.domain, snap.domain_unicode = domain, to_unicode(domain)
        self.seen_pages.add(response.url)

    def fail(self, status: str, reason: str | None) -> None:
        self.snapshot.status, self.snapshot.error = status, reason

    def record_page(self, url: str, status: int | None, rendered: bool, role: str,
                    encoding: str | None = None, error: str | None = None) -> None:
        if not rendered:
            self.pages_fetched += 1
        self.snapshot.pages.append(PageSeen(url, status, rendered, utc_now(), encoding, role, error))
        self.snapshot.rendered |= rendered and error is None

    def keep(self, blob: Blob) -> None:
        self.snapshot.blobs.append(blob)

    def absorb(self, identity: PageIdentity, url: str) -> None:
        """Add what a page says to the snapshot, without repeats; queue its identity links
        and images."""
        snap = self.snapshot
        known_names = {(name.value, name.source) for name in snap.names}
        snap.names += [NameSeen(value, source, url) for value, source in identity.names
                       if (value, source) not in known_names]
        known_licences = {(licence.kind, licence.number) for licence in snap.licences}
        for kind, number, context in identity.licences:
            if (kind, number) not in known_licences:
                known_licences.add((kind, number))
                snap.licences.append(LicenceSeen(kind, number, url, context))
        known_claims = {claim.text.lower() for claim in snap.claims}
        for wording, context in identity.claims:
            if wording.lower() not in known_claims:
                known_claims.add(wording.lower())
                snap.claims.append(ClaimSeen(wording, url, context))
        for link in identity.links:
            if link not in self.seen_pages:
                self.seen_pages.add(link)
                self.page_queue.append(link)
        for candidate in identity.images:
            key = hashlib.sha256(candidate.svg.encode()).hexdigest() if candidate.svg else candidate.url
            if key not in self.seen_images:
                self.seen_images.add(key)
                if candidate.svg:
                    candidate = ImageCandidate(f"inline-svg:{len(self.seen_images)}", candidate.role,
                                               candidate.alt, candidate.svg)
                self.image_pages[candidate.url] = url
                self.image_queue.append(candidate)

    def absorb_account(self, fields: dict[str, str], url: str, fetch_avatar: bool) -> None:
        """An account page's fields: the account itself, its display name as a name, its
        licence block as a licence shown, and its avatar to download."""
        snap = self.snapshot
        snap.account = AccountSeen(self.target.platform or "", self.target.account_id or "", **fields)
        name = fields.get("display_name")
        if name:
            snap.names.append(NameSeen(name, "display_name", url))
        number = fields.get("licence_number")
        if number:
            block = [f"{label} {fields[key]}" for key, label in (
                ("licensee", "licensee"), ("licence_number", "number"), ("licence_category", "category"))
                if fields.get(key)]
            snap.licences.append(LicenceSeen("news_licence", number, url, "licence block: " + "; ".join(block)))
        avatar = fields.get("avatar")
        if avatar and fetch_avatar:
            self.seen_images.add(avatar)
            self.image_pages[avatar] = url
            self.image_queue.append(ImageCandidate(avatar, "avatar", alt=name))

    # --- what comes next -----------------------------------------------------------------
    def next_page(self) -> str | None:
        if self.page_queue and self.pages_fetched < self.max_pages:
            return self.page_queue.pop(0)
        return None

    def link_limit(self, unrecorded: int = 0) -> int:
        """How many identity links to look for on the page being read (`unrecorded`: 1 when
        it is not counted among the pages fetched yet): none once the pages fetched and
        queued fill the site's page cap, as most home pages' links do, since no link found
        then could be fetched."""
        return self.max_pages if self.pages_fetched + unrecorded + len(self.page_queue) < self.max_pages else 0

    def next_image(self) -> ImageCandidate | None:
        if self.image_queue and self.images_tried < self.max_images:
            self.images_tried += 1
            return self.image_queue.pop(0)
        return None

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def note_time_cap(self) -> None:
        skipped = len(self.page_queue) + len(self.image_queue)
        if skipped:
            self.snapshot.pages.append(PageSeen(
                self.target.url, None, False, utc_now(), role="identity",
                error=f"site time cap reached: {skipped} page(s) or image(s) not fetched"))
        self.page_queue.clear()
        self.image_queue.clear()

    # --- images --------------------------------------------------------------------------
    def image_page(self, candidate: ImageCandidate) -> str:
        return self.image_pages.get(candidate.url, self.snapshot.final_url or self.target.url)

    def add_image(self, image: ImageSeen) -> None:
        self.snapshot.images.append(image)

    def keep_image(self, candidate: ImageCandidate, content: bytes, status: int | None,
                   content_type: str | None, label: str | None = None) -> None:
        """An image's bytes as evidence (named and decoded by the image pipeline); `label`
        stands for the URL where the URL is the data itself."""
        url = label or candidate.url
        self.keep(Blob("", "image", url, content, utc_now(), status, content_type))
        self.add_image(ImageSeen(url, candidate.role, self.image_page(candidate), alt=candidate.alt))

    def keep_inline_image(self, candidate: ImageCandidate) -> None:
        """An inline SVG or `data:` image: its bytes are in the page already."""
        if candidate.svg is not None:
            self.keep_image(candidate, candidate.svg.encode("utf-8"), None, "image/svg+xml")
            return
        content = decode_data_url(candidate.url)
        mime = candidate.url[5:].split(",")[0].split(";")[0][:60]
        if content is None or len(content) > self.image_max_bytes:
            self.add_image(ImageSeen(f"data:{mime} (unreadable)", candidate.role,
                                     self.image_page(candidate), alt=candidate.alt,
                                     error="malformed or oversized data: URL"))
        else:
            self.keep_image(candidate, content, None, mime,
                            label=f"data:{mime} ({len(content)} bytes)")

    def finish(self) -> TargetSnapshot:
        self.snapshot.finished_at = utc_now()
        return self.snapshot
