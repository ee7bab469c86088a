"""Matrices in the expression language: what they compute, and that their size is bounded before computing."""

from __future__ import annotations

import time

import pytest
import sympy

from rgann_cards.checks.expr import ExprError, parse_expr
from rgann_cards.checks.expr_check import run_expr_check
from rgann_cards.content.model import Check

M = sympy.ImmutableMatrix


@pytest.mark.parametrize(("text", "value"), [
    ("det(Matrix([[2, 1], [1, 3]]))", 5),
    ("det([[2, 1], [1, 3]])", 5),
    ("transpose([[1, 2], [3, 4]])", M([[1, 3], [2, 4]])),
    ("trace([[1, 2], [3, 4]])", 5),
    ("inverse([[2, 1], [1, 3]])", M([[sympy.Rational(3, 5), sympy.Rational(-1, 5)],
                                     [sympy.Rational(-1, 5), sympy.Rational(2, 5)]])),
    ("rank([[1, 2], [2, 4]])", 1),
    ("eye(2)", M([[1, 0], [0, 1]])),
    ("zeros(2, 3)", M.zeros(2, 3)),
    ("zeros(2)", M.zeros(2, 2)),
    ("dot([1, 2, 3], [4, 5, 6])", 32),
    ("norm([3, 4])", 5),
    ("[1, 2, 3]", M([1, 2, 3])),  # a flat list is a column vector
    ("[[1, 2], [3, 4]] * [[1], [1]]", M([[3], [7]])),
    ("[[1, 2], [3, 4]] @ [[1], [1]]", M([[3], [7]])),
    ("2 * eye(2) - [[1, 0], [0, 1]]", M([[1, 0], [0, 1]])),
    ("[[1, 1], [0, 1]] ** 3", M([[1, 3], [0, 1]])),
    ("[[2, 0], [0, 4]] ** -1", M([[sympy.Rational(1, 2), 0], [0, sympy.Rational(1, 4)]])),
    ("[[2, 4]] / 2", M([[1, 2]])),
    ("det([[a, b], [c, d]])", sympy.Symbol("a", real=True) * sympy.Symbol("d", real=True)
     - sympy.Symbol("b", real=True) * sympy.Symbol("c", real=True)),
])
def test_matrix_functions(text, value):
    assert parse_expr(text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("eye(1000)", "eye() needs a whole size from 1 to 20, got 1000"),
    ("zeros(1000, 1000)", "zeros() needs a whole size from 1 to 20, got 1000"),
    ("eye(2.5)", "eye() needs a whole size from 1 to 20, got 2.50000000000000"),
    ("[" + ", ".join(["1"] * 21) + "]", "matrix too large: 21×1 (limit 20×20)"),
    ("[[" + ", ".join(["1"] * 21) + "]]", "matrix too large: 1×21 (limit 20×20)"),
    ("[[1, 1], [0, 1]] ** 101", "a matrix power needs a whole exponent of at most 100"),
    ("[[1, 2]] ** 2", "only square matrices have powers, not a 1×2 matrix"),
    ("det([[1, 2]])", "det() needs a square matrix, not a 1×2 one"),
    ("det(3)", "det() needs a matrix, e.g. det(Matrix([[1, 2], [3, 4]]))"),
    ("inverse([[1, 2], [2, 4]])", "inverse(): the matrix is singular (its determinant is 0)"),
    ("[[1, 2]] * [[1, 2]]", "cannot multiply a 1×2 by a 1×2 matrix"),
    ("[[1, 2]] + [[1], [2]]", "cannot add a 1×2 and a 2×1 matrix"),
    ("[[1, 2]] + 1", "cannot add a number and a matrix"),
    ("1 / [[1, 2]]", "cannot divide by a matrix (use inverse(M))"),
    ("2 @ 3", "'@' multiplies matrices; use * for numbers"),
    ("2 @ [[1]]", "'@' multiplies two matrices; use * to scale a matrix by a number"),
    ("dot([1, 2], [1, 2, 3])", "dot() needs vectors of the same length, got 2 and 3"),
    ("dot([[1, 2], [3, 4]], [1, 2])", "dot() needs vectors, not a 2×2 matrix"),
    ("sin([[1]])", "the argument of sin() must be a number, not a 1×1 matrix"),
    ("[[[1]]]", "a matrix has two dimensions at most"),
    ("[[1, 2], [3]]", "every row of a matrix needs the same number of entries"),
    ("Matrix(x)", "Matrix() takes a list of rows, e.g. Matrix([[1, 2], [3, 4]])"),
    ("[[1]] ** [[1]]", "an exponent must be a number, not a 1×1 matrix"),
])
def test_matrix_mistakes_and_sizes_are_refused_at_once(text, message):
    start = time.perf_counter()
    with pytest.raises(ExprError) as info:
        parse_expr(text)
    assert str(info.value) == message
    assert time.perf_counter() - start < 0.5


def test_a_1000_by_1000_literal_is_refused_before_parsing():
    text = "[" + ", ".join("[" + ", ".join(["0"] * 1000) + "]" for _ in range(1000)) + "]"
    start = time.perf_counter()
    with pytest.raises(ExprError, match=r"^expression too long \(\d+ characters, limit 2000\)$"):
        parse_expr(text)
    assert time.perf_counter() - start < 0.5


def _check(**fields) -> Check:
    return Check(claim="c", **fields)


def test_matrix_equality_passes_entry_by_entry():
    result = run_expr_check(_check(expr="inverse([[2, 1], [1, 3]])", equals="[[3/5, -1/5], [-1/5, 2/5]]"))
    assert (result.status, result.measured) == ("pass", "2×2 matrix, equal")
    assert run_expr_check(_check(expr="det(Matrix([[2, 1], [1, 3]]))", equals="5")).ok


def test_a_wrong_entry_fails_and_names_it():
    result = run_expr_check(_check(expr="inverse([[2, 1], [1, 3]])", equals="[[3/5, -1/5], [-1/5, 3/5]]"))
    assert result.status == "fail"
    assert result.explanation == "entry (2, 2): expr = 0.4 but equals = 0.6"
    assert run_expr_check(_check(expr="det(Matrix([[2, 1], [1, 3]]))", equals="6")).status == "fail"


def test_shapes_must_match():
    result = run_expr_check(_check(expr="eye(2)", equals="eye(3)"))
    assert (result.status, result.explanation) == ("fail", "not equal: expr is a 2×2 matrix, equals a 3×3 matrix")
    assert run_expr_check(_check(expr="eye(1)", equals="1")).status == "fail"


def test_approx_needs_a_number():
    result = run_expr_check(_check(expr="eye(2)", approx=1.0))
    assert result.status == "error"
    assert result.explanation == "'approx' needs a number, but expr is a 2×2 matrix (compare matrices with 'equals')"
