"""Findings and verdicts as records."""

from __future__ import annotations

from dataclasses import asdict, fields

from detectors.engine import DetectionEngine
from detectors.findings import Finding, Verdict
from detectors.registry import Registry


def test_finding_record_is_asdict_with_fresh_evidence_dicts() -> None:
    evidence = ({"host": "bbc-news.top"}, {"url": "https://bbc-news.top/", "depth": 1})
    finding = Finding(detector="domain", kind="combosquat", score=80, explanation="why", org_id="bbc",
                      matched="bbc-news.top", reference="bbc.co.uk", evidence=evidence)
    record = finding.to_dict()
    assert record == {**asdict(finding), "evidence": [dict(item) for item in evidence]}
    assert list(record) == [field.name for field in fields(Finding)]
    assert record["evidence"][0] is not evidence[0]


def test_no_findings_is_a_clean_verdict_scored_zero() -> None:
    findings: list[Finding] = []
    verdict = DetectionEngine(Registry([]), []).decide(findings)
    assert verdict == Verdict("clean", 0, None, None, [], [])
    assert verdict.findings is findings
