"""The logo detector's overlay check (detectors.logo_overlay): a registry logo laid over
the query under its keypoints' geometry coincides with its own drawing, not with another
drawing of the same shape and colours."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from detectors.logo_keypoints import agreement, keypoints
from detectors.logo_overlay import coincidence, picture
from tests.drawing import FONT, logo
from tests.test_logo_keypoints import drawn_registry, turned_and_cut


def test_the_genuine_logo_laid_over_a_turned_and_cut_copy_coincides_with_it() -> None:
    genuine = logo(0, 256, "NEA")
    found = agreement(keypoints(turned_and_cut(genuine, 7, 0.08)), keypoints(genuine))
    assert found.inliers >= 8 and found.coincidence > 0.9


def test_a_logo_sharing_its_shape_and_letters_does_not_coincide() -> None:
    """Another disc with "NE" at the same place: its keypoints agree on the letters, the
    mass of the disc coincides, its band and last letter do not."""
    query = turned_and_cut(logo(0, 256, "NEA"), 7, 0.08)
    other = agreement(keypoints(query), keypoints(logo(3, 256, "NED")))
    assert other.inliers >= 8, "enough keypoints agree for the pictures to be laid over"
    assert other.coincidence < 0.9


def test_pictures_that_hardly_overlap_say_nothing() -> None:
    """The query's view is laid over the reference's small picture; a shift that takes
    most of it off the reference leaves too little to compare, and a blank picture shows
    nothing to compare."""
    view = np.asarray(logo(1, 256, "AB").convert("L"))
    same = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert coincidence(view, picture(view), same, 0) > 0.99
    assert coincidence(view, picture(view), same + [[0, 0, 200], [0, 0, 200]], 0) == 0.0
    blank = np.full((256, 256), 255, np.uint8)
    assert coincidence(blank, picture(blank), same, 0) == 0.0


def plain(kind: str, colour: str = "#c8102e") -> Image.Image:
    """A plain glyph icon (one colour, transparent ground): a few keypoints at most."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    clear = (0, 0, 0, 0)
    if kind == "bullseye":
        draw.ellipse((8, 8, 248, 248), fill=colour)
        draw.ellipse((56, 56, 200, 200), fill=clear)
        draw.ellipse((100, 100, 156, 156), fill=colour)
    elif kind == "ring":
        draw.ellipse((8, 8, 248, 248), fill=colour)
        draw.ellipse((70, 70, 186, 186), fill=clear)
    elif kind == "plus":
        draw.rectangle((96, 8, 160, 248), fill=colour)
        draw.rectangle((8, 96, 248, 160), fill=colour)
    elif kind == "chevron":
        draw.polygon([(8, 40), (128, 160), (248, 40), (248, 110), (128, 230), (8, 110)], fill=colour)
    elif kind == "bars":
        for left in (8, 96, 184):
            draw.rectangle((left, 8, left + 64, 248), fill=colour)
    return image


def cut_unevenly(image: Image.Image, shares: tuple[float, float, float, float]) -> Image.Image:
    """The drawing with these shares of its content cut off its left, top, right and
    bottom edges, on white."""
    left, top, right, bottom = image.getchannel("A").getbbox()
    width, height = right - left, bottom - top
    kept = image.crop((round(left + shares[0] * width), round(top + shares[1] * height),
                       round(right - shares[2] * width), round(bottom - shares[3] * height)))
    shown = Image.new("RGB", kept.size, "white")
    shown.paste(kept, (0, 0), kept)
    return shown


CUTS = ((0.06, 0.12, 0.09, 0.07), (0.11, 0.07, 0.06, 0.12))
PLAIN = ("bullseye", "ring", "plus", "chevron", "bars")


def test_a_plain_glyph_cut_at_its_edges_is_found_as_a_window_of_it() -> None:
    """Too few keypoints for a geometry, hashes far from the whole and the cut variants
    (before the window search: 8 of these 10 scored under 70)."""
    index = drawn_registry()
    for kind in PLAIN:
        index.add(kind, plain(kind), f"{kind}.png")
    for kind in PLAIN:
        for shares in CUTS:
            best = index.match(cut_unevenly(plain(kind), shares))[0]
            assert best.org_id == kind and best.score >= 80, (kind, shares)


def test_a_cut_glyph_is_no_window_of_another_glyph() -> None:
    """A ring cut at its edges, whatever its colour, meets a window of no other glyph (the
    bullseye's outer ring included)."""
    index = drawn_registry()
    for kind in PLAIN[:1] + PLAIN[2:]:
        index.add(kind, plain(kind), f"{kind}.png")
    for colour in ("#c8102e", "#003f87"):
        for shares in CUTS:
            assert not [match for match in index.match(cut_unevenly(plain("ring", colour), shares))
                        if match.score >= 70]


def wordmark(text: str) -> Image.Image:
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    font = ImageFont.truetype(FONT, 34)
    ImageDraw.Draw(image).text((128, 128), text, fill="#222222", font=font, anchor="mm")
    return image


def letters_on_a_tile(text: str) -> Image.Image:
    image = Image.new("RGB", (256, 256), "#111111")
    draw = ImageDraw.Draw(image)
    draw.text((128, 100), text, fill="white", font=ImageFont.truetype(FONT, 120), anchor="mm")
    draw.rectangle((30, 200, 120, 215), fill="white")
    return image


def test_a_tile_of_two_letters_is_not_a_wordmark_sharing_them() -> None:
    """Two big letters on a tile and a wordmark holding them in the same typeface: 8–13
    keypoints agree and the pictures coincide where the letters lie, but the hashes are
    far apart (the wordmark is only proposed by keypoint votes). The overlay confirms a
    candidate the hashes found, not one the votes alone proposed (before, all four
    scored 80)."""
    for word, shown in (("DISTROKID", "RD"), ("HERALD", "HE"), ("STANDARD", "ST"), ("PRESS", "PR")):
        index = drawn_registry()
        index.add("wordmark", wordmark(word), "wordmark.png")
        assert all(match.score < 70 for match in index.match(letters_on_a_tile(shown))), word
