"""From crawl to verdict: a snapshot as detectors see it, and the pipeline that asks them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.analysis import Analysis, judge
from crawler.items import TargetSnapshot
from crawler.workers import WorkerDied
from detectors.engine import DetectionEngine
from detectors.findings import Verdict
from detectors.profile import ShownAccount, ShownImage, ShownLicence, ShownName, TargetProfile

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)


def account_of(snapshot: TargetSnapshot) -> ShownAccount | None:
    seen = snapshot.account
    if seen is None:
        return None
    return ShownAccount(seen.platform, seen.account_id, seen.verified_label, seen.verified_type,
                        seen.subject_entity, seen.licensee, seen.licence_number, seen.licence_category,
                        snapshot.final_url or snapshot.url)


def profile_of(snapshot: TargetSnapshot) -> TargetProfile:
    """What the detectors look at, from what the crawl found. An account lives on its
    platform's host, which says nothing of who runs it: its host is left out."""
    account = account_of(snapshot)
    return TargetProfile(
        target=snapshot.target,
        host=None if account else snapshot.host,
        account=account,
        names=[ShownName(name.value, name.source, name.url) for name in snapshot.names],
        licences=[ShownLicence(licence.kind, licence.number, licence.url, licence.context)
                  for licence in snapshot.licences],
        images=[ShownImage(Path(image.path), image.role, image.url, image.sha256)
                for image in snapshot.images if image.path and not image.error],
        claims=[claim.text for claim in snapshot.claims],
    )


def verdict_of(engine: DetectionEngine, snapshot: TargetSnapshot) -> Verdict:
    """The engine's verdict on a snapshot. A site that could not be fetched has only its
    domain to judge by; an account that could not be seen (login wall, removed) only
    whether the registry lists it."""
    if snapshot.status == "ok":
        return engine.analyse(profile_of(snapshot))
    account = account_of(snapshot)
    if account is None:
        return engine.analyse(TargetProfile(snapshot.target, host=snapshot.host))
    verdict = engine.analyse(TargetProfile(snapshot.target, account=ShownAccount(
        account.platform, account.account_id, url=account.url)))
    if verdict.verdict == "clean":  # not seen is not clean: say so where the reasons go
        verdict.reasons = [f"Not judged: the account page could not be seen ({snapshot.status}: "
                           f"{snapshot.error or 'no reason given'})."]
    return verdict


def attach(snapshot: TargetSnapshot, verdict: Verdict) -> TargetSnapshot:
    snapshot.verdict, snapshot.score = verdict.verdict, verdict.score
    snapshot.org_id, snapshot.org_name = verdict.org_id, verdict.org_name
    snapshot.reasons = verdict.reasons
    snapshot.findings = [finding.to_dict() for finding in verdict.findings]
    return snapshot


class DetectionPipeline:
    """Runs every detector on each finished target (after its evidence is on disk), in
    the crawl's analysis workers."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(Analysis.of(crawler))

    async def process_item(self, item: TargetSnapshot) -> TargetSnapshot:
        try:
            return attach(item, await self.analysis.run(judge, item))
        except WorkerDied as exc:  # stored unjudged, with its evidence, rather than lost
            logger.error("%s: not judged: %s", item.target, exc)
            item.reasons = [f"not judged: {exc}"]
            return item
