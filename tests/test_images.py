"""Untrusted image bytes: every format decodes to RGBA, every hostile file is refused."""

from __future__ import annotations

import gzip
import io
import random
import socket
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from detectors import images
from detectors.images import ImageError, load_image, load_image_file, sniff_format
from tests.drawing import logo
from tests.conftest import SHARED

LOGOS = SHARED / "data" / "logos"
SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def encode(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def svg(body: str, attributes: str = 'width="200" height="100"') -> bytes:
    return f"<svg {SVG_NS} {attributes}>{body}</svg>".encode()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def grey_png(width: int, height: int, idat: bytes | None = None) -> bytes:
    """An 8-bit grey PNG written by hand: a valid header whatever size it claims."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    data = png_chunk(b"IDAT", idat) if idat is not None else b""
    return b"\x89PNG\r\n\x1a\n" + header + data + png_chunk(b"IEND", b"")


def real_bomb(side: int) -> bytes:
    """A complete, valid PNG of side x side black pixels: tens of KiB of zlib."""
    return grey_png(side, side, zlib.compress((b"\x00" * (side + 1)) * side, 9))


def noise(size: int = 200) -> Image.Image:
    rng = random.Random(size)
    return Image.frombytes("RGB", (size, size), bytes(rng.getrandbits(8) for _ in range(size * size * 3)))


def ico_with_entry(entry: bytes) -> bytes:
    """An ICO whose directory says 256x256 but whose one image is `entry`."""
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 0, 0, 0, 0, 1, 32, len(entry), 22) + entry


def has_colour(image: Image.Image, colour: tuple[int, int, int]) -> bool:
    return any(pixel[3] > 0 and all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour))
               for _, pixel in image.getcolors(1 << 20))


# --- formats ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "expected"), [
    (encode(logo(1, 32), "PNG"), "PNG"),
    (encode(logo(1, 32).convert("RGB"), "JPEG"), "JPEG"),
    (encode(logo(1, 32), "GIF"), "GIF"),
    (encode(logo(1, 32), "WEBP"), "WEBP"),
    (encode(logo(1, 32), "ICO"), "ICO"),
    (encode(logo(1, 32), "BMP"), "BMP"),
    (b'<?xml version="1.0"?>\n<!-- a logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    (b"\xef\xbb\xbf  <svg width='1' height='1'></svg>", "SVG"),
    (gzip.compress(svg("")), "SVG"),
    (b"<!DOCTYPE html><html><body><svg></svg></body></html>", None),
    (b"<?xml version='1.0'?><html><svg></svg></html>", None),
    (b"GIF90a", None),
    (b"", None),
], ids=["png", "jpeg", "gif", "webp", "ico", "bmp", "svg", "svg-bom", "svgz", "html", "xhtml", "gif90", "empty"])
def test_sniff_format(data: bytes, expected: str | None) -> None:
    assert sniff_format(data) == expected


def test_png_keeps_its_transparency() -> None:
    decoded = load_image(encode(logo(3, 120, background=(0, 0, 0, 0)), "PNG"))
    assert (decoded.format, decoded.width, decoded.height, decoded.image.mode) == ("PNG", 120, 120, "RGBA")
    assert decoded.image.getpixel((0, 0))[3] == 0
    assert decoded.image.getpixel((60, 60))[3] == 255


def test_palette_png_with_trns_becomes_rgba_with_alpha() -> None:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 200, 16, 46])
    image.putpixel((0, 0), 0)
    decoded = load_image(encode(image, "PNG", transparency=0))
    assert decoded.image.mode == "RGBA"
    assert decoded.image.getpixel((0, 0))[3] == 0
    assert decoded.image.getpixel((4, 4)) == (200, 16, 46, 255)


@pytest.mark.parametrize(("image", "options", "corner"), [
    (Image.new("L", (4, 4), 90), {}, (90, 90, 90, 255)),
    (Image.new("L", (4, 4), 7), {"transparency": 7}, (7, 7, 7, 0)),
    (Image.new("LA", (4, 4), (100, 50)), {}, (100, 100, 100, 50)),
    (Image.new("1", (4, 4), 1), {}, (255, 255, 255, 255)),
    (Image.new("RGB", (4, 4), (10, 20, 30)), {"transparency": (10, 20, 30)}, (10, 20, 30, 0)),
    (Image.new("I;16", (4, 4), 40000), {}, (155, 155, 155, 255)),  # scaled, not clipped to white
])
def test_every_png_mode_ends_as_rgba(image: Image.Image, options: dict, corner: tuple) -> None:
    decoded = load_image(encode(image, "PNG", **options))
    assert decoded.image.mode == "RGBA"
    assert decoded.image.getpixel((0, 0)) == corner


def test_jpeg() -> None:
    decoded = load_image(encode(logo(5, 300, "AB").convert("RGB"), "JPEG", quality=90))
    assert (decoded.format, decoded.image.size, decoded.image.mode) == ("JPEG", (300, 300), "RGBA")


def test_cmyk_jpeg_keeps_its_colours() -> None:
    decoded = load_image(encode(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG"))
    red, green, blue, alpha = decoded.image.getpixel((32, 32))
    assert red > 200 and green < 40 and blue < 40 and alpha == 255


def test_large_jpeg_is_decoded_at_reduced_scale() -> None:
    data = encode(Image.new("RGB", (4100, 3000), "navy"), "JPEG")
    decoded = load_image(data)
    assert (decoded.width, decoded.height) == (4100, 3000)  # the source's size...
    assert decoded.image.size == (2050, 1500)  # ...decoded at half scale by draft()
    with pytest.raises(ImageError, match="image too large: 4100x3000 px"):
        load_image(data, max_pixels=10_000_000)  # the limit is on the declared size


@pytest.mark.parametrize("format", ["GIF", "WEBP", "PNG"])
def test_animation_gives_its_first_frame(format: str) -> None:
    frames = [Image.new("RGBA", (40, 40), colour) for colour in ("red", "lime", "blue")]
    data = encode(frames[0], format, save_all=True, append_images=frames[1:], duration=100, loop=0,
                  lossless=True)
    decoded = load_image(data)
    assert decoded.format == format
    assert decoded.image.getpixel((20, 20))[:3] == (255, 0, 0)


def test_ico_gives_its_largest_size() -> None:
    data = encode(logo(3, 64), "ICO", sizes=[(16, 16), (48, 48), (32, 32)])
    decoded = load_image(data)
    assert (decoded.format, decoded.image.size, decoded.width) == ("ICO", (48, 48), 48)


@pytest.mark.parametrize(("format", "options"), [("WEBP", {"lossless": True}), ("BMP", {})])
def test_webp_and_bmp(format: str, options: dict) -> None:
    image = logo(6, 90, background=(0, 0, 0, 0))
    decoded = load_image(encode(image, format, **options))
    assert (decoded.format, decoded.image.size, decoded.image.mode) == (format, (90, 90), "RGBA")
    assert decoded.image.getpixel((45, 45))[:3] == image.getpixel((45, 45))[:3]


# --- SVG --------------------------------------------------------------------------------------

LOGO_SVG = svg('<rect width="200" height="100" fill="none"/><circle cx="50" cy="50" r="40" fill="#c8102e"/>'
               '<rect x="110" y="20" width="80" height="60" fill="#003f87"/>', 'viewBox="0 0 200 100"')


def test_svg_logo_is_rasterised_to_fit_512() -> None:
    decoded = load_image(LOGO_SVG)
    assert (decoded.format, decoded.image.mode, decoded.image.size) == ("SVG", "RGBA", (512, 256))
    assert (decoded.width, decoded.height) == (512, 256)
    assert has_colour(decoded.image, (200, 16, 46)) and has_colour(decoded.image, (0, 63, 135))
    assert decoded.image.getpixel((0, 0))[3] == 0  # the background stays transparent


def test_svgz_and_svg_under_a_wrong_name(tmp_path: Path) -> None:
    assert load_image(gzip.compress(LOGO_SVG)).image.size == (512, 256)
    (tmp_path / "logo.png").write_bytes(LOGO_SVG)
    assert load_image_file(tmp_path / "logo.png").format == "SVG"


@pytest.mark.parametrize(("attributes", "size"), [
    ('width="20000" height="20000"', (512, 512)),
    ('width="4in" height="192px"', (512, 256)),  # units are converted before the ratio
    ('width="100mm" height="5cm"', (512, 256)),
    ('width="100%" height="100%" viewBox="0,0,300,100"', (512, 171)),  # percentages: the viewBox
    ("width='50' viewBox='0 0 10 40'", (128, 512)),
    ('width="wide" height="10"', (512, 512)),  # nonsense: square
    ('width="-5" height="abc" viewBox="0 0 0 5"', (512, 512)),
    ("", (512, 512)),
])
def test_svg_raster_size_comes_from_its_declared_ratio(attributes: str, size: tuple[int, int]) -> None:
    decoded = load_image(svg('<rect width="10" height="10" fill="red"/>', attributes))
    assert decoded.image.size == size


@pytest.mark.parametrize(("attributes", "size"), [
    ({"width": "1e-320", "height": "1e-320"}, (512, 512)),
    ({"width": "1e308", "height": "1e-308"}, (512, 512)),
    ({"viewBox": "0 0 nan 5"}, (512, 512)),
    ({"viewBox": "0 0 10 0"}, (512, 512)),
    ({"width": "20000", "height": "1"}, (512, 1)),
])
def test_svg_raster_size_survives_extreme_numbers(attributes: dict[str, str], size: tuple[int, int]) -> None:
    assert images._svg_raster_size(attributes) == size


def test_svg_declaring_20000_px_is_rasterised_at_512() -> None:
    decoded = load_image(svg('<circle cx="10000" cy="10000" r="9000" fill="red"/>',
                             'width="20000" height="20000"'))
    assert decoded.image.size == (512, 512)
    assert decoded.image.getpixel((256, 256)) == (255, 0, 0, 255)


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text y="20">&d;</text></svg>',
    b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text y="20">&x;</text></svg>',
], ids=["billion-laughs", "xxe-file"])
def test_svg_entities_are_refused(document: bytes) -> None:
    assert sniff_format(document) == "SVG"
    with pytest.raises(ImageError, match="SVG refused: XML entity"):
        load_image(document)


def test_svg_external_references_are_neither_read_nor_fetched(tmp_path: Path) -> None:
    red = tmp_path / "red.png"
    red.write_bytes(encode(Image.new("RGB", (50, 50), "red"), "PNG"))
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.3)
    port = server.getsockname()[1]
    document = svg(f'<style>@import url(http://127.0.0.1:{port}/style.css);</style>'
                   f'<image href="file://{red}" width="100" height="100"/>'
                   f'<image xlink:href="{red}" x="100" width="100" height="100"/>'
                   f'<image href="http://127.0.0.1:{port}/logo.png" width="200" height="100"/>'
                   f'<use href="file:///etc/passwd#x"/>'
                   '<rect x="80" y="30" width="40" height="40" fill="#003f87"/>')
    decoded = load_image(document)
    assert has_colour(decoded.image, (0, 63, 135))
    assert not has_colour(decoded.image, (255, 0, 0))
    with pytest.raises(TimeoutError):
        server.accept()
    server.close()


def test_svg_with_a_data_url_image_embeds_it() -> None:
    import base64

    png = base64.b64encode(encode(Image.new("RGB", (20, 20), (0, 63, 135)), "PNG")).decode()
    decoded = load_image(svg(f'<image href="data:image/png;base64,{png}" width="200" height="100"/>'))
    assert has_colour(decoded.image, (0, 63, 135))


def test_svg_embedding_a_decompression_bomb_is_refused() -> None:
    import base64

    bomb = base64.b64encode(real_bomb(5000)).decode()
    with pytest.raises(ImageError, match="SVG refused: embedded image too large: 5000x5000"):
        load_image(svg(f'<image href="data:image/png;base64,{bomb}" width="200" height="100"/>'))


def test_svg_pattern_needing_gigabytes_is_refused() -> None:
    pattern = ('<defs><pattern id="p" width="30000" height="30000" patternUnits="userSpaceOnUse">'
               '<circle cx="15000" cy="15000" r="14000" fill="red"/></pattern></defs>'
               '<rect width="100" height="100" fill="url(#p)"/>')
    with pytest.raises(ImageError, match="SVG refused: rendering needs too much memory"):
        load_image(svg(pattern))


def test_svg_that_renders_too_long_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested <use>: 10^8 references in 1 KiB (cairosvg's own limit takes 55 s to trip)."""
    levels = "".join(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 9))
    bomb = svg(f'<defs><rect id="l0" width="1" height="1"/>{levels}</defs><use href="#l8"/>')
    monkeypatch.setattr(images, "SVG_TIMEOUT", 1.0)
    with pytest.raises(ImageError, match="SVG refused: rendering took over 1 s"):
        load_image(bomb)
    assert load_image(LOGO_SVG).image.size == (512, 256)  # a new worker takes over


@pytest.mark.parametrize(("document", "reason"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='10'", "corrupt SVG"),
    (svg("", 'width="1e999" height="10"'), "corrupt SVG"),
    (b"<svg><g></svg>", "corrupt SVG"),
    (gzip.compress(b"<!DOCTYPE html><html></html>"), "not an image"),
    (gzip.compress(LOGO_SVG)[:40], "corrupt SVGZ"),
], ids=["unclosed", "infinite-width", "mismatched-tags", "gzipped-html", "svgz-cut"])
def test_broken_svg_is_refused(document: bytes, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        load_image(document)


def test_svg_over_max_bytes_is_refused_plain_or_gzipped() -> None:
    big = svg("<!--" + "x" * 6_000_000 + "-->")
    with pytest.raises(ImageError, match="image too large: 6000\\d+ bytes exceeds 5242880"):
        load_image(big)
    with pytest.raises(ImageError, match="SVG too large: over 5242880 bytes once decompressed"):
        load_image(gzip.compress(big))


# --- hostile and broken raster files -------------------------------------------------------------

def test_png_header_claiming_100000x100000_is_refused() -> None:
    with pytest.raises(ImageError, match="image too large"):
        load_image(grey_png(100_000, 100_000))


def test_our_limit_applies_below_pillows() -> None:
    """5000x5000 is under Pillow's 89.5 Mpx: only the declared-size check refuses it."""
    with pytest.raises(ImageError, match="image too large: 5000x5000 px exceeds 16000000 px"):
        load_image(grey_png(5000, 5000))


def test_real_decompression_bomb_is_refused() -> None:
    bomb = real_bomb(6000)
    assert len(bomb) < 64 * 1024  # 36 Mpx in a few tens of KiB
    with pytest.raises(ImageError, match="image too large: 6000x6000 px"):
        load_image(bomb)
    assert load_image(real_bomb(600)).image.size == (600, 600)  # the same, made small, is fine


@pytest.mark.parametrize("entry", [
    grey_png(5000, 5000),  # a header alone: without the check Pillow would try to decode it
    struct.pack("<IiiHHIIiiII", 40, 5000, 10000, 1, 32, 0, 0, 0, 0, 0, 0) + bytes(64),
], ids=["png-entry", "bitmap-entry"])
def test_ico_hiding_a_large_image_is_refused(entry: bytes) -> None:
    """Pillow decodes an ICO's largest image while opening it, at the size inside it."""
    with pytest.raises(ImageError, match="image too large: 5000x"):
        load_image(ico_with_entry(entry))


@pytest.mark.parametrize("format", ["PNG", "JPEG", "GIF", "BMP"])
def test_truncated_images_are_refused(format: str) -> None:
    data = encode(noise(), format)
    with pytest.raises(ImageError, match="^truncated image$"):
        load_image(data[:len(data) // 2])


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (random.Random(4).randbytes(5000), "not an image"),
    (b"<!DOCTYPE html><html><head><title>Not found</title></head><body>404</body></html>", "not an image"),
    (b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(500), "corrupt image"),
    (b"BMW news", "corrupt image: not a valid BMP file"),
    (encode(noise(), "WEBP")[:2000], "corrupt image"),
], ids=["empty", "random", "html", "png-magic-then-random", "text-starting-BM", "webp-cut"])
def test_garbage_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        load_image(data)


def test_bytes_over_max_bytes_are_refused_before_decoding(tmp_path: Path) -> None:
    data = encode(noise(), "PNG")
    with pytest.raises(ImageError, match=f"image too large: {len(data)} bytes exceeds 1000"):
        load_image(data, max_bytes=1000)
    (tmp_path / "big.png").write_bytes(data)
    with pytest.raises(ImageError, match="image too large: 1001 bytes exceeds 1000"):
        load_image_file(tmp_path / "big.png", max_bytes=1000)  # reads no more than it needs


def test_pillow_global_state_is_left_alone() -> None:
    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES, list(warnings.filters))
    for data in (real_bomb(6000), grey_png(100_000, 100_000), encode(logo(1, 40), "PNG")):
        try:
            load_image(data)
        except ImageError:
            pass
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES, list(warnings.filters)) == before


# --- real logos ---------------------------------------------------------------------------------

def sample(folder: Path, count: int = 20) -> list[Path]:
    if not folder.is_dir():
        pytest.skip(f"{folder} is missing")
    files = sorted(folder.iterdir())
    return files[::max(1, len(files) // count)][:count]


def test_real_svgz_logos_decode() -> None:
    for path in sample(LOGOS / "simple-icons-svg"):
        decoded = load_image_file(path)
        assert decoded.format == "SVG", path
        assert max(decoded.image.size) == 512, path
        assert decoded.image.getchannel("A").getextrema()[1] > 0, path  # not blank


def test_real_png_logos_decode() -> None:
    for path in sample(LOGOS / "png"):
        decoded = load_image_file(path)
        assert decoded.format == "PNG" and decoded.image.mode == "RGBA", path
        assert decoded.image.size == (decoded.width, decoded.height), path


def test_one_worker_process_serves_every_svg() -> None:
    load_image(LOGO_SVG)
    worker = images._worker
    load_image(gzip.compress(LOGO_SVG))
    assert worker is not None and images._worker is worker and worker.poll() is None


# --- image_facts: what the crawl records of a download ----------------------------------------

@pytest.mark.parametrize("data", [
    LOGO_SVG, gzip.compress(LOGO_SVG), svg('<rect width="10" height="10"/>', "width='50' viewBox='0 0 10 40'"),
    encode(logo(3, 120), "PNG"), encode(logo(5, 300, "AB").convert("RGB"), "JPEG"),
], ids=["svg", "svgz", "svg-tall", "png", "jpeg"])
def test_image_facts_answers_as_load_image(data: bytes) -> None:
    decoded = load_image(data)
    assert images.image_facts(data) == (decoded.format, decoded.width, decoded.height)


def test_image_facts_paints_an_svg_small_and_reports_its_raster_size(monkeypatch: pytest.MonkeyPatch) -> None:
    painted: list[tuple[int, int]] = []
    render = images._render_in_worker

    def spy(document: bytes, width: int, height: int, max_pixels: int) -> tuple[bytes | None, str]:
        painted.append((width, height))
        return render(document, width, height, max_pixels)

    monkeypatch.setattr(images, "_render_in_worker", spy)
    assert images.image_facts(LOGO_SVG) == ("SVG", 512, 256)
    assert painted == [(images.CHECK_SVG_SIZE, images.CHECK_SVG_SIZE // 2)]


@pytest.mark.parametrize(("document", "reason"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='10'", "corrupt SVG"),
    (b"<svg><g></svg>", "corrupt SVG"),
    (gzip.compress(LOGO_SVG)[:40], "corrupt SVGZ"),
    (b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">'
     b'<text y="20">&x;</text></svg>', "SVG refused: XML entity"),
    (svg("<!--" + "x" * 6_000_000 + "-->"), "image too large"),
    (b"GIF89a" + b"\x00" * 20, "corrupt|truncated|not an image|cannot"),
], ids=["unclosed", "mismatched-tags", "svgz-cut", "entity", "too-large", "broken-gif"])
def test_image_facts_refuses_what_load_image_refuses(document: bytes, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        load_image(document)
    with pytest.raises(ImageError, match=reason):
        images.image_facts(document)


def test_image_facts_refuses_an_svg_embedding_a_bomb() -> None:
    import base64

    bomb = base64.b64encode(real_bomb(5000)).decode()
    with pytest.raises(ImageError, match="SVG refused: embedded image too large: 5000x5000"):
        images.image_facts(svg(f'<image href="data:image/png;base64,{bomb}" width="200" height="100"/>'))
