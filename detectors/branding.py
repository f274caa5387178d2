"""News branding without a licence: a name with a news attribute (新闻, 日报, News,
Daily…) on a target that shows no valid news licence."""

from __future__ import annotations

from detectors.findings import Finding
from detectors.newswords import news_word
from detectors.profile import TargetProfile
from detectors.registry import Registry
from detectors.text import segments

# Where a site states its own name; article headings (h1) are left out: a headline that
# ends in 报道 says nothing about the site.
IDENTITY_SOURCES = {"title", "og:site_name", "application-name", "json-ld", "logo-alt",
                    "copyright", "sponsor", "input", "display_name", "domain"}


class NewsBrandingDetector:
    """Names that end in a news word; news claims on the pages add weight."""

    name = "news_branding"
    description = "names branded as news (新闻, 报道, 日报, News, Daily…)"

    def __init__(self, registry: Registry):
        del registry  # judged on words alone; the engine weighs it against registry matches

    def detect(self, profile: TargetProfile) -> list[Finding]:
        best: Finding | None = None
        holders = 0
        for shown in profile.names:
            if shown.source not in IDENTITY_SOURCES:
                continue
            holders += shown.source == "copyright"
            if shown.source == "copyright" and holders > 1:
                continue  # "© Salon Media Group … © The Associated Press": the wire's story, not the site's name
            parts = segments(shown.value)
            if shown.source == "title" and len(parts) > 2:
                parts = [parts[0], parts[-1]]  # the site name sits at either end of a title
            for part in parts:
                word = news_word(part)
                if word is None:
                    continue
                score = 80 if word.strength == "strong" else 70 if word.qualifier else 45
                if profile.claims:
                    score = min(100, score + 10)
                why = f"ends in the news word “{word.word}”"
                if word.qualifier:
                    why += f" after “{word.qualifier}”"
                if profile.claims:
                    why += f"; the pages also claim news work (“{profile.claims[0]}”)"
                finding = Finding(
                    self.name, "news_branded", score,
                    f"The {shown.source} “{part}” {why}.", matched=part,
                    evidence=({"source": shown.source, "url": shown.url, "value": shown.value},))
                if best is None or finding.score > best.score:
                    best = finding
        return [best] if best else []
