"""Markdown + $math$ -> HTML fragments. One pipeline; the math target is pluggable.

Anki gets MathJax delimiters ``\\(..\\)`` / ``\\[..\\]``; the printable HTML
will plug in a MathML renderer. Math is cut out by the markdown parser itself
(dollarmath), so Markdown never touches its inside: ``$a_1 * b_2$`` stays
intact. Raw HTML is never passed through: markdown-it runs with ``html=False``,
so ``<script>`` comes out as text.

Cloze deletions ``{{c1::...}}`` are lifted out *before* Markdown runs (cloze.py)
and put back afterwards, because their braces collide with LaTeX braces.

Each field is parsed once per build and each target renders the same tokens;
plain texts (a line, or lines and display formulas between blank lines) skip the parser (plain.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Callable

from . import mathml, plain  # mathml imports latex2mathml only once it converts
from .cloze import PLACEHOLDER, Cloze, MarkupError, _space_braces, split_clozes
from .digits import Shape
from .tex import literal

__all__ = ["PLACEHOLDER", "Cloze", "MarkupError", "MathRenderer", "anki_math", "dialect", "forget",
           "inline_formulas", "render", "split_clozes"]

# (latex, display) -> HTML
MathRenderer = Callable[[str, bool], str]

def anki_math(latex: str, display: bool) -> str:
    """MathJax delimiters as Anki expects them; HTML-escaped so '<' and '&' survive."""
    body = escape(latex.strip(), quote=False)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def dialect():
    """A new parser for the content's Markdown dialect; every output (and the terminal quiz) reads with it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # Images are files under content/media/ only: lint refuses anything else, and an image that points
    # elsewhere is never emitted as <img> (it would be fetched from the network); each export puts the file in.
    md.add_render_rule("image", _image)
    # pandoc rules: no space inside the $ delimiters, no digit after the closing one
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True)
    return md


def _image(self, tokens, idx, options, env):
    from ..content.media import MediaError, check_ref

    token = tokens[idx]
    alt = escape("".join(child.content for child in token.children or []), quote=True)
    src = token.attrGet("src") or ""
    try:
        check_ref(src)
    except MediaError:
        return alt
    return f'<img src="{escape(src, quote=True)}" alt="{alt}">'


@lru_cache(maxsize=None)
def _parser(target: MathRenderer):
    md = dialect()  # its own instance: the render rules below are specific to this target

    # A render may pass its own math renderer in env (the cloze-aware one of render()); the
    # parser itself stays one cached instance per target.
    def inline(self, tokens, idx, options, env):
        return env.get("math", target)(tokens[idx].content, False)

    def block(self, tokens, idx, options, env):
        return f'<div class="math-display">{env.get("math", target)(tokens[idx].content, True)}</div>\n'

    def inline_display(self, tokens, idx, options, env):
        return env.get("math", target)(tokens[idx].content, True)

    md.add_render_rule("math_inline", inline)
    md.add_render_rule("math_inline_double", inline_display)
    md.add_render_rule("math_block", block)
    md.add_render_rule("math_block_label", block)
    if target is anki_math:  # Anki's MathJax must not typeset a delimiter written as text (tex.literal)
        for name in ("text", "code_inline", "code_block", "fence"):
            default = md.renderer.rules[name]
            md.add_render_rule(name, lambda self, tokens, idx, options, env, default=default:
                               literal(default(tokens, idx, options, env)))
    md.core.ruler.before("text_join", "stray_dollars", _note_stray_dollars)
    return md


def _note_stray_dollars(state) -> None:
    """Before escapes merge into the text: a '$' left in plain text opened no math (a ``\\$`` is not one)."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text" and "$" in child.content:
                state.env.setdefault("stray", []).append(child.content)


def _strip_single_paragraph(html: str) -> str:
    if html.startswith("<p>") and html.endswith("</p>\n") and html.count("<p>") == 1:
        return html[3:-5]
    return html


@dataclass
class _Parsed:
    """One text field, parsed once per build; each target renders the same tokens (and caches the result)."""

    body: str
    clozes: list[Cloze]
    tokens: list | None  # dropped, with pieces and inline, once a field only Anki shows is settled (memory)
    stray: list[str]
    pieces: list[str] | None = None  # a plain line (plain.split): text and formulas, no tokens needed
    displays: list[bool] | None = None  # plain blocks (plain.blocks): which of the pieces' formulas are display
    inline: list[tuple[str, int]] | None = None  # a parsed field's inline formulas and their list depth
    printed: bool = False
    rendered: dict = field(default_factory=dict)


# (text, cloze) -> _Parsed: every field is parsed once per build (lint, then every output).
# No cap: forget() empties it when the next course is loaded.
_PARSED: dict[tuple[str, bool], _Parsed] = {}
# (text, cloze) -> Anki HTML of a field no page prints, linted by another process (adopt_parses):
# its Anki HTML is all this process will ask of it.
_ANKI_ONLY: dict[tuple[str, bool], str] = {}


def forget() -> None:
    """Drop the parses and conversions of the previous build."""
    _PARSED.clear()
    _ANKI_ONLY.clear()
    _CLEAN.clear()
    mathml.forget()


def _parse(text: str, cloze: bool) -> _Parsed:
    key = (text, cloze)
    parsed = _PARSED.get(key)
    if parsed is None:
        body, clozes = split_clozes(text) if cloze else (text, [])  # MarkupError: not cached, raised each time
        pieces, displays = plain.split(body), None
        if pieces is None and (found := plain.blocks(body)) is not None:
            pieces, displays = found
        if pieces is not None:
            parsed = _PARSED[key] = _Parsed(body, clozes, None, [], pieces=pieces, displays=displays)
        else:
            env: dict = {}
            tokens = _parser(anki_math).parse(body, env)
            parsed = _PARSED[key] = _Parsed(body, clozes, tokens, env.get("stray", []), inline=_inline(tokens))
    return parsed


_LIST_DEPTH = {"bullet_list_open": 1, "ordered_list_open": 1, "bullet_list_close": -1, "ordered_list_close": -1}


def _inline(tokens: list) -> list[tuple[str, int]]:
    """Each inline formula with the depth of the lists around it (a list item has less room)."""
    found, depth = [], 0
    for token in tokens:
        depth += _LIST_DEPTH.get(token.type, 0)
        found.extend((child.content, depth) for child in token.children or () if child.type == "math_inline")
    return found


def inline_formulas(text: str, *, cloze: bool = False) -> list[tuple[str, int]]:
    """The field's inline formulas (``$...$``), each with its list depth; from this build's parse."""
    return _inline_of(_parse(text, cloze))


def _inline_of(parsed: _Parsed) -> list[tuple[str, int]]:
    if parsed.pieces is not None:
        if parsed.displays is None:
            return [(latex, 0) for latex in parsed.pieces[1::2]]
        return [(latex, 0) for latex, display in zip(parsed.pieces[1::2], parsed.displays) if not display]
    if parsed.inline is None:  # settled since: parse it again
        parsed.inline = _inline(_tokens(parsed))
    return parsed.inline


def _settle(parsed: _Parsed) -> None:
    """Linting is done: the field gets its Anki HTML now, and one that no page prints lets its parse go.

    So the Anki HTML is made where the lint runs (on both cores, markup/batch.py), and a large
    course never holds the tokens of every field at once (peak memory at 10k notes).
    """
    _rendered(parsed, anki_math, None)
    if not parsed.printed:
        parsed.tokens = parsed.pieces = parsed.displays = parsed.inline = None


# Shapes of fields that lint found clean (too_wide included) and whose lint read no digit's value
# (field_lint._digit_blind),
# each with its Anki HTML cut at the digits (digits.template; None for a cloze field): every field of such a
# shape is clean too, and its HTML that HTML with its own digits.
_CLEAN: dict[Shape, list[str] | None] = {}


def parses_since(before: set) -> list[tuple]:
    """This build's parses not in ``before``, as plain tuples (cheap to pickle): what another
    process needs to render them (markdown-it tokens are left out: large to send, cheap to re-make).
    A field no page prints sends only its Anki HTML, the one thing asked of it later."""
    return [(key, p.rendered[(anki_math, None)]) if not p.printed and (anki_math, None) in p.rendered else
            (key, p.body, [(c.number, c.content, c.hint) for c in p.clozes], p.stray, p.pieces, p.displays,
             p.printed, p.rendered.get((anki_math, None))) for key, p in _PARSED.items() if key not in before]


def adopt_parses(rows: list[tuple]) -> None:
    """Parses made by another process (``parses_since``) join this one's, as if made here."""
    for row in rows:
        if len(row) == 2:
            key, anki_html = row
            here = _PARSED.get(key)
            if here is None:
                _ANKI_ONLY.setdefault(key, anki_html)
            else:
                here.rendered.setdefault((anki_math, None), anki_html)
            continue
        key, body, clozes, stray, pieces, displays, printed, anki_html = row
        here = _PARSED.get(key)
        if here is None:
            here = _PARSED[key] = _Parsed(body, [Cloze(*c) for c in clozes], None, stray, pieces=pieces,
                                          displays=displays)
        here.printed |= printed  # the same text may be printed here and shown only in Anki there
        if anki_html is not None:
            here.rendered.setdefault((anki_math, None), anki_html)


def _tokens(parsed: _Parsed) -> list:
    if parsed.tokens is None and parsed.pieces is None:  # asked again after its Anki HTML was made
        parsed.tokens = _parser(anki_math).parse(parsed.body)
    return parsed.tokens


def _fragment(parsed: _Parsed, target: MathRenderer, env: dict) -> str:
    """The tokens rendered for ``target`` (or the plain line's pieces joined), a lone paragraph unwrapped."""
    if parsed.pieces is not None:  # plain text needs no escaping, and no delimiter can hide in it
        math = env.get("math", target)
        out = parsed.pieces[:]
        if parsed.displays is None:
            out[1::2] = [math(latex, False) for latex in out[1::2]]  # a slice, not a generator: 1 us less a field
            return "".join(out)
        out[1::2] = [math(latex, display) for latex, display in zip(out[1::2], parsed.displays)]
        return _strip_single_paragraph("".join(out))
    md = _parser(target)
    return _strip_single_paragraph(md.renderer.render(_tokens(parsed), md.options, env))


def render(text: str, target: MathRenderer = anki_math, *, cloze: bool = False,
           sanitize: Callable[[str], str] | None = None) -> str:
    """Render Markdown+math to an HTML fragment. With ``cloze=True``, keep ``{{cN::...}}`` for Anki.

    With ``sanitize``, the fragment is sanitized before the math is inserted (the math renderer
    builds its output from an allow-list; re-parsing it would be wasted work).
    """
    if target is anki_math and sanitize is None:
        html = _ANKI_ONLY.get((text, cloze))
        if html is not None:
            return html
    return _rendered(_parse(text, cloze), target, sanitize)


def _rendered(parsed: _Parsed, target: MathRenderer, sanitize: Callable[[str], str] | None) -> str:
    """The field rendered for ``target``, once per build."""
    key = (target, sanitize)
    if key not in parsed.rendered:
        parsed.rendered[key] = _render(parsed, target, sanitize)
    return parsed.rendered[key]


_MATH_MARK = re.compile("\ue004(\\d+)\ue005")


def _render(parsed: _Parsed, target: MathRenderer, sanitize: Callable[[str], str] | None) -> str:
    formulas: list[tuple[str, bool]] = []
    if sanitize is not None:
        def mark(latex: str, display: bool) -> str:
            formulas.append((latex, display))
            return f"\ue004{len(formulas) - 1}\ue005"

        html = sanitize(_fragment(parsed, target, {"math": mark}))
        return _MATH_MARK.sub(lambda m: target(*formulas[int(m.group(1))]), html)
    if not parsed.clozes:
        return _fragment(parsed, target, {})
    clozes = parsed.clozes
    # A placeholder inside math is re-inserted as raw (escaped) LaTeX by a math
    # renderer that knows about clozes; one in running text as rendered Markdown.
    def cloze_aware(latex: str, display: bool) -> str:
        def put_back(m: re.Match) -> str:
            c = clozes[int(m.group(1))]
            hint = f"::{_space_braces(c.hint)}" if c.hint else ""
            return f"{{{{c{c.number}::{_space_braces(c.content)}{hint}}}}}"

        rendered = target(PLACEHOLDER.sub("\ue002", latex), display)
        # the renderer escaped the LaTeX; substitute the (escaped) cloze text in order
        pieces = iter(PLACEHOLDER.finditer(latex))
        return re.sub("\ue002", lambda _: escape(put_back(next(pieces)), quote=False), rendered)

    html = _fragment(parsed, target, {"math": cloze_aware})
    text_hint = literal if target is anki_math else (lambda s: s)

    def text_cloze(m: re.Match) -> str:
        c = clozes[int(m.group(1))]
        content = _space_braces(render(c.content, target))
        hint = f"::{text_hint(escape(c.hint, quote=False))}" if c.hint else ""
        return f"{{{{c{c.number}::{content}{hint}}}}}"

    return PLACEHOLDER.sub(text_cloze, html)
