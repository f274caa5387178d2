"""`json_line` writes what `json.dumps(record, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawler.cli import jsonlines
from crawler.cli.jsonlines import json_line


class Listed(list):
    """A list by type, not exactly one."""


def clean(target: Any = "example.com", **changes: Any) -> dict[str, Any]:
    record = {"target": target, "verdict": "clean", "org_id": None, "org_name": None, "score": 0,
              "reasons": [], "findings": [], "error": None}
    return {**record, **changes}


RECORDS = [
    clean(),
    clean("BBC.co.uk:443"),
    clean("新华网.com \"quoted\" \\ back\tslash\n\x00\x1f\u2028\ud800 é"),
    clean(score=False), clean(score=0.0), clean(score=None), clean(score=1),
    clean(reasons=()), clean(findings=Listed()), clean(verdict="official"), clean(org_id=""),
    clean(target=7), clean(target=None),
    {"verdict": "clean", "target": "a.com", "org_id": None, "org_name": None, "score": 0,
     "reasons": [], "findings": [], "error": None},  # another key order
    {**clean(), "extra": 1},
    {"target": "x", "verdict": None, "org_id": None, "org_name": None, "score": None, "reasons": [],
     "error": "not a host"},
    {"target": "bbc-news.top", "verdict": "impersonation", "org_id": "bbc", "org_name": "BBC ✓", "score": 85,
     "reasons": ["brand 'bbc' plus 'news'"], "error": None,
     "findings": [{"detector": "domain", "kind": "combosquat", "score": 85, "explanation": "x\u00e9\n",
                   "org_id": "bbc", "matched": "bbc-news.top", "reference": "bbc.co.uk",
                   "evidence": [{"host": "bbc-news.top", "ratio": 0.5, "ok": True, "nan": float("inf")}]}]},
]


@pytest.mark.parametrize("record", RECORDS)
def test_a_json_line_is_what_json_dumps_writes(record: dict[str, Any]) -> None:
    assert json_line(record) == json.dumps(record, ensure_ascii=False)


def test_without_the_c_encoder_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonlines, "_c_encode", None)
    for record in RECORDS:
        assert json_line(record) == json.dumps(record, ensure_ascii=False)
