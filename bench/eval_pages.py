"""Verdicts on real news pages, at home and copied elsewhere.

    .venv/bin/python bench/eval_pages.py [--pages DIR] [--misses]

Each page of /work/shared/data/pages (207 real pages of news sites and others, GBK ones
too) is read as the crawl reads it (`crawler.analysis.read_page`: encoding, names, licence
and filing numbers, claims) and judged by the engine's domain, name, licence and
news-branding detectors (the corpus holds no images, so no logos). Pages whose manifest
`site` is a host name take part, in four scenarios:

- home: at its own site. A registry organisation's page must be `official`, naming it; any
  other page must not be flagged as `impersonation` or `licence_misuse`.
- clone: the same page at a host that says nothing (a random label under .top). A registry
  organisation's page must be flagged (`impersonation`, or `licence_misuse`) naming it;
  any other page must not be flagged as a registry organisation's.
- suffix swap: the same page at its site's registrable domain under .ltd (as the
  Doppelganger campaign's spiegel.ltd): a registry organisation's page must be flagged
  naming it, with the domain's finding and the page's together; another page must not be
  flagged as a registry organisation's.
- borrowed licence: a Chinese page of a site outside the registry, at home, with a
  registry organisation's news licence line added to its footer (the usual borrowed
  licence): `licence_misuse` (or `impersonation`) naming the holder.
- forged licence: the same with a number that cannot be one (region 99, a year to come,
  a digit short): `licence_misuse`.

Per scenario the verdicts, and the share right; then precision and recall per verdict over
all cases (expected: official at home, impersonation for clones and suffix swaps, licence_misuse for added
licence lines, clean otherwise; a page outside the registry flagged `unlicensed_news` is
counted apart, as the corpus does not say whether such a site holds a licence).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.analysis import read_page  # noqa: E402
from detectors.engine import build_engine  # noqa: E402
from detectors.findings import Verdict  # noqa: E402
from detectors.hostnames import PublicSuffixes  # noqa: E402
from detectors.profile import ShownLicence, ShownName, TargetProfile  # noqa: E402
from detectors.registry import Registry  # noqa: E402

PAGES = Path("/work/shared/data/pages")
FLAGS = ("impersonation", "licence_misuse")
FORGED = ("99120170006", "31120390006", "3112017000")  # region 99; year 2039; 10 digits, no legacy form


@dataclass
class Case:
    scenario: str
    page: str
    host: str
    html: bytes
    expected: str  # verdict
    org_id: str | None  # the organisation a right verdict names


def with_footer(html: bytes, encoding: str, line: str) -> bytes:
    """The page with a footer line added before </body> (or at its end), in its encoding."""
    footer = f'<div class="footer"><p>{line}</p></div>'.encode(encoding, "replace")
    at = html.lower().rfind(b"</body>")
    return html[:at] + footer + html[at:] if at >= 0 else html + footer


def clone_host(page: str) -> str:
    return "a" + hashlib.sha1(page.encode()).hexdigest()[:9] + ".top"


def cases(registry: Registry, pages: Path) -> list[Case]:
    holders = [(org.id, number) for org in registry.organisations for number in org.licences]
    suffixes = PublicSuffixes.shared()
    found: list[Case] = []
    for row in csv.DictReader((pages / "manifest.csv").open(encoding="utf-8")):
        site = row["site"]
        if not site or " " in site or "." not in site:
            continue  # a description, not a host
        html = gzip.decompress((pages / row["file"]).read_bytes())
        org = registry.org_for_host(site)
        page = row["file"]
        found.append(Case("home", page, site, html, "official" if org else "clean", org.id if org else None))
        found.append(Case("clone", page, clone_host(page), html, "impersonation" if org else "clean",
                          org.id if org else None))
        swapped = suffixes.split(site)[1] + ".ltd"
        found.append(Case("suffix swap", page, swapped, html, "impersonation" if org else "clean",
                          org.id if org else None))
        if org is None and row["language"].startswith("zh"):
            encoding = row["encoding"] or "utf-8"
            holder, number = holders[int(hashlib.sha1(page.encode()).hexdigest(), 16) % len(holders)]
            line = f"互联网新闻信息服务许可证：{number}"
            found.append(Case("borrowed licence", page, site, with_footer(html, encoding, line),
                              "licence_misuse", holder))
            forged = FORGED[len(found) % len(FORGED)]
            found.append(Case("forged licence", page, site,
                              with_footer(html, encoding, f"互联网新闻信息服务许可证：{forged}"), "licence_misuse", None))
    return found


def judge(engine, case: Case) -> Verdict:  # type: ignore[no-untyped-def]
    url = f"https://{case.host}/"
    _, identity = read_page(case.html, "text/html", url, 10)
    return engine.analyse(TargetProfile(
        target=url, host=case.host,
        names=[ShownName(value, source, url) for value, source in identity.names],
        licences=[ShownLicence(kind, number, url, context) for kind, number, context in identity.licences],
        claims=[wording for wording, _ in identity.claims]))


def right(case: Case, verdict: Verdict) -> bool:
    if case.expected == "clean":
        return verdict.verdict not in FLAGS and verdict.verdict != "official"
    if case.expected == "impersonation":
        return verdict.verdict in FLAGS and verdict.org_id == case.org_id
    if case.expected == "licence_misuse" and case.org_id:
        return verdict.verdict in FLAGS and verdict.org_id == case.org_id
    return verdict.verdict == case.expected and (case.org_id is None or verdict.org_id == case.org_id)


def counted_apart(case: Case, verdict: Verdict) -> bool:
    """A page outside the registry judged unlicensed_news: the corpus cannot say whether
    its site holds a licence."""
    return case.expected == "clean" and verdict.verdict == "unlicensed_news"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--misses", action="store_true", help="list every case judged wrong")
    args = parser.parse_args()
    registry = Registry.load(None)
    engine = build_engine(registry, ("domain", "name", "licence", "news_branding"))
    all_cases = cases(registry, args.pages)
    started = time.process_time()
    judged = [(case, judge(engine, case)) for case in all_cases]
    elapsed = time.process_time() - started
    print(f"{len(all_cases)} cases from {len({c.page for c in all_cases})} pages, "
          f"judged in {elapsed:.1f} CPU s ({1000 * elapsed / len(all_cases):.1f} ms a page)\n")
    print(f"{'scenario':18} {'expected':15} {'n':>4} {'right':>6}  verdicts")
    groups: dict[tuple[str, str], list[tuple[Case, Verdict]]] = {}
    for case, verdict in judged:
        groups.setdefault((case.scenario, case.expected), []).append((case, verdict))
    for (scenario, expected), members in groups.items():
        share = sum(right(c, v) for c, v in members) / len(members)
        verdicts = Counter(v.verdict for _, v in members)
        print(f"{scenario:18} {expected:15} {len(members):4} {share:6.3f}  "
              + ", ".join(f"{name} {count}" for name, count in verdicts.most_common()))
    print("\nper verdict (an unlicensed_news verdict on a page outside the registry counted apart):")
    apart = sum(1 for c, v in judged if counted_apart(c, v))
    scored = [(c, v) for c, v in judged if not counted_apart(c, v)]
    for verdict_name in ("official", "impersonation", "licence_misuse", "clean"):
        expected = [(c, v) for c, v in scored if c.expected == verdict_name]
        # A clone flagged licence_misuse naming its organisation is right for "impersonation"
        # (and the other way round): credited to the verdict it was given.
        predicted = [(c, v) for c, v in scored if v.verdict == verdict_name]
        recall = sum(right(c, v) for c, v in expected) / len(expected) if expected else float("nan")
        precision = sum(right(c, v) for c, v in predicted) / len(predicted) if predicted else float("nan")
        print(f"  {verdict_name:15} precision {precision:.3f} ({len(predicted)} given)   "
              f"recall {recall:.3f} ({len(expected)} expected)")
    print(f"  unlicensed_news on pages outside the registry: {apart}")
    if args.misses:
        print("\nwrong:")
        for case, verdict in judged:
            if not right(case, verdict) and not counted_apart(case, verdict):
                print(f"  {case.scenario:16} {case.page:50} {case.host:28} expected {case.expected}/{case.org_id} "
                      f"got {verdict.verdict}/{verdict.org_id} {verdict.score}: {'; '.join(verdict.reasons)[:160]}")


if __name__ == "__main__":
    main()
