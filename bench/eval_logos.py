"""Identification and false matches of the logo detector on real logos.

    .venv/bin/python bench/eval_logos.py [--registry N] [--distractors N] [--seed S]
                                         [--cache DIR] [--json FILE]

Registry: every news brand of /work/shared/data/logos plus other brands up to N (one file
per brand), plus 48 logos drawn like the tests draw them. Queries: each transform below
applied to each registry logo. Distractors: at least N other brands whose `brand_key` is
not in the registry, put through the same transforms; a distractor whose best match scores
70 or more is a false match. A distractor that is a sub-brand of a registry brand, or its
parent (its name begins with the other's whole name: Facebook Live and Facebook, Samsung
and Samsung Pay), often shows the same mark; it is not a brand absent from the registry, so
it is counted apart (`sub-brands flagged`), not among false matches. Per transform: top-1
at 70 (the recall of the impersonation verdict, right organisation), false matches at 70
and 80, and precision at 70 (of the queries flagged, registry logos and absent brands'
distractors together, those naming the right brand).
Extra figure: the same brand drawn by another source (no transform). simple-icons glyphs
are coloured with their brand colour. Decoded logos are cached in --cache (default
/tmp/masthead-logo-corpus) so reruns start fast.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import pickle
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detectors.images import load_image_file  # noqa: E402
from detectors.logos import LogoIndex  # noqa: E402
from detectors.text import words  # noqa: E402
from tests.drawing import logo as drawn_logo  # noqa: E402

LOGOS = Path("/work/shared/data/logos")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SIDE = 256
FLAGGED, CONFIDENT = 70, 80
SITE_NAMES = ["Daily Herald", "News Online", "World Report", "Global Times", "Evening Post",
              "Channel 24", "The Observer", "Morning News"]
DARK = [(0, 0, 0), (26, 26, 46), (32, 32, 32), (64, 0, 16), (10, 40, 70)]


def decode(row: dict[str, str], colours: dict[str, str]) -> Image.Image:
    """A manifest file as RGBA, at most SIDE px; simple-icons glyphs in their brand colour."""
    image = load_image_file(LOGOS / row["file"]).image
    slug = Path(row["file"]).name.split(".")[0]
    if row["file"].startswith("simple-icons-svg/") and slug in colours:
        red, green, blue = bytes.fromhex(colours[slug])
        light = 0.299 * red + 0.587 * green + 0.114 * blue > 200  # shown in black on white
        colour = Image.new("RGBA", image.size, "black" if light else "#" + colours[slug])
        colour.putalpha(image.getchannel("A"))
        image = colour
    image.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
    return with_alpha(image)


def with_alpha(image: Image.Image) -> Image.Image:
    """Opaque logos on white get their border-connected white made transparent, so that
    the transforms can put them on other backgrounds."""
    rgba = np.asarray(image.convert("RGBA")).copy()
    if (rgba[..., 3] < 250).mean() > 0.02:
        return Image.fromarray(rgba, "RGBA")
    white = (rgba[..., :3] > 235).all(axis=2)
    labels, _ = ndimage.label(white)
    edge = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))) - {0}
    rgba[np.isin(labels, list(edge)), 3] = 0
    return Image.fromarray(rgba, "RGBA")


def flat(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    canvas = Image.new("RGBA", image.size, (*background, 255))
    return Image.alpha_composite(canvas, image.convert("RGBA")).convert("RGB")


def content_box(image: Image.Image) -> tuple[int, int, int, int]:
    return image.getchannel("A").point(lambda a: 255 if a > 24 else 0).getbbox() or (0, 0, *image.size)


def favicon(side: int) -> Callable[[Image.Image, random.Random], Image.Image]:
    def transform(image: Image.Image, rng: random.Random) -> Image.Image:
        small = image.crop(content_box(image))
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        canvas = Image.new("RGBA", (side, side), (255, 255, 255, 0))
        canvas.alpha_composite(small, ((side - small.width) // 2, (side - small.height) // 2))
        return flat(canvas)
    return transform


def jpeg(image: Image.Image, rng: random.Random) -> Image.Image:
    buffer = io.BytesIO()
    flat(image).save(buffer, "JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def hue_shift(image: Image.Image, rng: random.Random) -> Image.Image:
    h, s, v = image.convert("RGB").convert("HSV").split()
    h = h.point(lambda x: (x + rng.randint(60, 190)) % 256)
    shifted = Image.merge("HSV", (h, s, v)).convert("RGBA")
    shifted.putalpha(image.getchannel("A"))
    return flat(shifted)


def recolour(image: Image.Image, rng: random.Random) -> Image.Image:
    """The dominant colour of the logo becomes another colour."""
    rgba = np.asarray(image.convert("RGBA")).astype(np.int32)
    opaque = rgba[..., 3] > 128
    if not opaque.any():
        return flat(image)
    codes = (rgba[opaque][:, :3] // 32) @ np.array([64, 8, 1])
    code = int(np.bincount(codes).argmax())
    dominant = np.array([code // 64, code // 8 % 8, code % 8]) * 32 + 16
    near = (np.abs(rgba[..., :3] - dominant).max(axis=2) < 48) & (rgba[..., 3] > 0)
    target = np.array([rng.randrange(256) for _ in range(3)])
    while np.abs(target - dominant).max() < 96:
        target = np.array([rng.randrange(256) for _ in range(3)])
    rgba[near, :3] = target
    return flat(Image.fromarray(rgba.astype(np.uint8), "RGBA"))


def greyscale(image: Image.Image, rng: random.Random) -> Image.Image:
    return flat(image).convert("L")


def dark(image: Image.Image, rng: random.Random) -> Image.Image:
    """On a dark ground; a logo that would not stand out on it is shown as its negative
    (the usual way to make a reversed logo, keeping the inner details)."""
    ground = rng.choice(DARK)
    rgba = np.asarray(image.convert("RGBA")).copy()
    opaque = rgba[..., 3] > 128
    contrast = np.abs(rgba[opaque][:, :3].astype(np.int32) - ground).max(axis=1).mean() if opaque.any() else 255
    if contrast < 100:
        rgba[..., :3] = 255 - rgba[..., :3]
    return flat(Image.fromarray(rgba, "RGBA"), ground)


def padding(image: Image.Image, rng: random.Random) -> Image.Image:
    content = image.crop(content_box(image))
    side = 3 * max(content.size)
    canvas = Image.new("RGBA", (side, side), (255, 255, 255, 0))
    canvas.alpha_composite(content, (rng.randrange(side - content.width), rng.randrange(side - content.height)))
    return flat(canvas)


def crop(image: Image.Image, rng: random.Random) -> Image.Image:
    """6–12 % of the content box cut off each edge."""
    left, top, right, bottom = content_box(image)
    width, height = right - left, bottom - top
    cut = [rng.uniform(0.06, 0.12) for _ in range(4)]
    box = (left + cut[0] * width, top + cut[1] * height, right - cut[2] * width, bottom - cut[3] * height)
    return flat(image.crop(tuple(round(v) for v in box)))


def rotate(image: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(5, 8) * rng.choice((-1, 1))
    return flat(image.rotate(angle, Image.Resampling.BICUBIC, expand=True))


def banner(image: Image.Image, rng: random.Random) -> Image.Image:
    """A 4:1 header: the logo at the left, a site name in text beside it."""
    height = 120
    canvas = Image.new("RGBA", (4 * height, height), (255, 255, 255, 255))
    content = image.crop(content_box(image))
    content.thumbnail((int(1.6 * height), int(0.8 * height)), Image.Resampling.LANCZOS)
    canvas.alpha_composite(content, (12, (height - content.height) // 2))
    font = ImageFont.truetype(FONT, rng.randint(26, 40))
    ImageDraw.Draw(canvas).text((content.width + 12 + rng.randint(18, 36), height // 2),
                                rng.choice(SITE_NAMES), fill=rng.choice(["#222222", "#003f87", "#c8102e"]),
                                font=font, anchor="lm")
    return canvas.convert("RGB")


TRANSFORMS: dict[str, Callable[[Image.Image, random.Random], Image.Image]] = {
    "identity": lambda image, rng: flat(image), "favicon-16": favicon(16), "favicon-32": favicon(32),
    "jpeg-40": jpeg, "hue-shift": hue_shift, "recolour": recolour, "greyscale": greyscale,
    "dark-ground": dark, "padding": padding, "crop-10%": crop, "rotate-5-8": rotate, "banner-4:1": banner,
}


def corpus(args: argparse.Namespace) -> dict[str, object]:
    """Registry, distractor and other-drawing files, decoded (cached)."""
    rows = list(csv.DictReader((LOGOS / "manifest_all_sources.csv").open(encoding="utf-8")))
    rows = [row for row in rows if row["png"]]
    colours = {r["slug"]: r["hex"] for r in csv.DictReader((LOGOS / "simple-icons-128/manifest.csv").open())}
    by_brand: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_brand[row["brand_key"]].append(row)
    rng = random.Random(args.seed)
    news = sorted(key for key, files in by_brand.items() if any(f["is_news"] == "yes" for f in files))
    others = sorted(set(by_brand) - set(news))
    rng.shuffle(others)
    registry_keys = news + others[: max(0, args.registry - len(news))]
    distractor_keys = others[len(registry_keys) - len(news):][: args.distractors]
    chosen = {key: rng.choice(by_brand[key]) for key in registry_keys + distractor_keys}
    alternates = {key: [f for f in by_brand[key] if f["file"].split("/")[0] != chosen[key]["file"].split("/")[0]]
                  for key in registry_keys}
    cache = Path(args.cache) / f"corpus-{args.seed}-{args.registry}-{args.distractors}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    decoded: dict[str, Image.Image] = {}
    wanted = [*chosen.values(), *(f for files in alternates.values() for f in files[:1])]
    for row in wanted:
        try:
            decoded[row["file"]] = decode(row, colours)
        except Exception as exc:  # noqa: BLE001 - a file the loader refuses is left out, and said
            print(f"skipped {row['file']}: {exc}", file=sys.stderr)
    data = {
        "registry": [(key, chosen[key]["file"], chosen[key]["is_news"] == "yes") for key in registry_keys],
        "distractors": [(key, chosen[key]["file"]) for key in distractor_keys],
        "alternates": {key: files[0]["file"] for key, files in alternates.items() if files},
        "images": decoded,
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(data))
    return data


def sub_brands(registry_keys: list[str], distractor_keys: list[str]) -> dict[str, str]:
    """Distractor key -> a registry key of the same brand family: one's name (as words, in
    any of the manifest's spellings, the shorter of 4 letters or more: not D and D-Wave)
    is the beginning of the other's. Names only, so the rule is independent of what the
    detector sees."""
    names: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for row in csv.DictReader((LOGOS / "manifest_all_sources.csv").open(encoding="utf-8")):
        names[row["brand_key"]].add(tuple(words(row["brand"])))
    family: dict[str, str] = {}
    for distractor in distractor_keys:
        for key in registry_keys:
            if any(len("".join(short)) >= 4 and a != b and long[:len(short)] == short
                   for a in names[distractor] for b in names[key]
                   for short, long in [sorted((a, b), key=len)]):
                family[distractor] = key
                break
    return family


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registry", type=int, default=1000)
    parser.add_argument("--distractors", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", default="/tmp/masthead-logo-corpus")
    parser.add_argument("--transforms", default=",".join(TRANSFORMS))
    parser.add_argument("--json")
    args = parser.parse_args()
    data = corpus(args)
    images: dict[str, Image.Image] = data["images"]
    registry = [(k, f, news) for k, f, news in data["registry"] if f in images]
    registry += [(f"drawn-{seed}", f"drawn-{seed}", False) for seed in range(48)]
    for seed in range(48):
        images[f"drawn-{seed}"] = with_alpha(drawn_logo(seed, SIDE, "ABCDEFGH"[seed % 8] + "XQ"[seed % 2]))
    family = sub_brands([k for k, *_ in data["registry"]], [k for k, _ in data["distractors"]])
    distractors = [(k, f) for k, f in data["distractors"] if f in images and k not in family]
    related = [(k, f) for k, f in data["distractors"] if f in images and k in family]
    index = LogoIndex()
    started = time.perf_counter()
    for key, file, _ in registry:
        index.add(key, images[file], file)
    build = time.perf_counter() - started
    print(f"registry {len(registry)} logos ({sum(n for *_, n in registry)} news), "
          f"distractors {len(distractors)} (and {len(related)} sub-brands of registry brands, apart: "
          f"{', '.join(f'{k}/{family[k]}' for k, _ in related)}); index built in {build:.1f} s")

    results: dict[str, dict[str, float]] = {}
    timings: list[float] = []
    for name in args.transforms.split(","):
        transform = TRANSFORMS[name]
        rng = random.Random(f"{args.seed}-{name}")
        hits = hits_any = news_hits = news_total = wrong = 0
        for key, file, news in registry:
            query = transform(images[file], rng)
            started = time.perf_counter()
            matches = index.match(query, limit=1)
            timings.append(time.perf_counter() - started)
            top = matches[0] if matches else None
            ok = top is not None and top.org_id == key and top.score >= FLAGGED
            hits += ok
            wrong += top is not None and top.org_id != key and top.score >= FLAGGED
            hits_any += top is not None and top.org_id == key
            news_total += news
            news_hits += news and ok
        false70 = false80 = 0
        distances = []
        for key, file in distractors:
            matches = index.match(transform(images[file], rng), limit=1)
            score = matches[0].score if matches else 0
            distances.append(matches[0].distance if matches else 1.0)
            false70 += score >= FLAGGED
            false80 += score >= CONFIDENT
        related70 = sum(1 for _, file in related
                        if (m := index.match(transform(images[file], rng), limit=1)) and m[0].score >= FLAGGED)
        flags = hits + wrong + false70  # every query flagged at 70 (an impersonation verdict)
        results[name] = {"top1": hits / len(registry), "top1_floor": hits_any / len(registry),
                         "precision70": hits / flags if flags else float("nan"),
                         "news_top1": news_hits / max(1, news_total),
                         "false70": false70 / len(distractors), "false80": false80 / len(distractors),
                         "distractor_p1": float(np.percentile(distances, 1)),
                         "sub_brands70": related70 / max(1, len(related))}
        r = results[name]
        print(f"{name:12} top1@70 {r['top1']:.3f}  top1@floor {r['top1_floor']:.3f}  news {r['news_top1']:.3f}  "
              f"false@70 {r['false70']:.4f}  false@80 {r['false80']:.4f}  precision@70 {r['precision70']:.3f}  "
              f"distractor d p1 {r['distractor_p1']:.3f}  sub-brands flagged {related70}/{len(related)}", flush=True)
    alternates = [(key, data["alternates"][key]) for key, *_ in registry
                  if key in data["alternates"] and data["alternates"][key] in images]
    alt_hits = sum(1 for key, file in alternates
                   if (m := index.match(flat(images[file]), limit=1)) and m[0].org_id == key and m[0].score >= FLAGGED)
    print(f"other drawing of the same brand: {alt_hits}/{len(alternates)} = {alt_hits / max(1, len(alternates)):.3f}")
    print(f"match time per query (normalise+hash+match vs {len(registry)} logos): "
          f"median {1000 * np.median(timings):.2f} ms, p95 {1000 * np.percentile(timings, 95):.2f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
