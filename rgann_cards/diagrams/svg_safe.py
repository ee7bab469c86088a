"""The one wall every SVG passes before any output: ours from matplotlib and every author's file.

The document is parsed with defusedxml, so entity definitions (billion laughs) and
external entities (XXE) are refused, never expanded. The tree is then checked
against an allow-list of SVG elements, attributes and CSS. What is outside it
(``<script>``, event handlers, ``<foreignObject>``, links out of the document,
``url()`` of anything but a local ``#id``, ``@import``, processing instructions
such as ``<?xml-stylesheet?>``) is dropped, and the document is rebuilt from what
remains. Comments are inert and kept.

A document that is already entirely inside the allow-list is returned as the
very bytes that were checked: our figures stay byte-identical and stay cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from ..errors import excerpt

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
# matplotlib's <metadata> block: inert RDF that names the tool, kept so our files stay as drawn.
_METADATA_NS = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#",
                "http://purl.org/dc/elements/1.1/")
MAX_BYTES = 2_000_000

_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style", "clipPath", "mask", "marker",
    "pattern", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "switch",
}
_ATTRIBUTES = {
    "id", "class", "style", "transform", "version", "viewBox", "preserveAspectRatio", "width", "height", "x", "y",
    "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "pathLength", "dx", "dy",
    "rotate", "textLength", "lengthAdjust", "offset", "gradientUnits", "gradientTransform", "spreadMethod",
    "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient", "type", "href", "xml:space",
    "baseProfile", "overflow",
} | {  # presentation attributes
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "color",
    "clip-path", "clip-rule", "mask", "marker-start", "marker-mid", "marker-end", "font-family", "font-size",
    "font-style", "font-weight", "font-variant", "text-anchor", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "visibility", "display",
    "stop-color", "stop-opacity", "vector-effect", "shape-rendering", "text-rendering", "paint-order",
}
_LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#[A-Za-z0-9_.:-]+\1\s*\)")
_ANY_URL = re.compile(r"url\s*\(", re.I)
_CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|\\", re.I)


class SvgError(ValueError):
    """An SVG that cannot be made safe (not XML, entities, too large, not an SVG). The message is for authors."""


@dataclass
class Cleaned:
    """The safe bytes, and what had to be removed (empty when the file was already clean)."""

    data: bytes
    removed: list[str] = field(default_factory=list)


def clean_svg(data: bytes, *, limit: int = MAX_BYTES) -> Cleaned:
    """Check ``data`` against the allow-list; drop what is outside it. Raises SvgError if it cannot be used."""
    if len(data) > limit:
        raise SvgError(f"SVG is {len(data):,} bytes, over the limit of {limit:,}")
    root, instructions = _parse(data)
    if _tag(root) != "svg":
        raise SvgError("not an SVG document (its root element is not <svg>)")
    # A processing instruction anywhere, the prolog included, means the file is rebuilt without it.
    removed = [f"processing instruction <?{target}?>" for target in instructions]
    _clean(root, removed)
    if not removed:
        return Cleaned(data)
    ET.register_namespace("", SVG_NS)  # serialize as plain <svg>, not <ns0:svg>
    ET.register_namespace("xlink", XLINK_NS)
    body = ET.tostring(root, encoding="unicode")
    return Cleaned(('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8"), sorted(set(removed)))


class _Builder(ET.TreeBuilder):
    """Keeps comments in the tree and records every processing instruction, the prolog's too."""

    def __init__(self) -> None:
        super().__init__(insert_comments=True, insert_pis=False)
        self.instructions: list[str] = []

    def pi(self, target, text=None):
        self.instructions.append(target)


def _parse(data: bytes) -> tuple[ET.Element, list[str]]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        return parser.close(), builder.instructions
    except DefusedXmlException as exc:
        raise SvgError(f"SVG refused: it defines entities or loads external ones ({type(exc).__name__}), "
                       "which can expand without limit or read local files") from None
    except ET.ParseError as exc:
        raise SvgError(f"not a well-formed SVG file: {exc}") from None


def _tag(el: ET.Element) -> str | None:
    """The local name of an SVG element; None for anything else (other namespaces, comments, PIs)."""
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith(f"{{{SVG_NS}}}"):
        return None
    return tag.partition("}")[2]


def _allowed_element(el: ET.Element, in_metadata: bool) -> bool:
    if _tag(el) in _ELEMENTS or el.tag is ET.Comment:
        return True
    return in_metadata and isinstance(el.tag, str) and el.tag.partition("}")[0][1:] in _METADATA_NS


def _clean(el: ET.Element, removed: list[str], in_metadata: bool = False) -> None:
    in_metadata = in_metadata or _tag(el) == "metadata"
    for child in list(el):
        if not _allowed_element(child, in_metadata):
            el.remove(child)
            removed.append(_describe(child))
            continue
        _clean(child, removed, in_metadata)
    for name, value in list(el.attrib.items()):
        reason = _attribute_problem(name, value, in_metadata)
        if reason:
            del el.attrib[name]
            removed.append(reason)
    if _tag(el) == "style" and el.text and _css_problem(el.text):
        removed.append(f"<style>: {_css_problem(el.text)}")
        el.text = ""


def _describe(el: ET.Element) -> str:
    name = el.tag.partition("}")[2] if el.tag.startswith("{") else el.tag
    return f"<{name}>"


def _attribute_problem(name: str, value: str, in_metadata: bool) -> str | None:
    local = name.partition("}")[2] if name.startswith("{") else name
    namespace = name[1:].partition("}")[0] if name.startswith("{") else ""
    if local.lower().startswith("on"):
        return f"event handler '{local}'"
    if in_metadata and namespace in _METADATA_NS:
        return None
    if namespace == XLINK_NS and local == "href" or name == "href":
        return None if value.startswith("#") else f"link out of the document ({excerpt(value)})"
    if namespace == "http://www.w3.org/XML/1998/namespace" and local == "space":
        return None
    if namespace or local not in _ATTRIBUTES:
        return f"attribute '{local}'"
    if local == "style":
        problem = _css_problem(value)
        return f"style {excerpt(value)}: {problem}" if problem else None
    if _ANY_URL.search(value) and not _only_local_urls(value):
        return f"url() out of the document in '{local}'"
    return None


def _css_problem(css: str) -> str | None:
    if _CSS_DANGER.search(css):
        return "@import, expression(), javascript: or escapes"
    if _ANY_URL.search(css) and not _only_local_urls(css):
        return "url() out of the document"
    return None


def _only_local_urls(text: str) -> bool:
    return not _ANY_URL.search(_LOCAL_URL.sub("", text))

