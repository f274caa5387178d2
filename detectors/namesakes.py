"""A site that calls itself what its domain spells is that outlet, not a typo of another's.

nbcnews.com is one letter from BBC's bbcnews, cnet.com from ynet.com, ctvnews.ca from
cctvnews: real outlets of their own, and their pages say so (og:site_name "NBC News",
"CNET", "CTVNews"). When a name a page gives itself spells its own domain, and no name on
the page claims the organisation the domain resembles, the domain detector's one-edit
findings for that organisation are capped below the verdict threshold, and say why. A
typosquat posing as BBC shows BBC's name, so it keeps its score; a domain without a page
(`masthead check domains`) is judged as before.
"""

from __future__ import annotations

import re
from dataclasses import replace

from detectors.findings import Finding
from detectors.hostnames import PublicSuffixes
from detectors.profile import SITE_NAME_SOURCES, ShownName, TargetProfile
from detectors.text import fold, segments

# Not look-alike characters: a site calling itself bbcnevvs still reads as BBC News.
_ONE_EDIT = frozenset({"substitution", "bitflip", "keyboard", "vowel_swap", "transposition", "repetition",
                       "insertion", "omission"})
_NAMESAKE = 60


def _own_name(names: list[ShownName], domain: str) -> ShownName | None:
    """The name the page gives itself that spells its registrable `domain` (nbcnews.com)
    or that domain's label: site-name metadata, a title's last segment (Story - CNET), or a
    title ending in the label as a domain name (新版ZoomEye-CSDN.NET, under any suffix)."""
    label = domain.split(".")[0]
    spelled, as_domain = (fold(label), fold(domain)), re.compile(rf"\b{re.escape(label)}(\.[a-z]{{2,}}){{1,2}}$")
    for shown in names:
        if shown.source in SITE_NAME_SOURCES and fold(shown.value) in spelled:
            return shown
        if shown.source == "title" and ((len(parts := segments(shown.value)) > 1 and fold(parts[-1]) in spelled)
                                        or as_domain.search(shown.value.strip().lower())):
            return shown
    return None


def spare_namesakes(profile: TargetProfile, findings: list[Finding], claim: int) -> list[Finding]:
    """`findings`, with those of a domain that is its page's own name capped (see above);
    a name finding scoring `claim` (the engine's impersonation threshold) claims its
    organisation."""
    if not profile.names or not any(f.detector == "domain" and f.kind in _ONE_EDIT for f in findings):
        return findings
    claimed = {f.org_id for f in findings if f.detector == "name" and f.score >= claim}
    spared = []
    for finding in findings:
        if finding.detector == "domain" and finding.kind in _ONE_EDIT and finding.matched \
                and finding.org_id not in claimed and finding.score > _NAMESAKE:
            shown = _own_name(profile.names, PublicSuffixes.shared().registrable(finding.matched))
            if shown is not None:
                finding = replace(
                    finding, score=_NAMESAKE,
                    explanation=f"{finding.explanation} But the site calls itself “{shown.value}” ({shown.source}), "
                                f"as its domain spells, and names no organisation it resembles: another outlet "
                                f"with a similar name.",
                    evidence=(*finding.evidence, {"source": shown.source, "url": shown.url, "value": shown.value}))
        spared.append(finding)
    return spared
