"""The logo detector's favicon stage (detectors.logo_favicons): a tiny query compared with
every registry logo drawn as small, colours included."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from detectors.logo_favicons import FaviconIndex
from detectors.logo_scores import as_favicon, favicon_score
from tests.drawing import FONT, logo
from tests.test_logo_keypoints import drawn_registry


def wordmark(letters: str, colour: str) -> Image.Image:
    """A wide logo: a letter on a coloured block, the rest of the name beside it."""
    image = Image.new("RGBA", (256, 96), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 86, 96), fill=colour)
    draw.text((43, 48), letters[0], fill="white", font=ImageFont.truetype(FONT, 70), anchor="mm")
    draw.text((172, 48), letters[1:], fill=colour, font=ImageFont.truetype(FONT, 44), anchor="mm")
    return image


def favicon(image: Image.Image, side: int = 16) -> Image.Image:
    """As a favicon generator draws a logo: its content fitted into the square, on white."""
    content = image.crop(image.getchannel("A").getbbox())
    content.thumbnail((side, side), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (side, side), "white")
    canvas.alpha_composite(content, ((side - content.width) // 2, (side - content.height) // 2))
    return canvas.convert("RGB")


MARKS = [("DHx", "#c8102e"), ("NOw", "#003f87"), ("WRz", "#00843d"), ("GTq", "#5f259f")]


def test_a_favicon_correlates_with_its_own_logo_drawn_small_and_not_with_others() -> None:
    index = FaviconIndex()
    logos = [wordmark(*mark) for mark in MARKS] + [logo(seed, 256, "NE", "#ffffff00") for seed in (0, 2, 3)]
    for image in logos:
        index.add(image)
    for number, image in enumerate(logos):
        correlations = index.correlations(favicon(image))
        assert correlations is not None and correlations.argmax() == number
        assert correlations[number] >= 0.985 and sorted(correlations)[-2] < 0.95, number
    assert index.correlations(Image.new("RGB", (16, 16), "white")) is None, "a blank favicon"


def test_a_close_correlation_raises_a_favicon_score_a_poor_one_leaves_it() -> None:
    assert favicon_score(0.97) == 0 and favicon_score(0.985) == 70 and favicon_score(1.0) == 90
    assert as_favicon(50, 0.999) == (88, 0.999)
    assert as_favicon(92, 0.999) == (92, 0.0), "the hashes' score stands when higher"
    assert as_favicon(72, 0.2) == (72, 0.0), "a favicon within a margin may correlate poorly"


def test_a_favicon_of_a_wide_logo_is_flagged_on_its_pixels() -> None:
    """The hashes see a 16 px favicon of a wordmark as a blur; drawn as small, the genuine
    wordmark correlates 0.999 with it."""
    index = drawn_registry()
    for number, mark in enumerate(MARKS):
        index.add(f"word{number}", wordmark(*mark), f"word{number}.png")
    best = index.match(favicon(wordmark(*MARKS[1])))[0]
    assert best.org_id == "word1" and best.score >= 80 and best.favicon > 0.99
