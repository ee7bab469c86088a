"""Expression checks: exact equality must be proven; approx compares with a tolerance."""

from __future__ import annotations

import pytest

from rgann_cards.checks.expr_check import run_expr_check
from rgann_cards.content.model import Check

KL_PQ = "3/10*log(3/5) + 7/10*log(7/5)"


def check(**fields) -> Check:
    return Check(claim="a claim", **fields)


@pytest.mark.parametrize(("expr", "equals"), [
    (KL_PQ, "log(2) + 3/10*log(3/10) + 7/10*log(7/10)"),  # the documented example
    ("sin(x)**2 + cos(x)**2", 1),
    ("log(x*y)", "log(x) + log(y)"),
    ("sqrt(8)", "2*sqrt(2)"),
    ("0.3", "3/10"),
    ("-log(4)", "log(1/2) + log(1/2)"),
    ("(x + 1)**2", "x**2 + 2*x + 1"),
    ("oo", "oo"),
])
def test_equal_expressions_pass(expr, equals):
    result = run_expr_check(check(expr=expr, equals=equals))
    assert result.status == "pass", result
    assert result.method == "SymPy"


def test_different_numbers_fail_with_both_values():
    result = run_expr_check(check(expr=KL_PQ, equals="1/2*log(25/21)"))
    assert result.status == "fail"
    assert result.measured == "0.0822829 vs 0.0871767"
    assert result.explanation == "expr = 0.0822828785051 but equals = 0.0871766935724"


def test_different_identities_fail_at_a_point():
    result = run_expr_check(check(expr="(x + 1)**2", equals="x**2 + 2*x + 2"))
    assert result.status == "fail"
    assert result.explanation.startswith("not equal: at x=")


def test_numerically_equal_but_unproven_is_not_a_pass():
    # A true identity (Euler's arctangent formula) that SymPy cannot prove: agreeing to 30 digits is no proof.
    result = run_expr_check(check(expr="atan(1/2) + atan(1/3)", equals="pi/4"))
    assert result.status == "fail"
    assert result.explanation == "undecidable: both sides agree to 30 digits, but SymPy could not prove them equal"


def test_a_difference_beyond_30_digits_is_still_caught():
    result = run_expr_check(check(expr="pi", equals="pi + 10**-40"))
    assert result.status == "fail"
    assert result.explanation == "not equal: expr - equals = -1/10000000000000000000000000000000000000000"


def test_decimals_in_equals_are_exact():
    assert run_expr_check(check(expr="0.1 + 0.2", equals="0.3")).status == "pass"
    result = run_expr_check(check(expr="1/3", equals="0.333333333333333"))
    assert result.status == "fail"
    assert result.measured == "0.33333333333333333 vs 0.333333333333333"


def test_approx_within_tolerance():
    result = run_expr_check(check(expr=KL_PQ, approx=0.0822826, tol=1e-6))
    assert result.status == "pass"
    assert result.measured == "0.0822829"


def test_approx_uses_default_tolerance_1e_9():
    assert run_expr_check(check(expr=KL_PQ, approx=0.0822828785)).status == "pass"
    result = run_expr_check(check(expr=KL_PQ, approx=0.0822826))
    assert result.status == "fail"
    assert result.explanation == "value 0.0822828785051 is not within 1e-09 of 0.0822826 (off by 2.8e-07)"


def test_approx_of_a_complex_value_fails():
    result = run_expr_check(check(expr="log(-2)", approx=0.69))
    assert result.status == "fail"
    assert result.explanation == "expr evaluates to 0.693147+3.14159i, not a finite real number"


def test_approx_with_free_symbols_is_an_error():
    result = run_expr_check(check(expr="x + 1", approx=1.0))
    assert result.status == "error"
    assert result.explanation == "'approx' needs a number, but expr has free symbols: x"


def test_parse_errors_are_errors_with_the_message():
    result = run_expr_check(check(expr="x.y", approx=1.0))
    assert (result.status, result.explanation) == ("error", "attribute access is not allowed")
    result = run_expr_check(check(expr="1", equals="open('f')"))
    assert (result.status, result.explanation) == ("error", "in 'equals': function 'open' is not allowed")
