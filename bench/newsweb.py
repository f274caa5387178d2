"""The benchmarks' sandbox web: news sites made from the real pages of /work/shared/data/pages.

Each site: a home page and four identity pages (关于我们 /about/, 联系我们 /contact/,
版权声明 /copyright/, About /about-us.html) in the page's own encoding, a favicon and a
logo; the real pages are neutralised so that each site is fetched exactly as described in
bench/README.md ("The sandbox web").
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

PAGES = Path("/work/shared/data/pages")
IDENTITY_PATHS = ("/about/", "/contact/", "/copyright/", "/about-us.html")
IMAGE_PATHS = ("/favicon.png", "/logo.png")
PAGES_PER_SITE = 1 + len(IDENTITY_PATHS)

_BASE = re.compile(rb"<base\b[^>]*>", re.I)
_LINK = re.compile(rb"<link\b[^>]*>", re.I)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_IMG = re.compile(rb"<img\b[^>]*>", re.I)
_A_HREF = re.compile(rb"(<a\b[^>]*?\shref\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>\"']+)", re.I)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+)""")
_HEAD = re.compile(rb"<head(?:\s[^>]*)?>", re.I)
_BODY = re.compile(rb"<body(?:\s[^>]*)?>", re.I)
_BODY_END = re.compile(rb"</body\s*>", re.I)
# Where a tag-looking text is no tag: comments, scripts, styles.
_RAW_TEXT = re.compile(rb"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>", re.S | re.I)
_KEEP_HREF = ("http:", "https:", "//", "javascript:", "mailto:", "tel:", "#", "data:")
_SOCIAL = (b"og:image", b"twitter:image")
PLACEHOLDER = "https://placeholder-0000.example.com/"


def _attrs(tag: bytes) -> dict[str, str]:
    """Attributes of one start tag (names lower-cased, values unescaped, latin-1)."""
    found = {}
    for name, value in _ATTR.findall(tag[1:]):
        value = value[1:-1] if value[:1] in (b'"', b"'") else value
        found.setdefault(name.lower().decode("latin-1"), html.unescape(value.decode("latin-1")))
    return found


@dataclass
class Template:
    """A real news page made into a sandbox page: links to its own site made absolute on
    the outlet's real domain (never followed: another registrable domain), its favicons,
    social images, logos and <base> taken out."""

    source: str  # manifest file
    outlet: str  # manifest site
    language: str
    encoding: str  # as the crawler decodes it
    body: bytes

    def page(self, head: str, body_start: str, body_end: str) -> bytes:
        """The page with markup injected (encoded like the page; character references
        where the page's encoding cannot say a character)."""
        def encoded(text: str) -> bytes:
            return text.encode(self.encoding, errors="xmlcharrefreplace")

        def tags(pattern: re.Pattern[bytes], data: bytes) -> list[re.Match[bytes]]:
            raw = [(m.start(), m.end()) for m in _RAW_TEXT.finditer(data)]
            return [m for m in pattern.finditer(data)
                    if not any(start <= m.start() < end for start, end in raw)]

        data = self.body
        found = tags(_HEAD, data)
        if found:
            data = data[:found[0].end()] + encoded(head) + data[found[0].end():]
        else:
            body_start = head + body_start
        found = tags(_BODY, data)
        if found:
            data = data[:found[0].end()] + encoded(body_start) + data[found[0].end():]
        else:
            body_end = body_start + body_end
        found = tags(_BODY_END, data)
        if found:
            data = data[:found[-1].start()] + encoded(body_end) + data[found[-1].start():]
        else:
            data += encoded(body_end)
        return data


def _origin(outlet: str) -> str:
    outlet = outlet.split()[0] if outlet else ""
    if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", outlet):
        return f"https://{outlet}"
    return "https://source.invalid"


def _neutralise(raw: bytes, origin: str) -> bytes:
    data = _BASE.sub(b"", raw)

    def link(match: re.Match[bytes]) -> bytes:
        rel = _attrs(match.group(0)).get("rel", "").lower()
        return b"" if "icon" in rel else match.group(0)

    def meta(match: re.Match[bytes]) -> bytes:
        attributes = _attrs(match.group(0))
        key = (attributes.get("property") or attributes.get("name") or "").lower().encode()
        return b"" if key.startswith(_SOCIAL) else match.group(0)

    def href(match: re.Match[bytes]) -> bytes:
        value = match.group(2)
        quote = value[:1] if value[:1] in (b'"', b"'") else b""
        inner = value[1:-1] if quote else value
        text = inner.strip().lower()
        if not text or text.startswith(tuple(prefix.encode() for prefix in _KEEP_HREF)):
            return match.group(0)
        absolute = origin.encode() + (b"" if inner.strip().startswith(b"/") else b"/") + inner.strip()
        return match.group(1) + (quote or b'"') + absolute + (quote or b'"')

    data = _LINK.sub(link, data)
    data = _META.sub(meta, data)
    return _A_HREF.sub(href, data)


def _drop_images(data: bytes, urls: set[str], base: str) -> bytes:
    """Take out the <img> tags whose source resolves to one of `urls`."""
    def img(match: re.Match[bytes]) -> bytes:
        attributes = _attrs(match.group(0))
        source = attributes.get("src") or attributes.get("data-src") or attributes.get("data-original")
        if source and urljoin(base, source.strip()) in urls:
            return b"<img alt=\"\">"
        return match.group(0)

    return _IMG.sub(img, data)


def _markup(name: str, identity: str | None = None) -> tuple[str, str, str]:
    """(head, body start, body end) injected into every page of a site."""
    head = '<link rel="icon" type="image/png" href="/favicon.png">'
    start = (f'<div class="bench-masthead"><a href="/"><img class="logo" src="/logo.png" '
             f'alt="{html.escape(name)}" width="240" height="80"></a></div>')
    if identity:
        start += identity
    end = (
        '<div class="bench-footer"><ul>'
        '<li><a href="/about/">关于我们</a></li><li><a href="/contact/">联系我们</a></li>'
        '<li><a href="/copyright/">版权声明</a></li><li><a href="/about-us.html">About</a></li>'
        f'</ul><p>Copyright © 2026 {html.escape(name)} 版权所有</p></div>'
    )
    return head, start, end


def is_inline(url: str) -> bool:
    """An image the spider finds in the page itself (inline SVG, `data:`): never fetched."""
    return url.startswith(("inline-svg:", "data:"))


def _check(template: Template) -> tuple[str | None, set[str]]:
    """Why the template, once injected, would not give exactly the intended fetches;
    and the image URLs it would fetch besides the site's favicon and logo."""
    from crawler.extract import decode_html, extract_page

    page = template.page(*_markup("Placeholder News", "<h1>关于我们</h1>"))
    text, encoding = decode_html(page, "text/html")
    if encoding != template.encoding or "关于我们" not in text or "版权声明" not in text:
        return f"decodes as {encoding}, footer unreadable", set()
    identity = extract_page(text, PLACEHOLDER, link_limit=PAGES_PER_SITE)
    links = {urljoin(PLACEHOLDER, path) for path in IDENTITY_PATHS}
    images = {urljoin(PLACEHOLDER, path) for path in IMAGE_PATHS}
    found = {image.url for image in identity.images if not is_inline(image.url)}
    if not images <= found:
        return f"own images not found: {sorted(images - found)}", set()
    if set(identity.links) != links:
        return f"identity links {sorted(set(identity.links) ^ links)[:3]}", set()
    return None, found - images


def load_templates(log: list[str]) -> list[Template]:
    """The real pages of the manifest, neutralised and checked with the crawler's own
    extraction; pages that cannot be made exact are left out (and said so)."""
    from crawler.extract import decode_html

    templates = []
    with (PAGES / "manifest.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        raw = gzip.decompress((PAGES / row["file"]).read_bytes())
        encoding = decode_html(raw, "text/html")[1]
        template = Template(row["file"], row["site"], row["language"], encoding,
                            _neutralise(raw, _origin(row["site"])))
        problem, extra = _check(template)
        if extra:
            # Logos marked by an ancestor's class escape a regex: the extractor found them.
            template.body = _drop_images(template.body, extra, PLACEHOLDER)
            problem, extra = _check(template)
        if extra:
            problem = f"images {sorted(extra)[:3]}"
        if problem:
            log.append(f"left out {row['file']}: {problem}")
            continue
        templates.append(template)
    return templates


@dataclass
class BenchSite:
    target: str  # as given to the spider (Unicode for IDNs)
    host: str  # punycode: the sandbox folder
    name: str
    home_source: str

    @property
    def page_urls(self) -> list[str]:
        return [f"{{scheme}}://{self.host}/"] + [f"{{scheme}}://{self.host}{path}" for path in IDENTITY_PATHS]

    @property
    def image_urls(self) -> list[str]:
        return [f"{{scheme}}://{self.host}{path}" for path in IMAGE_PATHS]


def _label(outlet: str, source: str) -> str:
    import tldextract

    text = outlet.split()[0] if outlet else ""
    if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", text):
        extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        label = extract(text).domain
    else:
        label = Path(source).name.split("_")[0].split(".")[0]
    label = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    return label or "news"


_IDN_WORDS = ("晨报", "新闻", "日报", "快讯", "时报", "观察")
_PREFIXES = ("", "www.", "", "news.", "www.")


def _draw(seed: int, size: tuple[int, int], text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    colour = tuple(rng.randrange(40, 200) for _ in range(3))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, 0, height - 1, height - 1), fill=colour)
    draw.ellipse((height * 0.2, height * 0.2, height * 0.8, height * 0.8), fill="white")
    if text:
        font = ImageFont.load_default(size=max(10, height // 3))
        draw.text((height + 6, height / 2), text, fill=colour, font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _about_us(name: str) -> bytes:
    paragraphs = "".join(
        f"<p>{html.escape(name)} has reported the news of its region since {1950 + k}. "
        "Our newsroom of reporters, editors and photographers works independently of any "
        "political party. Corrections are published on this page within 24 hours.</p>"
        for k in range(8))
    head, start, end = _markup(name)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<title>About {html.escape(name)}</title>{head}</head><body>{start}'
            f'<main><h1>About {html.escape(name)}</h1>{paragraphs}'
            f'<p>Editor in chief: J. Doe. Registered office: 1 Press Street.</p></main>'
            f'{end}</body></html>').encode("utf-8")


def build_web(root: Path, count: int, seed: int, log: list[str]) -> list[BenchSite]:
    """`count` sites in `root`, one folder per host (punycode)."""
    import idna

    templates = load_templates(log)
    if len(templates) < 4:
        raise SystemExit("fewer than 4 usable real pages: cannot build the sandbox web")
    rng = random.Random(seed)
    order = templates[:]
    rng.shuffle(order)
    sites = []
    identity_blocks = {
        "/about/": "<h1>关于我们</h1><p>{name}是经批准设立的新闻网站，主办单位：{name}传媒有限公司。</p>",
        "/contact/": "<h1>联系我们</h1><p>地址：幸福路1号 电话：010-12345678 邮箱：news@{host}</p>",
        "/copyright/": "<h1>版权声明</h1><p>凡本网注明“来源：{name}”的所有作品，版权均属于{name}。</p>",
    }
    for index in range(1, count + 1):
        home = order[(index - 1) % len(order)]
        chinese = home.language.startswith("zh")
        label = _label(home.outlet, home.source)
        if chinese and index % 10 == 0:
            unicode_host = f"{_IDN_WORDS[index // 10 % len(_IDN_WORDS)]}{index:04d}.example.cn"
        else:
            prefix = _PREFIXES[index % len(_PREFIXES)]
            unicode_host = f"{prefix}{label}-{index:04d}.example.{'cn' if chinese else 'com'}"
        host = idna.encode(unicode_host, uts46=True).decode("ascii")
        name = f"{label.title()} {'新闻网' if chinese else 'News'} {index:04d}"
        site = BenchSite(unicode_host, host, name, home.source)
        folder = root / host
        folder.mkdir(parents=True)
        (folder / "index.html").write_bytes(home.page(*_markup(name)))
        for step, path in enumerate(("/about/", "/contact/", "/copyright/"), start=1):
            template = order[(index - 1 + step * 37) % len(order)]
            block = identity_blocks[path].format(name=html.escape(name), host=host)
            (folder / path.strip("/")).mkdir()
            (folder / path.strip("/") / "index.html").write_bytes(template.page(*_markup(name, block)))
        (folder / "about-us.html").write_bytes(_about_us(name))
        (folder / "favicon.png").write_bytes(_draw(index, (32, 32), ""))
        (folder / "logo.png").write_bytes(_draw(index, (240, 80), name.split()[0][:10]))
        (folder / "robots.txt").write_text("User-agent: *\nDisallow: /search\nDisallow: /api/\n",
                                           encoding="utf-8")
        sites.append(site)
    return sites


