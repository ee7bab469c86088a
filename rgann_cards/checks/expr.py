"""The safe expression language of checks: numbers, names, + - * / ** @, allow-listed SymPy functions, matrices.

The text goes through Python's parser only to get a syntax tree. The tree is
checked against an allow-list (``expr_syntax``, which lint also runs) and SymPy
objects are built node by node, so
content never reaches ``eval``, ``sympify`` or SymPy's own parser (all of which
evaluate arbitrary Python). SymPy evaluates numeric powers, factorials and
binomials eagerly, so their sizes are bounded before it is asked to, and every
intermediate number is bounded too.
"""

from __future__ import annotations

import ast
import contextvars
import math
import sympy

from .expr_syntax import CHAINS, MAX_MATRIX_SIDE, ExprError, check_syntax, matrix_shape

MAX_EXPONENT = 10_000
MAX_MATRIX_EXPONENT = 100  # M**k with M up to 20x20: k multiplications at most
# About 4,200 digits: more than any exam number, instant to compute, and below Python's
# 4,300-digit limit for printing an int, so every number can still appear in a message.
MAX_BITS = 14_000
MAX_LITERAL_DIGITS = 100
MAX_ARGUMENT = 10_000  # factorial(10**6) alone takes seconds
MAX_PRODUCT = 50  # binomial(pi, k) is expanded into a k-fold product on the spot

_FLOAT_LIMIT = sympy.Float(2) ** MAX_BITS
_UNDEFINED = "expression is undefined (a division by zero, 0/0, oo - oo or similar)"
_EXACT_DECIMALS = contextvars.ContextVar("exact_decimals", default=False)

_SCALAR = {
    "log": sympy.log, "exp": sympy.exp, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "atan": sympy.atan,
    "asin": sympy.asin, "acos": sympy.acos, "Abs": sympy.Abs, "Rational": sympy.Rational,
    "factorial": sympy.factorial, "binomial": sympy.binomial, "erf": sympy.erf, "gamma": sympy.gamma,
    "Min": sympy.Min, "Max": sympy.Max, "floor": sympy.floor, "ceiling": sympy.ceiling,
}
_BOUNDED_ARGUMENTS = {"factorial", "binomial", "gamma"}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E, "oo": sympy.oo}
_APPLY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,  # Integer / Integer is an exact Rational
    ast.MatMult: lambda a, b: a * b,
}


def parse_expr(text: str, *, exact_decimals: bool = False):
    """Parse ``text`` into a SymPy expression, or raise ExprError. Integers and their ratios stay exact.

    Float literals become SymPy Floats; with ``exact_decimals`` they become the
    decimal they spell instead (0.1 -> 1/10), which exact equality checks need.
    """
    body = check_syntax(text)  # everything static is decided there, without SymPy
    token = _EXACT_DECIMALS.set(exact_decimals)
    try:
        result = _build(body, 0)
    finally:
        _EXACT_DECIMALS.reset(token)
    if result.has(sympy.zoo, sympy.nan):
        raise ExprError(_UNDEFINED)
    return result


def _build(node: ast.AST, depth: int):
    # check_syntax has already rejected every node, operator and name outside the language.
    if isinstance(node, ast.BinOp):
        return _binop(node, depth)
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, depth + 1)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.Name):
        return _CONSTANTS[node.id] if node.id in _CONSTANTS else sympy.Symbol(node.id, real=True)
    if isinstance(node, ast.Call):
        return _call(node, depth)
    if isinstance(node, ast.List):
        return _matrix(node, depth)
    raise ExprError(f"'{type(node).__name__}' is not allowed")  # pragma: no cover -- check_syntax rejects it


def _matrix(node: ast.List, depth: int) -> sympy.ImmutableMatrix:
    rows, cols = matrix_shape(node)
    cells = [row.elts if isinstance(row, ast.List) else [row] for row in node.elts]
    values = [[_scalar(_build(cell, depth + 2), "a matrix entry") for cell in row] for row in cells]
    return sympy.ImmutableMatrix(rows, cols, [v for row in values for v in row])


def _is_matrix(value) -> bool:
    return isinstance(value, sympy.MatrixBase)


def _scalar(value, where: str):
    if _is_matrix(value):
        raise ExprError(f"{where} must be a number, not a {_shape(value)} matrix")
    return value


def _shape(value) -> str:
    return f"{value.rows}×{value.cols}"


def _binop(node: ast.BinOp, depth: int):
    op = type(node.op)
    if op is ast.Pow:
        return _power(_build(node.left, depth + 1), _build(node.right, depth + 1))
    group = next(g for g in CHAINS if op in g)
    chain = []
    while isinstance(node, ast.BinOp) and type(node.op) in group:
        chain.append(node)
        node = node.left
    value = _build(node, depth + 1)
    for link in reversed(chain):
        right = _build(link.right, depth + 1)
        value = _apply(type(link.op), value, right)
        _check_size(value)
    return value


def _apply(op: type, left, right):
    if not (_is_matrix(left) or _is_matrix(right)):
        if op is ast.MatMult:
            raise ExprError("'@' multiplies matrices; use * for numbers")
        if op is ast.Div and right == 0:
            raise ExprError("division by zero")
        return _APPLY[op](left, right)
    if op in (ast.Add, ast.Sub):
        if not (_is_matrix(left) and _is_matrix(right)):
            raise ExprError("cannot add a number and a matrix")
        if left.shape != right.shape:
            raise ExprError(f"cannot add a {_shape(left)} and a {_shape(right)} matrix")
    elif op is ast.Div:
        if _is_matrix(right):
            raise ExprError("cannot divide by a matrix (use inverse(M))")
        if right == 0:
            raise ExprError("division by zero")
    elif _is_matrix(left) and _is_matrix(right) and left.cols != right.rows:
        raise ExprError(f"cannot multiply a {_shape(left)} by a {_shape(right)} matrix")
    elif op is ast.MatMult and not (_is_matrix(left) and _is_matrix(right)):
        raise ExprError("'@' multiplies two matrices; use * to scale a matrix by a number")
    return sympy.ImmutableMatrix(_APPLY[op](left, right))


def _power(base, exponent):
    exponent = _scalar(exponent, "an exponent")
    if _is_matrix(base):
        if base.rows != base.cols:
            raise ExprError(f"only square matrices have powers, not a {_shape(base)} matrix")
        if not exponent.is_Integer or abs(exponent) > MAX_MATRIX_EXPONENT:
            raise ExprError(f"a matrix power needs a whole exponent of at most {MAX_MATRIX_EXPONENT}")
        if exponent < 0:
            base, exponent = _inverse(base), -exponent
        return _check_size(sympy.ImmutableMatrix(base ** int(exponent)))
    # Bound the result before SymPy computes it: 9**9**9**9 must fail fast, not fill memory.
    if exponent.is_Number:
        if abs(exponent) > MAX_EXPONENT:
            raise ExprError(f"power too large: exponent {_short(exponent)} exceeds {MAX_EXPONENT}")
        if base.is_Rational and exponent.is_Integer:
            bits = max(math.log2(abs(base.p)) if base.p else 0.0, math.log2(base.q)) * abs(int(exponent))
            if bits > MAX_BITS:
                raise ExprError(f"power too large: the result would have about {int(bits * 0.30103)} digits "
                                f"(limit {int(MAX_BITS * 0.30103)})")
        if base == 0 and exponent.is_negative:
            raise ExprError("division by zero")
    return _check_size(sympy.Pow(base, exponent))


def _check_size(value):
    # Checked after every operation: NaN breaks later comparisons, and a huge Float makes
    # sin/tan of it reduce modulo pi at millions of digits.
    if _is_matrix(value):
        for entry in value:
            _check_size(entry)
        return value
    if value is sympy.nan or value is sympy.zoo:
        raise ExprError(_UNDEFINED)
    too_large = (max(abs(value.p).bit_length(), value.q.bit_length()) > MAX_BITS if value.is_Rational
                 else value.is_Float and abs(value) > _FLOAT_LIMIT)
    if too_large:
        raise ExprError(f"number too large (limit about {int(MAX_BITS * 0.30103)} digits)")
    return value


def _constant(value: object) -> sympy.Expr:
    if isinstance(value, int):
        if abs(value) >= 10**MAX_LITERAL_DIGITS:
            raise ExprError(f"integer literal too large ({len(str(abs(value)))} digits, limit {MAX_LITERAL_DIGITS})")
        return sympy.Integer(value)
    if not math.isfinite(value):
        raise ExprError("number out of range (float literals must be finite)")
    # repr() is the shortest text that reads back as this float: the decimal the author wrote.
    return sympy.Rational(repr(value)) if _EXACT_DECIMALS.get() else sympy.Float(value)


def _call(node: ast.Call, depth: int):
    name = node.func.id
    if name == "Matrix":
        return _matrix(node.args[0], depth + 1)
    args = [_build(arg, depth + 1) for arg in node.args]
    if name in _MATRIX_FUNCTIONS:
        return _check_size(_MATRIX_FUNCTIONS[name](*args))
    args = [_scalar(arg, f"the argument of {name}()") for arg in args]
    if name in _BOUNDED_ARGUMENTS:
        for arg in args:
            if arg.is_number and not _magnitude_at_most(arg, MAX_ARGUMENT):
                raise ExprError(f"argument too large: {name}({_short(arg)}) exceeds {MAX_ARGUMENT}")
        # binomial(pi, 300) alone takes seconds.
        if name == "binomial" and args[0].is_number and not args[0].is_Integer \
                and not _magnitude_at_most(args[1], MAX_PRODUCT):
            raise ExprError(f"argument too large: binomial of a non-integer needs k <= {MAX_PRODUCT}")
    try:
        value = _SCALAR[name](*args)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ExprError(f"{name}(): {str(exc).splitlines()[0] if str(exc) else 'invalid arguments'}") from None
    _check_size(value)
    return value


def _need_matrix(name: str, value, square: bool = False):
    if not _is_matrix(value):
        raise ExprError(f"{name}() needs a matrix, e.g. {name}(Matrix([[1, 2], [3, 4]]))")
    if square and value.rows != value.cols:
        raise ExprError(f"{name}() needs a square matrix, not a {_shape(value)} one")
    return value


def _side(name: str, value) -> int:
    """A dimension given as a number: a whole number from 1 to MAX_MATRIX_SIDE, checked before building."""
    value = _scalar(value, f"the size in {name}()")
    if not (value.is_Integer and 1 <= value <= MAX_MATRIX_SIDE):
        raise ExprError(f"{name}() needs a whole size from 1 to {MAX_MATRIX_SIDE}, got {_short(value)}")
    return int(value)


def _vector(name: str, value):
    _need_matrix(name, value)
    if value.cols != 1 and value.rows != 1:
        raise ExprError(f"{name}() needs vectors, not a {_shape(value)} matrix")
    return value


def _dot(u, v):
    u, v = _vector("dot", u), _vector("dot", v)
    if len(u) != len(v):
        raise ExprError(f"dot() needs vectors of the same length, got {len(u)} and {len(v)}")
    return sympy.Add(*(a * b for a, b in zip(u, v)))


def _inverse(m):
    _need_matrix("inverse", m, square=True)
    if m.det() == 0:
        raise ExprError("inverse(): the matrix is singular (its determinant is 0)")
    return sympy.ImmutableMatrix(m.inv())


def _norm(m):
    _need_matrix("norm", m)
    return sympy.sqrt(sympy.Add(*(abs(x) ** 2 if not x.is_real else x ** 2 for x in m)))  # Euclidean/Frobenius


_MATRIX_FUNCTIONS = {
    "det": lambda m: _need_matrix("det", m, square=True).det(),
    "transpose": lambda m: sympy.ImmutableMatrix(_need_matrix("transpose", m).T),
    "trace": lambda m: _need_matrix("trace", m, square=True).trace(),
    "inverse": _inverse,
    "rank": lambda m: sympy.Integer(_need_matrix("rank", m).rank()),
    "eye": lambda n: sympy.ImmutableMatrix(sympy.eye(_side("eye", n))),
    "zeros": lambda m, n=None: sympy.ImmutableMatrix(sympy.zeros(_side("zeros", m), _side("zeros", m if n is None else n))),
    "dot": _dot,
    "norm": _norm,
}


def _magnitude_at_most(value: sympy.Expr, limit: int) -> bool:
    try:
        return bool(abs(complex(sympy.N(value, 15))) <= limit)
    except (TypeError, ValueError, OverflowError):  # not a finite number
        return False


def _short(number: sympy.Expr) -> str:
    if number.is_Integer and abs(number.p).bit_length() > 64:
        return f"(a {len(str(abs(number.p)))}-digit number)"  # fits: MAX_BITS keeps ints printable
    text = str(number)
    return text if len(text) <= 20 else f"{text[:8]}...({len(text)} characters)"
