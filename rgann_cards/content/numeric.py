"""Typed numeric answers: ``answer_value`` with a tolerance ``tol`` and an optional ``unit``.

Rules (checked at lint, so a bad value never reaches a student):
- ``answer_value`` and ``tol`` come together, and ``unit`` only with them;
- both are finite (no .nan or .inf: an infinite tolerance would accept every
  answer, and NaN would accept none);
- ``tol`` is positive and at most MAX_RELATIVE_TOL times the value's size (or
  MAX_RELATIVE_TOL itself for a value of 0), so the check cannot be vacuous.

``accepts`` is the grading rule the quiz uses: |typed - value| <= tol.
"""

from __future__ import annotations

import math

MAX_RELATIVE_TOL = 0.5


def check_numeric(value: float | None, tol: float | None, unit: str | None) -> None:
    """ValueError (a located problem at lint) if the numeric answer fields break a rule above."""
    if value is None:
        if tol is not None or unit is not None:
            raise ValueError("'tol' and 'unit' need an 'answer_value'")
        return
    if tol is None:
        raise ValueError("'answer_value' needs a 'tol' (the accepted absolute error, e.g. 1e-3)")
    if isinstance(value, bool) or isinstance(tol, bool):
        raise ValueError("'answer_value' and 'tol' must be numbers")
    if not math.isfinite(value) or not math.isfinite(tol):
        raise ValueError("'answer_value' and 'tol' must be finite numbers (no .nan or .inf)")
    bound = MAX_RELATIVE_TOL * (abs(value) or 1.0)
    if not 0 < tol <= bound:
        raise ValueError(f"'tol' must be positive and at most {bound:g} ({MAX_RELATIVE_TOL:g} times the value), "
                         f"got {tol:g}")


def accepts(value: float, tol: float, typed: float) -> bool:
    """Whether a typed number is right: within ``tol`` of the answer (a little slack for float rounding)."""
    return math.isfinite(typed) and abs(typed - value) <= tol * (1 + 1e-9)


def describe(value: float, tol: float, unit: str | None) -> str:
    """'0.0823 nats (± 0.0005)': how every output shows the answer."""
    return f"{value:g}{f' {unit}' if unit else ''} (± {tol:g})"


def with_answer(text: str, value: float | None, tol: float | None, unit: str | None,
                label: str = "Numeric answer") -> str:
    """``text`` (Markdown) followed by the numeric answer, for outputs that show it on the back.

    ``label`` is the course's UI word for it (the catalogue's ``numeric_answer``).
    """
    if value is None or tol is None:
        return text
    return f"{text.rstrip()}\n\n**{label}:** {describe(value, tol, unit)}"
