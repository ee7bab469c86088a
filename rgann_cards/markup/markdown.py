"""Markdown + $math$ -> HTML fragments. One pipeline; the math target is pluggable.

Anki gets MathJax delimiters ``\\(..\\)`` / ``\\[..\\]``; the printable HTML
will plug in a MathML renderer. Math is cut out by the markdown parser itself
(dollarmath), so Markdown never touches its inside: ``$a_1 * b_2$`` stays
intact. Raw HTML is never passed through: markdown-it runs with ``html=False``,
so ``<script>`` comes out as text.

Cloze deletions ``{{c1::...}}`` are lifted out *before* Markdown runs and put
back afterwards, because their braces collide with LaTeX braces. They are
found by brace balancing, and any ``}}`` inside is spaced out to ``} }`` so
Anki does not end the deletion early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Callable

# (latex, display) -> HTML
MathRenderer = Callable[[str, bool], str]

_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"  # private-use chars: plain text to Markdown and LaTeX
PLACEHOLDER = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")
_CLOZE_START = re.compile(r"\{\{c(\d+)::")


class MarkupError(ValueError):
    """Text that cannot be rendered, e.g. an unterminated cloze. Carries a message for the author."""


@dataclass(frozen=True)
class Cloze:
    number: int
    content: str
    hint: str | None


def anki_math(latex: str, display: bool) -> str:
    """MathJax delimiters as Anki expects them; HTML-escaped so '<' and '&' survive."""
    body = escape(latex.strip(), quote=False)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def split_clozes(text: str) -> tuple[str, list[Cloze]]:
    """Replace each ``{{cN::content[::hint]}}`` with a placeholder; braces inside content must balance."""
    out: list[str] = []
    clozes: list[Cloze] = []
    pos = 0
    while (match := _CLOZE_START.search(text, pos)) is not None:
        out.append(text[pos : match.start()])
        i, depth = match.end(), 0
        while True:
            if i >= len(text):
                snippet = text[match.start() : match.start() + 30]
                raise MarkupError(f"unterminated cloze '{snippet}...': missing '}}}}'")
            ch = text[i]
            if ch == "\\":
                i += 2  # an escaped character, e.g. \{ or \}, never counts as a brace
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    if text.startswith("}}", i):
                        break
                    raise MarkupError(f"unbalanced '}}' in cloze '{text[match.start():i + 1]}'")
                depth -= 1
            i += 1
        body = text[match.end() : i]
        content, hint = _split_hint(body)
        if not content.strip():
            raise MarkupError(f"empty cloze deletion '{text[match.start():i + 2]}'")
        out.append(f"{_PH_OPEN}{len(clozes)}{_PH_CLOSE}")
        clozes.append(Cloze(int(match.group(1)), content, hint))
        pos = i + 2
    out.append(text[pos:])
    return "".join(out), clozes


def _split_hint(body: str) -> tuple[str, str | None]:
    """``content::hint`` -> (content, hint); only a '::' at brace depth 0 separates a hint."""
    depth = 0
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and body.startswith("::", i):
            return body[:i], body[i + 2 :]
    return body, None


def _space_braces(text: str) -> str:
    """``}}`` -> ``} }`` and a trailing ``}`` -> ``} `` so the cloze's own ``}}`` stays unambiguous."""
    while "}}" in text:
        text = text.replace("}}", "} }")
    return text + " " if text.endswith("}") else text


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
    return md


def _strip_single_paragraph(html: str) -> str:
    if html.startswith("<p>") and html.endswith("</p>\n") and html.count("<p>") == 1:
        return html[3:-5]
    return html


def render(text: str, target: MathRenderer = anki_math, *, cloze: bool = False) -> str:
    """Render Markdown+math to an HTML fragment. With ``cloze=True``, keep ``{{cN::...}}`` for Anki."""
    md = _parser(target)
    if not cloze:
        return _strip_single_paragraph(md.render(text))
    body, clozes = split_clozes(text)
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

    html = _strip_single_paragraph(md.render(body, {"math": cloze_aware}))

    def text_cloze(m: re.Match) -> str:
        c = clozes[int(m.group(1))]
        content = _space_braces(_strip_single_paragraph(md.render(c.content)))
        hint = f"::{escape(c.hint, quote=False)}" if c.hint else ""
        return f"{{{{c{c.number}::{content}{hint}}}}}"

    return PLACEHOLDER.sub(text_cloze, html)


def problems(text: str, *, cloze: bool = False) -> list[str]:
    """Author mistakes in one text field, as messages (empty list when fine)."""
    found: list[str] = []
    clozes: list[Cloze] = []
    if cloze:
        try:
            text, clozes = split_clozes(text)
        except MarkupError as exc:
            return [str(exc)]
    elif _CLOZE_START.search(text):
        found.append("cloze deletion '{{c1::...}}' outside a 'cloze' field")
    formulas: list[str] = []
    in_math: set[int] = set()
    # an escaped \$ is a literal dollar sign, not a stray delimiter
    for token in _parser(anki_math).parse(text.replace("\\$", "\ue003")):
        for child in token.children or [token]:
            if child.type.startswith("math_"):
                if _brace_balance(child.content) != 0:
                    found.append(f"unbalanced braces in math '${_clip(child.content)}$'")
                in_math.update(int(m.group(1)) for m in PLACEHOLDER.finditer(child.content))
                # a deletion inside a formula is checked as a plain group of that formula
                formulas.append(PLACEHOLDER.sub(lambda m: "{" + clozes[int(m.group(1))].content + "}", child.content))
            elif child.type == "text" and "$" in child.content:
                found.append(f"unclosed math: stray '$' in '{_clip(child.content)}' (write \\$ for a dollar sign)")
    if found:
        return found
    # The printable outputs render math as MathML, which knows fewer commands than Anki's MathJax.
    from . import mathml  # latex2mathml is only needed when content is checked or printed

    for latex in formulas:
        found.extend(f"{message} in math '${_clip(latex)}$'" for message in mathml.problems(latex))
    for index, deletion in enumerate(clozes):
        if index not in in_math:  # a deletion in running text may hold formulas of its own
            found.extend(problems(deletion.content))
    return found


def _brace_balance(latex: str) -> int:
    depth = 0
    for _escaped, ch in re.findall(r"(\\.)|([{}])", latex):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return depth
    return depth


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
