"""Speed of the logo detector against a large registry: index build time, memory, and
matching time per query image.

    .venv/bin/python bench/speed_logos.py [--logos 10000] [--queries 240] [--seed S] [--cache DIR]

Registry: every decodable logo of /work/shared/data/logos (about 5,080 distinct images of
4,336 brands: the other files there are the same logos as SVG sources), then their mirror
images, then their upside-down copies, until --logos (a mirrored logo has other hashes and
other keypoint descriptors, so it costs what a new logo costs). Queries: registry logos
put through bench/eval_logos.py's transforms in turn, each timed through `LogoIndex.match`
(normalise, hash, match every row, keypoints, votes, geometric checks). A few queries'
keypoints are also searched by brute force (what the votes cost before the k-d trees).

The process pins itself to one core where it can, and OpenCV uses one thread (as in the
crawler's analysis workers); times are CPU seconds of this process (`time.process_time`),
which other jobs on the machine disturb less than wall time (shown for the build too). Memory is the resident set of this process (from
/proc/self/status): before the index, after adding every logo, and after the first query,
which builds the search structures; the decoded logos themselves are measured before and
left out of the index's figure.
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import random
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from eval_logos import LOGOS, TRANSFORMS, decode  # noqa: E402

from detectors.logo_keypoints import _CHECKS, keypoints  # noqa: E402
from detectors.logos import LogoIndex  # noqa: E402


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def real_logos(cache: Path) -> list[tuple[str, Image.Image]]:
    """(file, RGBA image ≤ 256 px) of every logo the manifest lists (cached)."""
    path = cache / "speed-all-logos.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    colours = {r["slug"]: r["hex"] for r in csv.DictReader((LOGOS / "simple-icons-128/manifest.csv").open())}
    logos = []
    for row in csv.DictReader((LOGOS / "manifest_all_sources.csv").open(encoding="utf-8")):
        if not row["png"]:
            continue
        try:
            logos.append((row["file"], decode(row, colours)))
        except Exception as exc:  # noqa: BLE001 - a file the loader refuses is left out, and said
            print(f"skipped {row['file']}: {exc}", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(logos))
    return logos


def registry_of(logos: list[tuple[str, Image.Image]], size: int) -> list[tuple[str, Image.Image]]:
    """The real logos, then mirrored, then upside-down copies, up to size."""
    copies = [("", lambda image: image), ("mirrored ", ImageOps.mirror), ("flipped ", ImageOps.flip)]
    chosen: list[tuple[str, Image.Image]] = []
    for prefix, copy in copies:
        chosen += [(prefix + file, copy(image)) for file, image in logos[: size - len(chosen)]]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logos", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--exact", type=int, default=12, help="queries also searched by brute force")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", default="/tmp/masthead-logo-corpus")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    logos = real_logos(Path(args.cache))
    registry = registry_of(logos, args.logos)
    print(f"registry: {len(registry)} logos ({min(len(logos), len(registry))} distinct files, "
          f"the rest mirrored or upside down)", flush=True)

    before = resident_mb()
    index = LogoIndex()
    started, wall = time.process_time(), time.perf_counter()
    for number, (file, image) in enumerate(registry):
        index.add(f"org{number}", image, file)
    added, added_wall = time.process_time() - started, time.perf_counter() - wall
    after_add = resident_mb()
    rng = random.Random(args.seed)
    names = list(TRANSFORMS)
    queries = []
    for number in range(args.queries):
        name = names[number % len(names)]
        truth = rng.randrange(len(registry))
        queries.append((name, truth, TRANSFORMS[name](registry[truth][1], rng)))
    started = time.process_time()
    index.match(queries[0][2])
    first = time.process_time() - started
    after_first = resident_mb()
    print(f"build: adding {len(registry)} logos {added:.1f} s CPU ({1000 * added / len(registry):.1f} ms each; "
          f"{added_wall:.1f} s wall); first query (builds the search structures) {first:.1f} s", flush=True)
    print(f"memory: {after_add - before:.0f} MB after adding, {after_first - before:.0f} MB with search structures "
          f"(process {after_first:.0f} MB, decoded corpus {before:.0f} MB of it)", flush=True)

    timings: dict[str, list[float]] = {name: [] for name in names}
    hits = 0
    for name, truth, query in queries:
        started = time.process_time()
        matches = index.match(query, limit=1)
        timings[name].append(time.process_time() - started)
        hits += bool(matches) and matches[0].org_id == f"org{truth}" and matches[0].score >= 70
    every = [t for values in timings.values() for t in values]
    print(f"per query ({len(every)} queries): median {1000 * np.median(every):.0f} ms, "
          f"mean {1000 * np.mean(every):.0f} ms, p95 {1000 * np.percentile(every, 95):.0f} ms; "
          f"top-1 ≥ 70 {hits / len(queries):.3f} (a symmetric logo's mirror copy is another organisation)")
    for name, values in timings.items():
        print(f"  {name:12} median {1000 * np.median(values):6.0f} ms  max {1000 * max(values):6.0f} ms")
    exact_search(index, [query for _, _, query in queries[: args.exact]])


def brute_force_nearest(descriptors: np.ndarray, matrix: np.ndarray, chunk: int = 1 << 17) -> np.ndarray:
    """Each descriptor's exact nearest row of matrix (OpenCV's brute-force matcher takes
    fewer than 2^18 rows at a time, so the matrix is searched in chunks)."""
    best = np.full(len(descriptors), np.inf)
    nearest = np.zeros(len(descriptors), dtype=np.int64)
    for start in range(0, len(matrix), chunk):
        for match in cv2.BFMatcher(cv2.NORM_L2).match(descriptors, matrix[start:start + chunk]):
            if match.distance < best[match.queryIdx]:
                best[match.queryIdx], nearest[match.queryIdx] = match.distance, start + match.trainIdx
    return nearest


def exact_search(index: LogoIndex, queries: list[Image.Image]) -> None:
    """What the keypoint votes would cost searched exactly (brute force, as before the
    k-d trees), and how many of the exact nearest neighbours the trees find."""
    matrix = index._keypoints._matrix  # noqa: SLF001 - the bench measures the index's own matrix
    search = index._keypoints._searcher()  # noqa: SLF001
    exact, approximate, same = [], [], []
    for query in queries:
        descriptors = keypoints(query).descriptors.astype(np.float32)
        if len(descriptors) < 4:
            continue
        started = time.process_time()
        nearest = brute_force_nearest(descriptors, matrix)
        exact.append(time.process_time() - started)
        started = time.process_time()
        neighbours, _ = search.knnSearch(descriptors, 2, params={"checks": _CHECKS})
        approximate.append(time.process_time() - started)
        same.append(np.mean(nearest == neighbours[:, 0]))
    if exact:
        print(f"keypoint search of {len(matrix)} descriptors, {len(exact)} queries: exact (brute force) median "
              f"{1000 * np.median(exact):.0f} ms, k-d trees {1000 * np.median(approximate):.1f} ms, "
              f"finding the exact nearest neighbour for {np.mean(same):.1%} of query keypoints")


if __name__ == "__main__":
    main()
