"""What may enter a printable page: allow-listed content HTML and inlined, scoped SVG figures.

Content HTML comes from markup.render, which never passes raw HTML through.
This is the second wall: if a parser upgrade ever let ``<script>`` or
``onerror=`` slip through, nh3 (the Python binding of the Rust sanitizer
Ammonia) stops it here, because only known tags and attributes are re-emitted
and all text is escaped. The pages sanitize each fragment before its MathML is
put in (markup.render(..., sanitize=...)): the MathML is serialized from an
allow-list of its own, so re-parsing it would only cost time. ``sanitize``
still accepts MathML, for any caller that passes a finished fragment.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import nh3

from ..markup import mathml

_HTML_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "br", "hr", "blockquote", "table",
              "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "s", "sub", "sup"}
_TAGS = _HTML_TAGS | mathml.ALLOWED_TAGS | {"math"}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea",
                      "select", "svg", "title", "head"}
_ATTRS = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}, "div": {"class"}, "span": {"class"},
          "th": {"style"}, "td": {"style"}, "math": {"display", "class"},
          **{tag: set(mathml.ALLOWED_ATTRS) for tag in mathml.ALLOWED_TAGS}}
_SAFE_VALUE = {  # attribute -> values allowed, where the value itself could carry something
    "href": re.compile(r"^(https?:|mailto:|#)", re.I),
    "style": re.compile(r"^text-align:\s*(left|right|center)$"),  # markdown table alignment only
}


def _filter(tag: str, name: str, value: str) -> str | None:
    pattern = _SAFE_VALUE.get(name)
    return value if pattern is None or pattern.match(value) else None


# built once: nh3.clean would build Ammonia's allow-lists again for each of the thousands of fragments
_CLEANER = nh3.Cleaner(tags=_TAGS, clean_content_tags=_DROP_WITH_CONTENT, attributes=_ATTRS,
                       attribute_filter=_filter, url_schemes={"http", "https", "mailto"}, link_rel=None,
                       strip_comments=True)


# The characters nh3 reads or writes otherwise in text: '<' and '&' start markup, '>' and a no-break space
# are written as references, NUL is dropped, CR becomes LF, a leading BOM goes. A fragment with none of them
# is text that nh3 returns unchanged (tests/test_hostile_output.py holds this to nh3 for every character),
# so it is not parsed at all: most fields are such plain lines (3,000 of 4,000 fragments at 10k notes, 7 ms).
_NOT_PLAIN = re.compile("[<>&\0\r\xa0\ufeff]")


def sanitize(fragment: str) -> str:
    """Re-emit ``fragment`` with only allow-listed tags and attributes; all text escaped (text without
    markup or anything nh3 rewrites is returned as it is, the same string nh3 would give)."""
    if _NOT_PLAIN.search(fragment) is None:
        return fragment
    return _CLEANER.clean(fragment)


# --------------------------------------------------------------------------- SVG figures

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
_PROLOG = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>\s*)?", re.I)
_SVG_DROP = {f"{{{SVG_NS}}}{name}" for name in ("script", "foreignObject", "metadata", "iframe")}
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_HREFS = ("href", f"{{{XLINK_NS}}}href")


def inline_svg(data: bytes, prefix: str) -> str:
    """An SVG document as an inline ``<svg>``: no prolog or DOCTYPE, no scripts, ids prefixed.

    Two figures on one page (or one figure twice) would otherwise share ids such
    as ``clip0`` and clip each other; their ``<style>`` rules would also leak
    into the page, so those are scoped to the figure's own root id.
    """
    root = ET.fromstring(_PROLOG.sub(b"", data, count=1))
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError("figure is not an SVG document")
    ids = {el.get("id") for el in root.iter() if el.get("id")}

    def rename(match: re.Match) -> str:
        return f"url(#{prefix}-{match.group(1)})" if match.group(1) in ids else match.group(0)

    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in _SVG_DROP or not isinstance(child.tag, str):
                parent.remove(child)
    for el in root.iter():
        for name, value in list(el.attrib.items()):
            if name.lower().startswith("on") or (name in _HREFS and not value.startswith("#")):
                del el.attrib[name]
            elif name == "id":
                el.set(name, f"{prefix}-{value}")
            elif name in _HREFS and value[1:] in ids:
                el.set(name, f"#{prefix}-{value[1:]}")
            elif "url(" in value:
                el.set(name, _URL_REF.sub(rename, value))
        if el.tag == f"{{{SVG_NS}}}style" and el.text:
            el.text = _scope_css(_URL_REF.sub(rename, el.text), prefix)
    root.set("id", prefix)
    root.set("class", "figure-svg")
    root.attrib.pop("height", None)  # the width and the viewBox keep the aspect; CSS scales it to fit
    return ET.tostring(root, encoding="unicode")


def _scope_css(css: str, prefix: str) -> str:
    """``*{stroke: ...}`` -> ``#prefix *{stroke: ...}`` so a figure's rules stay inside the figure."""
    def scope(match: re.Match) -> str:
        selectors = ", ".join(f"#{prefix} {s.strip()}" for s in match.group(1).split(","))
        return f"{selectors} {{"
    return re.sub(r"([^{}@]+)\{", scope, css)
