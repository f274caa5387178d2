"""Wording by which a site claims to gather and publish news itself."""

from __future__ import annotations

import re

from detectors.registrations import context_around

_CLAIMS = re.compile(
    r"本[网报台刊站]讯|本[网报台刊站]记者|[本特]约记者|记者站|"
    r"记者\s*[\u4e00-\u9fff·]{2,5}\s*(?:报道|采写|摄影?)|"
    r"(?:新闻)?(?:爆料|报料|投稿|采编)(?:热线|邮箱|电话)|新闻热线|新闻中心|编辑部|"
    r"\bnewsroom\b|\bour (?:reporters?|correspondents?|journalists?)\b|\bnews ?desk\b|"
    r"\bbreaking news\b|\bsend us (?:a |your )?(?:news )?tips?\b|\beditor-in-chief\b|"
    r"\bRédaction\b|\bRedaktion\b",
    re.I,
)
MAX_CLAIMS = 10


def find_claims(text: str) -> list[tuple[str, str]]:
    """(claim, context) pairs in `text`: one per distinct wording, at most MAX_CLAIMS."""
    found: dict[str, tuple[str, str]] = {}
    for match in _CLAIMS.finditer(text):
        wording = " ".join(match.group(0).split())
        if wording.lower() not in found and len(found) < MAX_CLAIMS:
            found[wording.lower()] = (wording, context_around(text, match.start(), match.end()))
    return list(found.values())
