"""The safe expression language of checks: numbers, names, + - * / **, and allow-listed SymPy functions.

The text goes through Python's parser only to get a syntax tree. The tree is
walked against an allow-list and SymPy objects are built node by node, so
content never reaches ``eval``, ``sympify`` or SymPy's own parser (all of which
evaluate arbitrary Python). SymPy evaluates numeric powers, factorials and
binomials eagerly, so their sizes are bounded before it is asked to, and every
intermediate number is bounded too.
"""

from __future__ import annotations

import ast
import contextvars
import math
import re

import sympy

MAX_LENGTH = 2000
MAX_DEPTH = 50
MAX_EXPONENT = 10_000
# About 4,200 digits: more than any exam number, instant to compute, and below Python's
# 4,300-digit limit for printing an int, so every number can still appear in a message.
MAX_BITS = 14_000
MAX_LITERAL_DIGITS = 100
MAX_ARGUMENT = 10_000  # factorial(10**6) alone takes seconds
MAX_PRODUCT = 50  # binomial(pi, k) is expanded into a k-fold product on the spot

_FLOAT_LIMIT = sympy.Float(2) ** MAX_BITS
_UNDEFINED = "expression is undefined (a division by zero, 0/0, oo - oo or similar)"
_EXACT_DECIMALS = contextvars.ContextVar("exact_decimals", default=False)
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")

# name -> (SymPy function, min args, max args)
_FUNCTIONS = {
    "log": (sympy.log, 1, 2),
    "exp": (sympy.exp, 1, 1),
    "sqrt": (sympy.sqrt, 1, 1),
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "asin": (sympy.asin, 1, 1),
    "acos": (sympy.acos, 1, 1),
    "Abs": (sympy.Abs, 1, 1),
    "Rational": (sympy.Rational, 1, 2),
    "factorial": (sympy.factorial, 1, 1),
    "binomial": (sympy.binomial, 2, 2),
    "erf": (sympy.erf, 1, 1),
    "gamma": (sympy.gamma, 1, 1),
    "Min": (sympy.Min, 1, 20),
    "Max": (sympy.Max, 1, 20),
    "floor": (sympy.floor, 1, 1),
    "ceiling": (sympy.ceiling, 1, 1),
}
_BOUNDED_ARGUMENTS = {"factorial", "binomial", "gamma"}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E, "oo": sympy.oo}

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_OPERATOR_NAMES = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&",
    ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not", ast.Invert: "~",
}
# Left-leaning chains of one precedence level are flattened, so a long sum is not "deep".
_CHAINS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div})
_APPLY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,  # Integer / Integer is an exact Rational
}

_REJECTED = {
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Subscript: "subscripts are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and' and 'or' are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.List: "lists, tuples, sets and dicts are not allowed",
    ast.Tuple: "lists, tuples, sets and dicts are not allowed",
    ast.Set: "lists, tuples, sets and dicts are not allowed",
    ast.Dict: "lists, tuples, sets and dicts are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}


class ExprError(Exception):
    """The text is not in the safe expression language; the message says why in plain words."""


def parse_expr(text: str, *, exact_decimals: bool = False) -> sympy.Expr:
    """Parse ``text`` into a SymPy expression, or raise ExprError. Integers and their ratios stay exact.

    Float literals become SymPy Floats; with ``exact_decimals`` they become the
    decimal they spell instead (0.1 -> 1/10), which exact equality checks need.
    """
    if not isinstance(text, str):
        raise ExprError(f"expression must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression too long ({len(text)} characters, limit {MAX_LENGTH})")
    if not text.strip():
        raise ExprError("expression is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"syntax error: {exc.msg}") from None
    except ValueError as exc:  # e.g. a NUL byte
        raise ExprError(f"syntax error: {exc}") from None
    except (RecursionError, MemoryError):
        raise ExprError(f"nesting too deep (limit {MAX_DEPTH} levels)") from None
    token = _EXACT_DECIMALS.set(exact_decimals)
    try:
        result = _build(tree.body, 0)
    finally:
        _EXACT_DECIMALS.reset(token)
    if result.has(sympy.zoo, sympy.nan):
        raise ExprError(_UNDEFINED)
    return result


def _build(node: ast.AST, depth: int) -> sympy.Expr:
    if depth > MAX_DEPTH:
        raise ExprError(f"nesting too deep (limit {MAX_DEPTH} levels)")
    if isinstance(node, ast.BinOp):
        return _binop(node, depth)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = _build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        raise ExprError(f"operator '{_OPERATOR_NAMES[type(node.op)]}' is not allowed")
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.Call):
        return _call(node, depth)
    raise ExprError(_REJECTED.get(type(node), f"'{type(node).__name__}' is not allowed"))


def _binop(node: ast.BinOp, depth: int) -> sympy.Expr:
    op = type(node.op)
    if op not in _BINARY:
        hint = " (use ** for powers)" if op is ast.BitXor else ""
        raise ExprError(f"operator '{_OPERATOR_NAMES[op]}' is not allowed{hint}")
    if op is ast.Pow:
        return _power(_build(node.left, depth + 1), _build(node.right, depth + 1))
    group = next(g for g in _CHAINS if op in g)
    chain = []
    while isinstance(node, ast.BinOp) and type(node.op) in group:
        chain.append(node)
        node = node.left
    value = _build(node, depth + 1)
    for link in reversed(chain):
        right = _build(link.right, depth + 1)
        if isinstance(link.op, ast.Div) and right == 0:
            raise ExprError("division by zero")
        value = _APPLY[type(link.op)](value, right)
        _check_size(value)
    return value


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
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


def _check_size(value: sympy.Expr) -> sympy.Expr:
    # Checked after every operation: NaN breaks later comparisons, and a huge Float makes
    # sin/tan of it reduce modulo pi at millions of digits.
    if value is sympy.nan or value is sympy.zoo:
        raise ExprError(_UNDEFINED)
    too_large = (max(abs(value.p).bit_length(), value.q.bit_length()) > MAX_BITS if value.is_Rational
                 else value.is_Float and abs(value) > _FLOAT_LIMIT)
    if too_large:
        raise ExprError(f"number too large (limit about {int(MAX_BITS * 0.30103)} digits)")
    return value


def _constant(value: object) -> sympy.Expr:
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise ExprError(f"constant {value!r} is not allowed")
    if isinstance(value, (str, bytes)):
        raise ExprError("strings are not allowed")
    if isinstance(value, complex):
        raise ExprError("complex numbers are not allowed")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_LITERAL_DIGITS:
            raise ExprError(f"integer literal too large ({len(str(abs(value)))} digits, limit {MAX_LITERAL_DIGITS})")
        return sympy.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExprError("number out of range (float literals must be finite)")
        # repr() is the shortest text that reads back as this float: the decimal the author wrote.
        return sympy.Rational(repr(value)) if _EXACT_DECIMALS.get() else sympy.Float(value)
    raise ExprError(f"constant {value!r} is not allowed")


def _name(ident: str) -> sympy.Expr:
    if ident.startswith("_") or not _NAME_RE.match(ident):
        raise ExprError(f"name '{ident}' is not allowed")
    if ident in _CONSTANTS:
        return _CONSTANTS[ident]
    if ident in _FUNCTIONS:
        raise ExprError(f"function '{ident}' must be called, e.g. {ident}(x)")
    if ident == "I":
        raise ExprError("name 'I' is not allowed (complex numbers are not supported)")
    return sympy.Symbol(ident, real=True)


def _call(node: ast.Call, depth: int) -> sympy.Expr:
    if not isinstance(node.func, ast.Name):
        raise ExprError(_REJECTED.get(type(node.func), "only allow-listed functions may be called"))
    name = node.func.id
    if name.startswith("_") or not _NAME_RE.match(name):
        raise ExprError(f"name '{name}' is not allowed")
    if name not in _FUNCTIONS:
        raise ExprError(f"function '{name}' is not allowed")
    if node.keywords:
        raise ExprError("keyword arguments are not allowed")
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise ExprError("starred arguments are not allowed")
    function, least, most = _FUNCTIONS[name]
    if not least <= len(node.args) <= most:
        wanted = str(least) if least == most else f"{least} to {most}"
        raise ExprError(f"{name}() takes {wanted} argument(s), got {len(node.args)}")
    args = [_build(arg, depth + 1) for arg in node.args]
    if name in _BOUNDED_ARGUMENTS:
        for arg in args:
            if arg.is_number and not _magnitude_at_most(arg, MAX_ARGUMENT):
                raise ExprError(f"argument too large: {name}({_short(arg)}) exceeds {MAX_ARGUMENT}")
        # binomial(pi, 300) alone takes seconds.
        if name == "binomial" and args[0].is_number and not args[0].is_Integer \
                and not _magnitude_at_most(args[1], MAX_PRODUCT):
            raise ExprError(f"argument too large: binomial of a non-integer needs k <= {MAX_PRODUCT}")
    try:
        value = function(*args)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ExprError(f"{name}(): {str(exc).splitlines()[0] if str(exc) else 'invalid arguments'}") from None
    _check_size(value)
    return value


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
