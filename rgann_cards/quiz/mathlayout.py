"""Spacing and layout for textmath: marker characters, scripts, fractions' operands, aligned rows, 2-D boxes.

The renderer emits private-use marker characters where TeX would decide spacing
by context (around operator names, relations, binary operators, fractions);
``finish`` resolves them once the neighbours are known, then collapses spaces.

Two-dimensional math (matrices, cases, stacked fractions) is a *box*: lines
joined by "\n", one of them the baseline, marked by BASE at its start.
``hjoin`` sets boxes and ordinary text side by side on a common baseline,
``bracket`` draws tall brackets around a box, ``stack`` a fraction bar.
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
BASE = "\ue050"  # starts the baseline row of a 2-D box; removed when the formula is finished
STYLE_MARKS = BOLD_ON + BOLD_OFF + MARK_ON + MARK_OFF + BASE
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


def layout(rows: list[list[str]], aligned: bool = False, centred: bool = False) -> str:
    """Rows of cells as aligned lines; in 'aligned' columns alternate right/left like TeX's rl pairs,
    ``centred`` centres every column (matrices). A cell may be a 2-D box: its row grows to fit it,
    with the row's cells on one baseline."""
    grid = [[box(cell) for cell in row] for row in rows]
    columns = max((len(r) for r in grid), default=0)
    widths = [max((visible_width(line) for r in grid if k < len(r) for line in r[k][0]), default=0)
              for k in range(columns)]
    out = []
    for row in grid:
        above = max((base for _, base in row), default=0)
        below = max((len(lines) - base - 1 for lines, base in row), default=0)
        for i in range(above + below + 1):
            line = ""
            for k, (lines, base) in enumerate(row):
                at = i - (above - base)
                cell = lines[at] if 0 <= at < len(lines) else ""
                pad = widths[k] - visible_width(cell)
                if k:  # one space inside an rl pair ("a = b"), wider gaps between pairs and matrix columns
                    line += HARD if aligned and k % 2 else HARD * (3 if aligned else 2)
                if aligned and k % 2 == 0:
                    line += HARD * pad + cell
                elif centred:
                    line += HARD * (pad - pad // 2) + cell + HARD * (pad // 2)  # numbers lean right
                else:
                    line += cell + HARD * pad
            out.append(line.rstrip(" " + HARD))
    return "\n".join(out)


def _word_before(c: str | None) -> bool:
    return c is not None and (c.isalnum() or c in ")]}|‖′″*∞∂∇" or c in SCRIPT_CHARS)


def _word_after(c: str | None) -> bool:
    return c is not None and c not in SCRIPT_CHARS and (c.isalnum() or c in "∂∇√∑∏∫∞")


def finish(text: str, final: bool = True) -> str:
    """Resolve the spacing markers, then collapse runs of spaces line by line. ``final=False`` keeps the
    hard spaces that align 2-D boxes, for a result that is laid out further."""
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
    if not final:
        return "\n".join(lines).strip("\n")
    return "\n".join(line.replace(HARD, " ") for line in lines).strip("\n")


# -- 2-D boxes ------------------------------------------------------------------------------------

# (top, middle, bottom, one row) of each tall bracket; a 2-row curly brace is ⎰⎱ as in TeX's small cases
_TALL = {
    "(": ("⎛", "⎜", "⎝", "("), ")": ("⎞", "⎟", "⎠", ")"), "[": ("⎡", "⎢", "⎣", "["), "]": ("⎤", "⎥", "⎦", "]"),
    "{": ("⎧", "⎪", "⎩", "{"), "}": ("⎫", "⎪", "⎭", "}"), "|": ("│", "│", "│", "|"), "‖": ("‖", "‖", "‖", "‖"),
}


def box(text: str) -> tuple[list[str], int]:
    """The lines of ``text`` and the index of its baseline (the BASE-marked line, else the middle one)."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if line.startswith(BASE):
            lines[k] = line[1:]
            return lines, k
    return lines, (len(lines) - 1) // 2


def _boxed(lines: list[str], base: int) -> str:
    return "\n".join(BASE + line if k == base else line for k, line in enumerate(lines))


def _pad(line: str, width: int) -> str:
    return line + HARD * (width - visible_width(line))


def hjoin(parts: list[str]) -> str:
    """Concatenate renderer output; parts holding several lines are set side by side on one baseline.

    A part that is exactly "\n" (TeX's \\ outside an environment) still breaks the line.
    """
    if not any("\n" in part for part in parts):
        return "".join(parts)
    if "\n" in parts:  # line breaks first: join each line on its own
        lines, current = [], []
        for part in parts:
            if part == "\n":
                lines.append(hjoin(current))
                current = []
            else:
                current.append(part)
        return "\n".join([*lines, hjoin(current)])
    boxes: list[tuple[list[str], int]] = []
    run: list[str] = []
    for part in parts + ["\n\n"]:  # a sentinel flushes the last run
        if "\n" not in part:
            run.append(part)
            continue
        text = finish("".join(run), final=False) if run else ""
        if text:
            boxes.append(([text], 0))
        run = []
        if part != "\n\n":
            boxes.append(box(part))
    above = max(base for _, base in boxes)
    below = max(len(lines) - base - 1 for lines, base in boxes)
    rows = [""] * (above + below + 1)
    for k, (lines, base) in enumerate(boxes):
        width = max((visible_width(line) for line in lines), default=0)
        grid = [""] * (above - base) + lines + [""] * (below - (len(lines) - base - 1))
        # a multi-line box never touches its neighbours, except punctuation that follows it
        gap = HARD if k and not (len(lines) == 1 and lines[0][:1] in ",.;:)]") else ""
        rows = [row + gap + _pad(line, width) for row, line in zip(rows, grid)]
    return _boxed([row.rstrip(" " + HARD) for row in rows], above)


def bracket(block: str, left: str, right: str) -> str:
    """``block`` between brackets as tall as it is; '' for no bracket on that side."""
    lines, base = box(block)
    width = max((visible_width(line) for line in lines), default=0)
    n = len(lines)

    def glyph(kind: str, k: int) -> str:
        if not kind:
            return ""
        top, middle, bottom, single = _TALL[kind]
        if n == 1:
            return single
        if kind == "{" and n == 2:
            return "⎰⎱"[k]
        if kind == "}" and n == 2:
            return "⎱⎰"[k]
        if kind in "{}" and k == (n - 1) // 2 and n > 2:
            return "⎨" if kind == "{" else "⎬"
        return top if k == 0 else bottom if k == n - 1 else middle

    out = [glyph(left, k) + (HARD if left else "") + _pad(line, width) + (HARD + glyph(right, k) if right else "")
           for k, line in enumerate(lines)]
    return _boxed([line.rstrip(" " + HARD) if not right else line for line in out], base if n > 1 else 0)


def stack(numerator: str, denominator: str) -> str:
    """A fraction as numerator over a bar over denominator, each centred; the bar is the baseline."""
    top, _ = box(numerator)
    bottom, _ = box(denominator)
    width = max(visible_width(line) for line in top + bottom) + 2

    def centre(line: str) -> str:
        left = (width - visible_width(line)) // 2
        return HARD * left + _pad(line, width - left)

    return _boxed([centre(line) for line in top] + ["─" * width] + [centre(line) for line in bottom], len(top))
