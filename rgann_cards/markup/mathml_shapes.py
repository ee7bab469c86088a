"""Formulas that differ only in their numbers are converted once: ``x_{12}`` and ``x_{7}`` share a template.

A course repeats the same formula with other numbers (``\\alpha_{3}``, ``\\alpha_{4}``, ...), and
converting each anew is most of a large build's MathML time. Why one template serves them all:

- latex2mathml's tokenizer matches digits only as a class (``\\d``), never by value, so two formulas
  whose digit runs have the same lengths and places ("the same shape") give the same tokens but
  for the digits themselves;
- what reads a digit's value is rare: ``\\skew``'s width, a dimension (``2em``), a bold digit, a
  macro's ``#1`` (refused by the allow-list); elsewhere a number is copied into an ``<mn>``;
- so on a shape's second formula a probe is converted: the formula with other numbers, each
  different from the first formula's in every digit. Its MathML, cut at each ``<mn>`` that holds
  one of those numbers, is the template, used only if each number fills exactly one ``<mn>`` (none
  was split, as TeX splits ``\\frac12``, or copied) and, filled with the first formula's numbers, it
  gives that formula's MathML byte for byte. A number that went anywhere but such an ``<mn>`` (an
  attribute, a bold glyph, a computed width) would show there as a difference, since every probe
  digit differs from the first formula's. Otherwise the shape is converted formula by formula.

The allow-list (``tex.math_problems``) still reads every formula itself.
"""

from __future__ import annotations

import re
from typing import Callable

Converter = Callable[[str, bool], tuple[str, tuple[str, ...]]]
_RUN = re.compile(r"\d+(?:\.\d+)?")  # what latex2mathml reads as one number
_DIGIT = re.compile(r"\d")
_UNUSABLE = "unusable"


class Template:
    """A shape's MathML cut at its numbers: ``pieces[0] + runs[order[0]] + pieces[1] + ...``."""

    __slots__ = ("pieces", "order")

    def __init__(self, pieces: list[str], order: list[int]):
        self.pieces, self.order = pieces, order

    def fill(self, runs: list[str]) -> str:
        out = [self.pieces[0]]
        for index, piece in zip(self.order, self.pieces[1:]):
            out.append(f"<mn>{runs[index]}</mn>")
            out.append(piece)
        return "".join(out)


class Shapes:
    """``convert(latex, display)`` through ``converter``, once per shape where the probe shows that gives the same result."""

    def __init__(self, converter: Converter, problems: Callable[[str], list[str]]):
        self._converter = converter
        self._problems = problems
        # shape -> the first formula's (runs, result), a Template, or _UNUSABLE
        self._seen: dict[tuple[str, bool], object] = {}

    def clear(self) -> None:
        self._seen.clear()

    def convert(self, latex: str, display: bool) -> tuple[str, tuple[str, ...]]:
        runs = _RUN.findall(latex)
        if not runs:
            return self._converter(latex, display)
        key = (_shape(latex), display)
        entry = self._seen.get(key)
        if entry is None:
            result = self._converter(latex, display)
            self._seen[key] = (runs, result) if not result[1] else _UNUSABLE
            return result
        if entry is _UNUSABLE:
            return self._converter(latex, display)
        found = self._problems(latex)
        if found:
            return "", tuple(found)
        if type(entry) is tuple:
            entry = self._seen[key] = self._template(latex, display, *entry) or _UNUSABLE
            if entry is _UNUSABLE:
                return self._converter(latex, display)
        return entry.fill(runs), ()

    def _template(self, latex: str, display: bool, first_runs: list[str], first) -> Template | None:
        markers = _markers(first_runs)
        if markers is None:
            return None
        spans = iter(markers)
        probe = self._converter(_RUN.sub(lambda _: next(spans), latex), display)
        if probe[1]:
            return None
        where = {marker: index for index, marker in enumerate(markers)}
        parts = re.split("<mn>(" + "|".join(map(re.escape, markers)) + ")</mn>", probe[0])
        order = [where[marker] for marker in parts[1::2]]
        if sorted(order) != list(range(len(markers))):  # each number in exactly one <mn>: none split, none copied
            return None
        template = Template(parts[::2], order)
        return template if template.fill(first_runs) == first[0] else None


def _shape(latex: str) -> str:
    """Each run's digits 0 (every digit is in a run: one substitution, no call per run; 3x faster)."""
    return _DIGIT.sub("0", latex)


def _zeros(match: re.Match) -> str:
    """What _shape does to one run (tests hold _shape to replacing every run by it)."""
    return re.sub(r"\d", "0", match.group())


def _markers(runs: list[str]) -> list[str] | None:
    """Other numbers of the same shapes, all different, each unlike the run it stands for in every
    digit; None if there are too few. Every digit, because TeX may read a run as several numbers
    (``\\frac12`` is ``\\frac{1}{2}``): a probe digit left in the template must differ from the
    first formula's digit there, or the check against the first formula could not see it."""
    used: set[str] = set()
    markers = []
    for run in runs:
        for shift in range(1, 10):  # every digit moved by the same 1..9: all differ from the run's
            candidate = "".join(c if c == "." else str((int(c) + shift) % 10) for c in run)
            if candidate not in used:
                break
        else:
            return None
        used.add(candidate)
        markers.append(candidate)
    return markers
