"""Expression checks: ``expr`` equals another expression exactly, or approximates a number.

"Equal" means SymPy *proves* the difference is zero. Agreeing to 30 digits is
not a proof, so such a check fails and says it could not decide: a check that
passes must never rest on a numerical coincidence.
"""

from __future__ import annotations

import dataclasses
import math
import random

import mpmath
import sympy

from .expr import ExprError, parse_expr
from .result import CheckResult, failed, passed, verdict

METHOD = "SymPy"
DEFAULT_TOL = 1e-9
DIGITS = 30
_PROBES = 5


def run_expr_check(check) -> CheckResult:
    """Run an ``expr`` check (``equals`` or ``approx``); ExprError becomes status "error"."""
    exact = check.equals is not None  # decimals in an exact comparison mean exact decimals: 0.1 + 0.2 = 0.3
    try:
        lhs = parse_expr(check.expr, exact_decimals=exact)
        rhs = None
        if exact:
            rhs = sympy.Integer(check.equals) if isinstance(check.equals, int) else _parse_field(check.equals)
    except ExprError as exc:
        return CheckResult("error", "", METHOD, str(exc))
    if rhs is not None:
        if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
            return _check_matrix_equals(lhs, rhs)
        return _check_equals(lhs, rhs)
    if isinstance(lhs, sympy.MatrixBase):
        return CheckResult("error", "", METHOD, f"'approx' needs a number, but expr is a {lhs.rows}×{lhs.cols} "
                                                "matrix (compare matrices with 'equals')")
    return _check_approx(lhs, check.approx, check.tol if check.tol is not None else DEFAULT_TOL)


def _parse_field(text: str) -> sympy.Expr:
    try:
        return parse_expr(text, exact_decimals=True)
    except ExprError as exc:
        raise ExprError(f"in 'equals': {exc}") from None


def _check_equals(lhs: sympy.Expr, rhs: sympy.Expr) -> CheckResult:
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    # Show the simpler side: evaluating -log(4) + 2*log(2) gives rounding noise, its equal "0" does not.
    simpler = min((lhs, rhs), key=sympy.count_ops)
    measured = "identity" if symbols else _fmt(simpler)
    zero, difference = (True, sympy.Integer(0)) if lhs == rhs else _zero(lhs - rhs)
    if zero:
        return passed(measured, METHOD, "SymPy simplifies expr - equals to 0")
    if not symbols:
        left, right = lhs.evalf(DIGITS), rhs.evalf(DIGITS)
        if _numerically_different(left, right):
            digits = _distinguishing_digits(left, right)
            return failed(f"{_fmt(left, max(6, digits))} vs {_fmt(right, max(6, digits))}", METHOD,
                          f"expr = {_fmt(left, max(12, digits))} but equals = {_fmt(right, max(12, digits))}")
        if zero is False:
            return failed(f"difference {_fmt(difference.evalf(DIGITS), 3)}", METHOD,
                          f"not equal: expr - equals = {_short(difference)}")
        return failed(measured, METHOD, f"undecidable: both sides agree to {DIGITS} digits, "
                                        "but SymPy could not prove them equal")
    # Free symbols: look for a point where the two sides visibly differ.
    rng = random.Random(0)  # fixed, so the reported point is reproducible
    for _ in range(_PROBES):
        point = {s: sympy.Rational(rng.randint(11, 299), 100) for s in symbols}
        left, right = lhs.subs(point).evalf(DIGITS), rhs.subs(point).evalf(DIGITS)
        if _numerically_different(left, right):
            where = ", ".join(f"{s}={v}" for s, v in point.items())
            return failed(f"{_fmt(left)} vs {_fmt(right)}", METHOD,
                          f"not equal: at {where}, expr = {_fmt(left, 12)} but equals = {_fmt(right, 12)}")
    if zero is False:
        return failed("not equal", METHOD, f"not equal: expr - equals = {_short(difference)}")
    return failed("undecided", METHOD, f"undecidable: SymPy could not prove expr = equals, and they agree "
                                       f"at {_PROBES} random points")


def _check_matrix_equals(lhs, rhs) -> CheckResult:
    """Matrices are equal when their shapes match and SymPy proves every entry of the difference zero."""
    def shape(m) -> str:
        return f"{m.rows}×{m.cols} matrix" if isinstance(m, sympy.MatrixBase) else "number"

    if shape(lhs) != shape(rhs):
        return failed(f"{shape(lhs)} vs {shape(rhs)}", METHOD, f"not equal: expr is a {shape(lhs)}, equals a {shape(rhs)}")
    for index, (left, right) in enumerate(zip(lhs, rhs)):
        result = _check_equals(left, right)
        if result.status != "pass":
            row, col = divmod(index, lhs.cols)
            return dataclasses.replace(result, explanation=f"entry ({row + 1}, {col + 1}): {result.explanation}")
    return passed(f"{shape(lhs)}, equal", METHOD, "SymPy proves every entry of expr - equals to be 0")


def _zero(diff: sympy.Expr) -> tuple[bool | None, sympy.Expr]:
    """(True, 0) if SymPy proves diff = 0, (False, simplified) if it proves diff ≠ 0, (None, diff) if unsure."""
    # Cheapest first; expanding logs catches log(6) = log(2) + log(3), which simplify alone may miss.
    candidates = [diff, sympy.expand_log(_split_integer_logs(diff), force=True)]
    # Most true identities are polynomial in logs and powers: expanding already gives 0, an exact
    # proof, at a fraction of simplify's cost. Anything else goes on to simplify as before.
    for candidate in (*candidates, sympy.expand(candidates[1])):
        if candidate == 0:
            return True, candidate
    for candidate in candidates:
        simplified = candidate if candidate == 0 else sympy.simplify(candidate)
        if simplified == 0:
            return True, simplified
        if simplified.is_zero is False:
            return False, simplified
    return None, diff


def _split_integer_logs(expr: sympy.Expr) -> sympy.Expr:
    """log(10) -> log(2) + log(5): SymPy's expand_log does not factor integers, so equal logs look different."""
    def is_rational_log(e: sympy.Basic) -> bool:
        if not isinstance(e, sympy.log) or len(e.args) != 1:
            return False
        arg = e.args[0]
        # Factoring is only cheap for small numbers; larger ones are left as they are.
        return arg.is_Rational and arg.is_positive and max(arg.p, arg.q) < 10**20

    def split(e: sympy.log) -> sympy.Expr:
        arg = e.args[0]
        terms = [k * sympy.log(p) for p, k in sympy.factorint(arg.p).items()]
        terms += [-k * sympy.log(p) for p, k in sympy.factorint(arg.q).items()]
        return sympy.Add(*terms)

    return expr.replace(is_rational_log, split)


def _numerically_different(left: sympy.Expr, right: sympy.Expr) -> bool:
    if not (left.is_Number and right.is_Number):
        try:
            return abs(complex(left) - complex(right)) > 1e-20 * max(1.0, abs(complex(left)))
        except (TypeError, ValueError):
            return False
    scale = max(sympy.Integer(1), abs(left), abs(right))
    return bool(abs(left - right) > scale * sympy.Float(10) ** (-(DIGITS - 5)))


def _check_approx(lhs: sympy.Expr, target: float, tol: float) -> CheckResult:
    if lhs.free_symbols:
        names = ", ".join(sorted(str(s) for s in lhs.free_symbols))
        return CheckResult("error", "", METHOD, f"'approx' needs a number, but expr has free symbols: {names}")
    value = lhs.evalf(DIGITS)
    real, imag = value.as_real_imag()
    if not (real.is_Number and real.is_finite) or abs(imag) > tol:
        return failed(_fmt(value), METHOD, f"expr evaluates to {_fmt(value)}, not a finite real number")
    error = float(abs(real - sympy.Float(target, DIGITS)))
    ok = error <= tol
    text = f"value {_fmt(real, 12)} is {'within' if ok else 'not within'} {tol:g} of {target!r}"
    return verdict(ok, _fmt(real), METHOD, text if ok else f"{text} (off by {error:.2g})")


def _distinguishing_digits(left: sympy.Expr, right: sympy.Expr) -> int:
    """How many significant digits show that two close numbers differ (at most DIGITS)."""
    try:
        scale, gap = max(abs(complex(left)), abs(complex(right))), abs(complex(left - right))
    except (TypeError, ValueError):
        return 6
    if gap == 0 or scale == 0:
        return 6
    return min(DIGITS, max(1, math.ceil(math.log10(scale / gap))) + 2)


def _short(value: sympy.Expr) -> str:
    text = sympy.sstr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fmt(value: sympy.Expr, digits: int = 6) -> str:
    """``digits`` significant digits, computed by SymPy (a float() round trip would add binary noise)."""
    if value.is_Integer and abs(value) < 10**15:
        return str(value)
    value = sympy.N(value, max(digits + 5, 15))
    real, imag = value.as_real_imag()
    if not (real.is_Number and imag.is_Number and real.is_finite and imag.is_finite):
        return sympy.sstr(value)

    def text(part: sympy.Expr) -> str:
        if part == 0:
            return "0"
        with mpmath.workdps(digits + 5):
            return mpmath.nstr(mpmath.mpf(str(part)), digits)

    return text(real) if imag == 0 else f"{text(real)}{'+' if imag > 0 else '-'}{text(abs(imag))}i"
