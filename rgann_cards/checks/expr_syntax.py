"""What the expression language allows, decided on Python's syntax tree alone, without SymPy.

``lint`` calls :func:`check_syntax` on every ``expr`` and ``equals``, so a typo is a
``path:line`` error before any check runs; ``expr.parse_expr`` calls it too before
building SymPy objects. Everything static is decided here: which nodes, operators,
names and functions may appear, how many arguments a function takes, how deep the
tree is, and how large a matrix literal may be. What depends on values (the size of a
power, ``eye(n)`` with a computed ``n``) is bounded by the builder in ``expr.py``.

This module must stay free of NumPy and SymPy imports.
"""

from __future__ import annotations

import ast
import re

MAX_LENGTH = 2000
MAX_DEPTH = 50
MAX_MATRIX_SIDE = 20  # rows and columns; the largest exam matrix is far smaller

# name -> (min args, max args); the builder maps each name to its SymPy function.
SCALAR_FUNCTIONS = {
    "log": (1, 2), "exp": (1, 1), "sqrt": (1, 1), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1),
    "tanh": (1, 1), "sinh": (1, 1), "cosh": (1, 1), "atan": (1, 1), "asin": (1, 1), "acos": (1, 1),
    "Abs": (1, 1), "Rational": (1, 2), "factorial": (1, 1), "binomial": (2, 2), "erf": (1, 1),
    "gamma": (1, 1), "Min": (1, 20), "Max": (1, 20), "floor": (1, 1), "ceiling": (1, 1),
}
MATRIX_FUNCTIONS = {
    "Matrix": (1, 1), "det": (1, 1), "transpose": (1, 1), "trace": (1, 1), "inverse": (1, 1),
    "rank": (1, 1), "eye": (1, 1), "zeros": (1, 2), "dot": (2, 2), "norm": (1, 1),
}
FUNCTIONS = {**SCALAR_FUNCTIONS, **MATRIX_FUNCTIONS}
CONSTANTS = ("pi", "E", "oo")

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_OPERATORS = {ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult}
OPERATOR_NAMES = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.BitXor: "^", ast.BitAnd: "&",
    ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not", ast.Invert: "~",
}
# Left-leaning chains of one precedence level are flattened, so a long sum is not "deep".
CHAINS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div, ast.MatMult})

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
    ast.Tuple: "tuples, sets and dicts are not allowed (write a matrix as [[1, 2], [3, 4]])",
    ast.Set: "tuples, sets and dicts are not allowed (write a matrix as [[1, 2], [3, 4]])",
    ast.Dict: "tuples, sets and dicts are not allowed (write a matrix as [[1, 2], [3, 4]])",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}


class ExprError(Exception):
    """The text is not in the safe expression language; the message says why in plain words."""


def check_syntax(text: object) -> ast.expr:
    """Parse ``text`` and check it against the allow-list; return the tree's body, or raise ExprError."""
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
    _walk(tree.body, 0)
    return tree.body


def check_name(ident: str) -> None:
    if ident.startswith("_") or not _NAME_RE.match(ident):
        raise ExprError(f"name '{ident}' is not allowed")


def _walk(node: ast.AST, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ExprError(f"nesting too deep (limit {MAX_DEPTH} levels)")
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op not in _OPERATORS:
            hint = " (use ** for powers)" if op is ast.BitXor else ""
            raise ExprError(f"operator '{OPERATOR_NAMES[op]}' is not allowed{hint}")
        group = next((g for g in CHAINS if op in g), None)
        if group is None:  # a power
            _walk(node.left, depth + 1)
            _walk(node.right, depth + 1)
            return
        while isinstance(node, ast.BinOp) and type(node.op) in group:
            _walk(node.right, depth + 1)
            node = node.left
        _walk(node, depth + 1)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExprError(f"operator '{OPERATOR_NAMES[type(node.op)]}' is not allowed")
        _walk(node.operand, depth + 1)
    elif isinstance(node, ast.Constant):
        _constant(node.value)
    elif isinstance(node, ast.Name):
        check_name(node.id)
        if node.id in FUNCTIONS:
            raise ExprError(f"function '{node.id}' must be called, e.g. {node.id}(x)")
        if node.id == "I":
            raise ExprError("name 'I' is not allowed (complex numbers are not supported)")
    elif isinstance(node, ast.Call):
        _call(node, depth)
    elif isinstance(node, ast.List):
        matrix_shape(node)
        for row in node.elts:
            for cell in row.elts if isinstance(row, ast.List) else [row]:
                _walk(cell, depth + 2)
    else:
        raise ExprError(_REJECTED.get(type(node), f"'{type(node).__name__}' is not allowed"))


def _constant(value: object) -> None:
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise ExprError(f"constant {value!r} is not allowed")
    if isinstance(value, (str, bytes)):
        raise ExprError("strings are not allowed")
    if isinstance(value, complex):
        raise ExprError("complex numbers are not allowed")


def _call(node: ast.Call, depth: int) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExprError(_REJECTED.get(type(node.func), "only allow-listed functions may be called"))
    name = node.func.id
    check_name(name)
    if name not in FUNCTIONS:
        raise ExprError(f"function '{name}' is not allowed")
    if node.keywords:
        raise ExprError("keyword arguments are not allowed")
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise ExprError("starred arguments are not allowed")
    least, most = FUNCTIONS[name]
    if not least <= len(node.args) <= most:
        wanted = str(least) if least == most else f"{least} to {most}"
        raise ExprError(f"{name}() takes {wanted} argument(s), got {len(node.args)}")
    if name == "Matrix" and not isinstance(node.args[0], ast.List):
        raise ExprError("Matrix() takes a list of rows, e.g. Matrix([[1, 2], [3, 4]])")
    for arg in node.args:
        _walk(arg, depth + 1)


def matrix_shape(node: ast.List) -> tuple[int, int]:
    """(rows, columns) of a list literal: ``[[1, 2], [3, 4]]`` is 2×2, ``[1, 2, 3]`` a 3×1 column."""
    rows = node.elts
    if not rows:
        raise ExprError("a matrix needs at least one entry")
    nested = [isinstance(row, ast.List) for row in rows]
    if any(nested) and not all(nested):
        raise ExprError("a matrix is a list of rows: mix no numbers and rows, e.g. [[1, 2], [3, 4]]")
    shape = (len(rows), len(rows[0].elts)) if all(nested) else (len(rows), 1)
    if all(nested):
        if any(len(row.elts) != shape[1] for row in rows):
            raise ExprError("every row of a matrix needs the same number of entries")
        if shape[1] == 0:
            raise ExprError("a matrix needs at least one entry")
        if any(isinstance(cell, ast.List) for row in rows for cell in row.elts):
            raise ExprError("a matrix has two dimensions at most")
    if max(shape) > MAX_MATRIX_SIDE:
        raise ExprError(f"matrix too large: {shape[0]}×{shape[1]} (limit {MAX_MATRIX_SIDE}×{MAX_MATRIX_SIDE})")
    return shape
