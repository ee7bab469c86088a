"""What lint finds in one text field: the author's mistakes, and what the width lint needs.

``lint`` is what markup/batch.py asks of each field, from one look-up of its parse (markdown.py owns the
parses, their renderings and the per-build caches, this module what is checked in them): every formula
passes the TeX allow-list (a printed one is converted to MathML, its conversion kept for the pages), braces
balance, no dollar is left unclosed, no forbidden command stands anywhere; then the field is settled. A field
of a shape already found clean (markup/digits.py) is only settled.
"""

from __future__ import annotations

import re

from . import digits, mathml, plain
from .cloze import _CLOZE_START, _PH_OPEN, PLACEHOLDER, MarkupError
from .digits import Shape
from .markdown import _CLEAN, _PARSED, _inline_of, _parse, _Parsed, _settle, _tokens, anki_math
from .tex import forbidden, math_problems

__all__ = ["clean", "lint", "problems"]


def lint(text: str, cloze: bool = False, printed: bool = False
         ) -> tuple[list[str], list[tuple[str, int]], Shape | None]:
    """``problems``, and for a field without any its inline formulas (``inline_formulas``), after which
    it is settled (``_settle``): what markup/batch.py asks of each field, from one look-up of its parse.

    The third value is the field's shape when its lint read no digit's value: if its inline formulas fit
    too, the caller passes it to ``clean`` and the next field of that shape is only settled, from that
    field's HTML where it can be (an empty list of formulas: they were looked at in that field).
    """
    shape = None if printed else digits.shape(text, cloze)
    if shape in _CLEAN:
        if not _filled(text, cloze, _CLEAN[shape]):
            _settle(_parse(text, cloze))
        return [], [], None
    try:
        parsed = _parse(text, cloze)
    except MarkupError as exc:
        return forbidden(text) + [str(exc)], [], None
    found = _problems(text, parsed, cloze, printed)
    if found:
        return found, [], None
    inline = _inline_of(parsed)
    blind = shape is not None and _digit_blind(text, parsed)
    _settle(parsed)
    return found, inline, shape if blind else None


def clean(shape: Shape, text: str) -> None:
    """Every field of ``shape`` (from ``lint`` of ``text``) has nothing to report."""
    parsed = _PARSED.get((text, False)) if not shape[1] else None
    html = parsed.rendered.get((anki_math, None)) if parsed is not None else None
    _CLEAN[shape] = digits.template(text, html) if html is not None else None


def _filled(text: str, cloze: bool, template: list[str] | None) -> bool:
    """A field of a clean shape settled from the shape's template, without a parse (0.4 of its lint time)."""
    key = (text, cloze)
    if template is None or key in _PARSED:
        return False
    html = digits.fill(template, text)
    if html is None:
        return False
    _PARSED[key] = _Parsed(text, [], None, [], rendered={(anki_math, None): html})  # as _settle leaves it
    return True


def _digit_blind(text: str, parsed: _Parsed) -> bool:
    """Whether lint reads only which characters of this (unprinted) field are ASCII digits, never which digit.

    True of a plain line whose deletions are plain lines too: plain.split, split_clozes, the allow-list,
    the forbidden commands, brace counting and the width estimate treat every ASCII digit alike. Not of
    markdown-it's parse ("1." may start a list, "2." may not), nor of the MathML conversion of a printed
    field (a dimension or ``\\skew`` reads its number), nor of a placeholder written into the text.
    """
    return parsed.pieces is not None and parsed.displays is None and _PH_OPEN not in text and all(
        plain.split(deletion.content) is not None for deletion in parsed.clozes)


def problems(text: str, *, cloze: bool = False, printed: bool = False) -> list[str]:
    """Author mistakes in one text field, as messages (empty list when fine).

    Every formula passes the TeX allow-list; with ``printed`` (a field the HTML pages show)
    it is also converted to MathML, with its own display flag, and the conversion is kept
    for the pages.
    """
    try:
        parsed = _parse(text, cloze)
    except MarkupError as exc:
        return forbidden(text) + [str(exc)]
    return _problems(text, parsed, cloze, printed)


def _problems(text: str, parsed: _Parsed, cloze: bool, printed: bool) -> list[str]:
    found = forbidden(text)  # anywhere in the field: math, text, code, cloze hints
    if not cloze and _CLOZE_START.search(text):
        found.append("cloze deletion '{{c1::...}}' outside a 'cloze' field")
    parsed.printed |= printed
    clozes = parsed.clozes
    formulas: list[tuple[str, bool]] = []
    in_math: set[int] = set()
    decoded: list[str] = []
    for latex, display in _spans(parsed, decoded):
        if not _braces_balance(latex):
            found.append(f"unbalanced braces in math '${_clip(latex)}$'")
        if clozes:  # placeholders come only from split_clozes: content may not contain them (charset.MARKERS)
            in_math.update(int(m.group(1)) for m in PLACEHOLDER.finditer(latex))
            # a deletion inside a formula is checked as a plain group of that formula
            latex = PLACEHOLDER.sub(lambda m: "{" + clozes[int(m.group(1))].content + "}", latex)
        formulas.append((latex, display))
    # (each list is usually empty: looked at only when it is not, 41,000 times in a 10,000-note course)
    if parsed.stray:
        found.extend(f"unclosed math: stray '$' in '{_clip(t)}' (write \\$ for a dollar sign)" for t in parsed.stray)
    if decoded:
        found.extend(m for t in decoded for m in forbidden(t) if m not in found)
    if found:
        return found
    if printed:
        for latex, display in formulas:
            messages = mathml.convert(latex, display)[1]
            if messages:
                found.extend(f"{message} in math '${_clip(latex)}$'" for message in messages)
    else:
        for latex, _ in formulas:
            messages = math_problems(latex)
            if messages:
                found.extend(f"{message} in math '${_clip(latex)}$'" for message in messages)
    for index, deletion in enumerate(clozes):
        if index not in in_math:  # a deletion in running text may hold formulas of its own
            found.extend(problems(deletion.content, printed=printed))
        elif deletion.hint:  # Anki shows a hint inside the formula: it must pass as TeX too
            found.extend(f"{message} in cloze hint '{_clip(deletion.hint)}'" for message in math_problems(deletion.hint))
    return found


def _spans(parsed: _Parsed, decoded: list[str]) -> list[tuple[str, bool]]:
    """Every formula of the field with its display flag; text that holds a backslash goes to ``decoded``."""
    if parsed.pieces is not None:
        if parsed.displays is None:
            return [(latex, False) for latex in parsed.pieces[1::2]]
        return list(zip(parsed.pieces[1::2], parsed.displays))
    spans = []
    for token in _tokens(parsed):
        for child in token.children or [token]:
            if child.type.startswith("math_"):
                spans.append((child.content, child.type in ("math_block", "math_block_label", "math_inline_double")))
            elif child.type == "text" and "\\" in child.content:
                decoded.append(child.content)  # entities are decoded now: '&#92;href' reads '\\href'
    return spans


_BRACE_OR_ESCAPE = re.compile(r"(\\.)|([{}])")
_NOT_BRACE = re.compile(r"[^{}]+")


def _braces_balance(latex: str) -> bool:
    """Whether every '{' of ``latex`` is closed, in order, by a '}' (an escaped brace, ``\\{``, is neither)."""
    if "{" not in latex and "}" not in latex:
        return True
    if "\\{" not in latex and "\\}" not in latex:  # no brace is escaped: they balance if pairs cancel out
        braces = _NOT_BRACE.sub("", latex)
        while "{}" in braces:
            braces = braces.replace("{}", "")
        return not braces
    depth = 0
    for _escaped, ch in _BRACE_OR_ESCAPE.findall(latex):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
