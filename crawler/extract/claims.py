"""Wording by which a site claims to gather and publish news itself."""

from __future__ import annotations

import re

from crawler.extract.text import cued_matches
from detectors.registrations import context_around

# Chinese and Latin wordings never overlap, so their matches, merged by place, are what
# one pattern of both would find. Each match begins with one of its pattern's cues.
_CHINESE = re.compile(
    r"本[网报台刊站]讯|本[网报台刊站]记者|[本特]约记者|记者站|"
    r"记者\s*[\u4e00-\u9fff·]{2,5}\s*(?:报道|采写|摄影?)|"
    r"(?:新闻)?(?:爆料|报料|投稿|采编)(?:热线|邮箱|电话)|新闻热线|新闻中心|编辑部"
)
_CHINESE_CUES = ("本", "特约", "记者", "新闻", "爆料", "报料", "投稿", "采编", "编辑部")
_LATIN = re.compile(
    r"\bnewsroom\b|\bour (?:reporters?|correspondents?|journalists?)\b|\bnews ?desk\b|"
    r"\bbreaking news\b|\bsend us (?:a |your )?(?:news )?tips?\b|\beditor-in-chief\b|"
    r"\bRédaction\b|\bRedaktion\b",
    re.I,
)
_LATIN_CUES = ("news", "our ", "breaking news", "send us", "editor-in-chief", "rédaction", "redaktion")
MAX_CLAIMS = 10


def find_claims(text: str) -> list[tuple[str, str]]:
    """(claim, context) pairs in `text`: one per distinct wording, at most MAX_CLAIMS."""
    matches = [*cued_matches(_CHINESE, text, _CHINESE_CUES),
               *cued_matches(_LATIN, text, _LATIN_CUES, text.lower())]
    found: dict[str, tuple[str, str]] = {}
    for match in sorted(matches, key=lambda match: match.start()):
        wording = " ".join(match.group(0).split())
        if wording.lower() not in found and len(found) < MAX_CLAIMS:
            found[wording.lower()] = (wording, context_around(text, match.start(), match.end()))
    return list(found.values())
