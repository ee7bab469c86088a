"""Spacing and layout for textmath: marker characters, scripts, fractions' operands, aligned rows.

The renderer emits private-use marker characters where TeX would decide spacing
by context (around operator names, relations, binary operators, fractions);
``finish`` resolves them once the neighbours are known, then collapses spaces.
"""

from __future__ import annotations

import re
import unicodedata

from .symbols import BINARY, HARD, HIGH_MARKS, RELATIONS, SCRIPT_CHARS, SUBSCRIPTS, SUPERSCRIPTS

BOLD_ON, BOLD_OFF = "\ue010", "\ue011"
MARK_ON, MARK_OFF = "\ue030", "\ue031"
SOFT = "\ue040"  # a space only between two word-like characters: "P(x) log P", "log(x)"
PAD = "\ue041"   # a space around a relation unless next to a bracket or the end
BIN = "\ue042"   # brackets a binary operator: spaced, unless it is unary ("±1", "(-x")
WIDE = "\ue043"  # around a fraction: also a space next to brackets, "1/2 (a + b)", "λ/2 ‖w‖²"
STYLE_MARKS = BOLD_ON + BOLD_OFF + MARK_ON + MARK_OFF
SPACING_MARKS = SOFT + PAD + BIN + WIDE

_OPENERS = set("([{⟨⌊⌈")
_CLOSERS = set(")]}⟩⌋⌉,;.:")
_OPERATOR_CHARS = set("+-−=<>±∓·×÷/,;:|∣≈≤≥≠∈∉∼→←⇒⇐⇔⟹⟺↦⊙⊗⊕∘∗∪∩∖")
_UNARY_AFTER = _OPENERS | set("=,;:<>") | set(RELATIONS.values()) | set(BINARY.values()) | set("+-")


def strip_bold(text: str) -> str:
    return text.replace(BOLD_ON, "").replace(BOLD_OFF, "")


def visible_width(text: str) -> int:
    """Terminal columns, ignoring combining accents and private-use markers."""
    return sum(1 for c in text if c not in STYLE_MARKS and not unicodedata.combining(c))


def plain(text: str) -> str:
    return "".join(c for c in text if c not in STYLE_MARKS)


def script(text: str, sup: bool) -> str:
    body = plain(finish(text)).strip()
    if not body:
        return ""
    compact = body.replace(" ", "")
    if sup and set(compact) <= HIGH_MARKS:
        return compact
    table = SUPERSCRIPTS if sup else SUBSCRIPTS
    if all(c in table for c in compact):
        return "".join(table[c] for c in compact)
    mark = "^" if sup else "_"
    # the soft space keeps "∇_ϕ f" from reading as a subscript "ϕf"
    return (f"{mark}{body}" if visible_width(body) == 1 else f"{mark}({body})") + SOFT


def _is_token(text: str) -> bool:
    """One token reads unambiguously before or after '/': a number or a name (after an optional ∂ or ∇),
    followed only by scripts, primes, accents and bracketed arguments: 'P(x)', '∂netᵩᵗ', 'p_(data)(x)'.
    '2π' (a product) and 'a+b' are not tokens."""
    s = plain(text).strip()
    n = len(s)
    if n == 0:
        return True
    i = 1 if s[0] in "∂∇" and n > 1 else 0
    if s[i].isdigit() or s[i] == ".":
        while i < n and (s[i].isdigit() or s[i] == "."):
            i += 1
    elif s[i].isalpha() or s[i] in "∞∑∏√∂∇":
        i += 1
        while i < n and s[i].isalpha() and s[i] not in SCRIPT_CHARS:
            i += 1
    else:
        return False
    while i < n:
        c = s[i]
        if c in SCRIPT_CHARS or c in HIGH_MARKS or unicodedata.combining(c):
            i += 1
        elif c in "_^" and i + 1 < n:
            i = _skip_group(s, i + 1) if s[i + 1] == "(" else i + 2
        elif c in "([":
            i = _skip_group(s, i)
        else:
            return False
    return True


def _skip_group(s: str, i: int) -> int:
    """Index just past the bracket group opening at s[i] (or the end of s if it never closes)."""
    depth = 0
    for k in range(i, len(s)):
        if s[k] in "([{":
            depth += 1
        elif s[k] in ")]}":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(s)


def wrap(text: str) -> str:
    text = text.strip()
    return text if _is_token(text) else f"({text})"


def accent(text: str, mark: str) -> str:
    text = finish(text)
    for k in range(len(text) - 1, -1, -1):  # after the last visible character, before closing markers
        if text[k] not in STYLE_MARKS and not unicodedata.combining(text[k]):
            return text[: k + 1] + mark + text[k + 1 :]
    return text


def layout(rows: list[list[str]], aligned: bool = False) -> str:
    """Rows of cells as aligned lines; in 'aligned' columns alternate right/left like TeX's rl pairs."""
    columns = max((len(r) for r in rows), default=0)
    widths = [max((visible_width(r[k]) for r in rows if k < len(r)), default=0) for k in range(columns)]
    lines = []
    for row in rows:
        line = ""
        for k, cell in enumerate(row):
            pad = HARD * (widths[k] - visible_width(cell))
            if k:  # one space inside an rl pair ("a = b"), wider gaps between pairs and matrix columns
                line += HARD if aligned and k % 2 else HARD * (3 if aligned else 2)
            line += pad + cell if aligned and k % 2 == 0 else cell + pad
        lines.append(line.rstrip(" " + HARD))
    return "\n".join(lines)


def _word_before(c: str | None) -> bool:
    return c is not None and (c.isalnum() or c in ")]}|‖′″*∞∂∇" or c in SCRIPT_CHARS)


def _word_after(c: str | None) -> bool:
    return c is not None and c not in SCRIPT_CHARS and (c.isalnum() or c in "∂∇√∑∏∫∞")


def finish(text: str) -> str:
    """Resolve the spacing markers, then collapse runs of spaces line by line."""
    out: list[str] = []
    i, n = 0, len(text)

    def prev(skip_spaces: bool = False) -> str | None:
        for c in reversed(out):
            if c in STYLE_MARKS or unicodedata.combining(c) or (skip_spaces and c in " " + HARD):
                continue
            return c
        return None

    def following(k: int) -> str | None:
        while k < n:
            c = text[k]
            if c not in STYLE_MARKS and c not in SPACING_MARKS:
                return c
            k += 1
        return None

    while i < n:
        c = text[i]
        if c == SOFT:
            if _word_before(prev()) and _word_after(following(i + 1)):
                out.append(" ")
        elif c == WIDE:
            p, q = prev(), following(i + 1)
            if (_word_before(p) or (p or "x") in ")]‖|") and (_word_after(q) or (q or "x") in "([‖|⟨"):
                out.append(" ")
        elif c == PAD:
            p, q = prev(), following(i + 1)
            if p is not None and p not in _OPENERS and q is not None and q not in _CLOSERS:
                out.append(" ")
        elif c == BIN:
            end = text.index(BIN, i + 1)
            symbol = text[i + 1 : end]
            before, after = prev(skip_spaces=True), following(end + 1)
            if before is None or before in _UNARY_AFTER or after is None or after in _CLOSERS:
                out.append(symbol)
            else:
                out.extend([" ", symbol, " "])
            i = end
        else:
            out.append(c)
        i += 1
    lines = ("".join(out)).split("\n")
    lines = (re.sub(r" +([.,;])", r"\1", re.sub(r" {2,}", " ", line)).strip(" ") for line in lines)
    return "\n".join(line.replace(HARD, " ") for line in lines).strip("\n")
