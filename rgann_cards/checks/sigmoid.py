"""The logistic sigmoid σ(x) = 1/(1 + e^{−x}): its derivative σ(1 − σ) and the bound σ' ≤ 1/4."""

from __future__ import annotations

import sympy

from .registry import named_check
from .result import CheckResult, verdict

QUARTER = sympy.Rational(1, 4)


def claimed_derivative(s):
    """σ'(x) written through σ itself: σ(1 − σ)."""
    return s * (1 - s)


@named_check
def derivative_bound(*, derivative=None, maximum=None) -> CheckResult:
    """SymPy differentiates σ and compares with σ(1 − σ); then 1/4 − σ' = (σ − 1/2)² ≥ 0 proves σ' ≤ 1/4,
    with equality only where σ = 1/2, i.e. at x = 0.

    ``derivative(σ)`` and ``maximum`` (the claimed bound) are the formulas under test.
    """
    x = sympy.Symbol("x", real=True)
    sigma = 1 / (1 + sympy.exp(-x))
    claimed = (derivative or claimed_derivative)(sigma)
    bound = QUARTER if maximum is None else sympy.nsimplify(maximum)
    exact = sympy.diff(sigma, x)  # SymPy's own derivative of σ, not a hand-written one
    derivative_ok = sympy.simplify(exact - claimed) == 0
    # bound − σ' as a square: it can never be negative, and is zero only where σ = 1/2
    square_ok = sympy.simplify(bound - exact - (sigma - sympy.Rational(1, 2)) ** 2) == 0
    attained = sympy.simplify(exact.subs(x, 0) - bound) == 0 and sympy.solve(sympy.Eq(sigma, sympy.Rational(1, 2)), x) == [0]
    ok = derivative_ok and square_ok and attained
    return verdict(ok, f"dσ/dx − σ(1−σ) {'= 0' if derivative_ok else '≠ 0'}; "
                       f"{sympy.sstr(bound)} − σ' = (σ − 1/2)² {'holds' if square_ok else 'fails'}", "SymPy",
                   "σ' = σ(1 − σ) ≤ 1/4, with equality only at x = 0" if ok else
                   "the claimed derivative is not dσ/dx" if not derivative_ok else
                   f"σ' ≤ {sympy.sstr(bound)} with equality at x = 0 does not hold")
