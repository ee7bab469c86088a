"""Figures and Markdown images into each output: Anki media names, inline SVG or ``data:`` images in HTML.

Markdown renders an image as ``<img src="media/x.png" alt="...">`` (lint has made sure the
file exists and is safe). Anki gets the file as media named by its content hash; a printed
page embeds it, so the page stays one self-contained file: SVG inline, PNG and JPEG as
``data:`` URLs (the pages' CSP allows ``img-src data:`` and nothing else).
"""

from __future__ import annotations

import base64
from html import escape, unescape
from pathlib import PurePosixPath

from markupsafe import Markup

from ..content.media import TYPES
from ..markup.images import IMG_TAG
from .html_safe import inline_svg

_OPEN, _CLOSE = "\ue010", "\ue011"  # private-use: plain text to the sanitizer, never in content


def anki_images(html: str, media: dict) -> str:
    """Point each Markdown image at its Anki media file (``media`` maps a reference to a Media)."""
    return IMG_TAG.sub(lambda m: f'<img src="{media[unescape(m.group(1))].filename}" alt="{m.group(2)}">', html)


def lift(html: str) -> tuple[str, list[tuple[str, str]]]:
    """Replace each image by a marker the sanitizer keeps as text; return the images in order."""
    found: list[tuple[str, str]] = []

    def mark(m) -> str:
        found.append((unescape(m.group(1)), unescape(m.group(2))))
        return f"{_OPEN}{len(found) - 1}{_CLOSE}"

    return IMG_TAG.sub(mark, html), found


def restore(html: str, found: list[tuple[str, str]], media: dict[str, bytes], prefix: str) -> str:
    """Put each lifted image back, embedded; an image whose file is not given is left out."""
    for i, (src, alt) in enumerate(found):
        data = media.get(src)
        html = html.replace(f"{_OPEN}{i}{_CLOSE}", figure_html(src, data, f"{prefix}-{i}", alt) if data else "")
    return html


def figure_html(name: str, data: bytes, prefix: str, alt: str) -> Markup:
    """One figure for a printed page: inline SVG (ids prefixed), or a raster image as a data: URL."""
    suffix = PurePosixPath(name).suffix.lower() or ".svg"
    if suffix == ".svg":
        svg = inline_svg(data, prefix)
        return Markup(f'<span class="inline-figure" role="img" aria-label="{escape(alt)}">{svg}</span>')
    encoded = base64.b64encode(data).decode("ascii")
    return Markup(f'<img class="inline-figure" src="data:{TYPES[suffix]};base64,{encoded}" alt="{escape(alt)}">')
