"""The logo detector's keypoint stage (detectors.logo_keypoints) on logos the tests draw:
what the hashes alone get wrong, keypoints put right."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from detectors.logo_keypoints import VERIFIED_SHARE, agreement, keypoints, query_keypoints
from detectors.logo_hashes import image_hashes
from detectors.logo_scores import score_for
from detectors.logos import LogoIndex
from tests.drawing import logo


def drawn_registry() -> LogoIndex:
    index = LogoIndex()
    for seed in range(12):
        index.add(f"org{seed}", logo(seed, 256, "NE" + "ABCDEFGHIJKL"[seed]), f"logo-{seed}.png")
    return index


def turned_and_cut(image: Image.Image, degrees: float, cut: float) -> Image.Image:
    turned = image.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    width, height = turned.size
    return turned.crop((int(width * cut), int(height * cut), int(width * (1 - cut)), int(height * (1 - cut))))


def test_a_turned_and_cut_logo_is_confirmed_by_its_keypoints() -> None:
    matches = drawn_registry().match(turned_and_cut(logo(0, 256, "NEA"), 7, 0.08))
    assert matches[0].org_id == "org0" and matches[0].score >= 80
    assert matches[0].inliers >= 12
    assert all(match.score < 70 for match in matches[1:]), "a logo sharing only letters is not confirmed"


def test_keypoints_overrule_a_hash_look_alike_with_other_details() -> None:
    """Same shape, colours and band, other letters: close hashes, few shared keypoints."""
    query, genuine = logo(0, 256, "QXZ"), logo(0, 256, "NEA")
    (_, query_hashes, _), (_, genuine_hashes, _) = image_hashes(query), image_hashes(genuine)
    bits = int(sum(bin(int(a) ^ int(b)).count("1") for a, b in zip(query_hashes[0], genuine_hashes[0])))
    assert score_for(bits / 256) >= 70, "the hashes alone would flag it"
    assert agreement(keypoints(query), keypoints(genuine)).inliers < 12
    assert all(match.score < 70 for match in drawn_registry().match(query))


def test_keypoints_do_not_fold_a_logo_onto_a_point() -> None:
    """A degenerate transform (everything mapped to one spot) agrees with nothing."""
    flat_field = Image.new("RGB", (256, 256), "white")
    assert len(keypoints(flat_field).points) == 0
    assert agreement(keypoints(logo(1, 256, "AB")), keypoints(flat_field)).inliers == 0


def test_a_favicon_is_too_small_for_keypoints_to_rule_on() -> None:
    small = logo(0, 256, "NEA").resize((16, 16), Image.Resampling.LANCZOS)
    assert not keypoints(small).usable
    assert drawn_registry().match(small)[0].org_id == "org0"


def test_a_transparent_logo_cut_to_its_edges_meets_itself_padded_on_white() -> None:
    """Where an image has transparency, that is its background, even when the drawing
    touches every edge (its border then says nothing of the background)."""
    drawn = logo(1, 256, "NEC", background=(0, 0, 0, 0))  # a rectangle: ink all round its edge…
    tight = drawn.crop(drawn.getchannel("A").getbbox())
    ImageDraw.Draw(tight).ellipse((20, 20, 60, 60), fill=(0, 0, 0, 0))  # …and a see-through hole
    padded = Image.new("RGB", (3 * tight.width, 3 * tight.height), "white")
    padded.paste(tight, (tight.width // 3, tight.height), tight)
    assert agreement(keypoints(padded), keypoints(tight)).inliers >= 12


def test_a_logo_on_a_dark_ground_is_confirmed_once_recomposed_on_white() -> None:
    """White lettering on a coloured mark: on a dark ground it is the farthest ink, on the
    registry's transparent logo it is background; recomposed on white it is background again."""
    for seed in (0, 3, 9):
        genuine = logo(seed, 256, "NEWS", "#ffffff00")
        reference = keypoints(genuine)
        ground = Image.new("RGBA", genuine.size, (26, 26, 46, 255))
        ground.alpha_composite(genuine)
        views = query_keypoints(ground.convert("RGB"))
        share = [agreement(view, reference).inliers / len(reference.points) for view in views]
        assert len(views) == 3 and max(share[:2]) < VERIFIED_SHARE <= share[2], (seed, share)


def test_a_wordmark_cropped_tight_on_a_dark_ground_is_seen_on_that_ground() -> None:
    """A two-colour serif wordmark cropped to its letters on a navy header: the letters
    cover much of the border, and each channel's median of letters and ground is a red
    from which the ground stands out as ink. The commonest border colour is the ground."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 80)
    mark = Image.new("RGBA", (640, 160), (255, 255, 255, 0))
    draw, left = ImageDraw.Draw(mark), 4.0
    for number, letter in enumerate("HERALD"):
        draw.text((left, 4), letter, fill=("#c8102e", "#ffb81c")[number % 2], font=font)
        left += draw.textlength(letter, font=font)
    mark = mark.crop(mark.getchannel("A").getbbox())
    header = Image.alpha_composite(Image.new("RGBA", mark.size, (10, 40, 70, 255)), mark).convert("RGB")
    assert agreement(query_keypoints(header)[0], keypoints(mark)).inliers >= 12
