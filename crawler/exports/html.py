"""One self-contained HTML report: per suspect its screenshot, its logo beside the genuine
logo it matched, names, licences and reasons. Every scraped text is escaped; images are
embedded (decoded safely and re-encoded), so the file opens anywhere, offline."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from crawler.evidence import utc_now, write_atomically
from detectors.images import ImageError, load_image_file

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em} section{border:1px solid #ddd;border-radius:6px;padding:1em 1.2em;margin:1.2em 0}
h2{font-size:1.15em;margin:0 0 .4em;overflow-wrap:anywhere} .verdict{font-weight:600;padding:.1em .5em;border-radius:4px}
.impersonation{background:#fdd;color:#900}.licence_misuse{background:#fed;color:#a40}
.unlicensed_news{background:#ffb;color:#660}.official{background:#dfd}.clean{background:#eee}
.shot{max-width:100%;border:1px solid #ccc} .logos{display:flex;gap:2em;align-items:center;flex-wrap:wrap}
.logos figure{margin:0;text-align:center} .logos img{max-width:160px;max-height:160px;border:1px solid #eee}
table{border-collapse:collapse} td,th{border-bottom:1px solid #eee;padding:.2em .6em;text-align:left;vertical-align:top}
code{overflow-wrap:anywhere}
"""


def _data_uri(path: str | None, max_side: int) -> str | None:
    """An image file as an embedded, re-encoded thumbnail (never the raw bytes)."""
    if not path or not Path(path).is_file():
        return None
    try:
        image = load_image_file(Path(path)).image
    except (ImageError, OSError):
        return None
    image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(path: str | None, max_side: int, alt: str, css: str = "") -> str:
    uri = _data_uri(path, max_side)
    if uri is None:
        return f"<p><em>{escape(alt)}: not available</em></p>"
    return f'<img class="{css}" src="{uri}" alt="{escape(alt)}">'


def _logos(record: dict[str, Any]) -> str:
    snapshot = record["_row"]["record"]
    pairs = [(f["evidence"][0].get("path") if f.get("evidence") else None, f.get("reference"), f)
             for f in snapshot.get("findings", []) if f["detector"] == "logo"]
    figures = []
    for shown, genuine, finding in pairs[:3]:
        figures.append(f"<figure>{_img(shown, 160, 'logo on the target')}<figcaption>on the target</figcaption></figure>"
                       f"<figure>{_img(genuine, 160, 'genuine logo')}<figcaption>genuine: "
                       f"{escape(finding.get('org_id') or '')} ({finding['score']})</figcaption></figure>")
    if not figures:
        images = [i for i in snapshot.get("images", []) if i.get("path") and not i.get("error")][:4]
        figures = [f"<figure>{_img(i['path'], 96, i['role'])}<figcaption>{escape(i['role'])}</figcaption></figure>"
                   for i in images]
    return f'<div class="logos">{"".join(figures)}</div>' if figures else ""


def _section(record: dict[str, Any]) -> str:
    snapshot = record["_row"]["record"]
    verdict = record["verdict"] or "unknown"
    org = f" — {escape(record['org_name'] or '')} ({escape(record['org_id'])})" if record["org_id"] else ""
    names = "".join(f"<tr><td>{escape(n['value'])}</td><td>{escape(n['source'])}</td></tr>"
                    for n in snapshot.get("names", [])[:12])
    licences = "".join(f"<tr><td>{escape(l['kind'])}</td><td><code>{escape(l['number'])}</code></td>"
                       f"<td>{escape(l.get('context') or '')}</td></tr>" for l in snapshot.get("licences", []))
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in record["reasons"] or [])
    label = f"<p>Label: <b>{escape(record['label'])}</b> {escape(record['label_note'] or '')}</p>" if record["label"] else ""
    return f"""<section>
<h2>{escape(record['target'])} <span class="verdict {escape(verdict)}">{escape(verdict)} {record['score'] if record['score'] is not None else ''}</span>{org}</h2>
<p><code>{escape(record['final_url'] or '')}</code> · status {escape(record['status'])} · first seen {escape(record['first_seen'])} · last seen {escape(record['last_seen'])}</p>
{label}<ul>{reasons}</ul>
{_logos(record)}
{_img(record['screenshot'], 900, 'screenshot', 'shot')}
<table><tr><th>name</th><th>source</th></tr>{names}</table>
{'<table><tr><th>licence</th><th>number</th><th>context</th></tr>' + licences + '</table>' if licences else '<p>No licence shown.</p>'}
<p>Evidence: <code>{escape(record['evidence_dir'] or '')}</code></p>
</section>"""


def write_html(records: Iterable[dict[str, Any]], path: Path, title: str = "Masthead report") -> int:
    sections = [_section(record) for record in records]
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<style>{_STYLE}</style></head>
<body><h1>{escape(title)}</h1><p>{len(sections)} target(s), generated {escape(utc_now())}.</p>
{''.join(sections) or '<p>Nothing to report.</p>'}
</body></html>
"""
    write_atomically(path, page.encode("utf-8"))
    return len(sections)
