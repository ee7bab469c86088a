"""Named checks: reviewed Python functions that content calls by "module.name", e.g. ``lstm.forget_gate_gradient``.

Only functions decorated with ``@named_check`` in a module of this package can
be called; content can never reach an arbitrary attribute or module. Listing the
checks reads the sources with ``ast`` instead of importing them, so ``lint`` can
validate names and parameters without paying for NumPy and SymPy.

This module must stay free of NumPy and SymPy imports.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
from pathlib import Path
from typing import Callable

_PACKAGE = __name__.rpartition(".")[0]
_DIRECTORY = Path(__file__).parent
_NAME_RE = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")
_SCALARS = (bool, int, float, str)
_REGISTRY: dict[tuple[str, str], Callable] = {}  # (full module name, function name) -> function


class RegistryError(Exception):
    """An unknown check name or parameters that the check does not accept."""


def named_check(fn: Callable) -> Callable:
    """Mark ``fn`` as callable from content as "<module>.<name>".

    Parameters the content may set are keyword-only with bool/int/float/str
    defaults. Keyword-only parameters defaulting to None are Python-only hooks
    (tests plug a wrong formula in there); content cannot set them.
    """
    _REGISTRY[(fn.__module__, fn.__name__)] = fn
    return fn


@functools.cache
def known_checks() -> dict[str, dict[str, bool | int | float | str]]:
    """Every named check as "module.name" -> {parameter: default}, read from the sources without importing."""
    found: dict[str, dict[str, bool | int | float | str]] = {}
    for path in sorted(_DIRECTORY.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(_is_marker(d) for d in node.decorator_list):
                found[f"{path.stem}.{node.name}"] = _source_params(node)
    return found


def known_functions() -> set[str]:
    """The names content may use in ``function:``, e.g. {"kl.nonnegativity", ...}."""
    return set(known_checks())


def resolve(name: str) -> Callable:
    """Import the check's module and return the function, only if it is a registered named check."""
    match = _NAME_RE.match(name)
    if not match or name not in known_checks():
        raise RegistryError(f"unknown check '{name}'{_suggestion(name)}")
    module, function = match.groups()
    importlib.import_module(f"{_PACKAGE}.{module}")
    fn = _REGISTRY.get((f"{_PACKAGE}.{module}", function))
    if fn is None:
        raise RegistryError(f"unknown check '{name}'")
    return fn


def bind_params(fn: Callable, name: str, params: dict) -> dict:
    """Check content-supplied ``params`` against fn's signature; return them as keyword arguments."""
    settable = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                if p.kind is inspect.Parameter.KEYWORD_ONLY and isinstance(p.default, _SCALARS)}
    return _coerce(settable, name, params)


def check_params(name: str, params: dict) -> dict:
    """Like bind_params, but from the source alone (no import): lint uses it to catch bad params early."""
    return _coerce(known_checks()[name], name, params)


def _coerce(settable: dict, name: str, params: dict) -> dict:
    kwargs = {}
    for key, value in sorted(params.items()):
        if key not in settable:
            accepted = ", ".join(settable) or "none"
            raise RegistryError(f"unknown parameter '{key}' for {name} (accepts: {accepted})")
        default = settable[key]
        if isinstance(default, bool) or isinstance(value, bool):
            ok = isinstance(value, bool) and isinstance(default, bool)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float))
            value = float(value) if ok else value
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise RegistryError(f"parameter '{key}' of {name} must be {type(default).__name__}, "
                                f"got {type(value).__name__} {value!r}")
        kwargs[key] = value
    return kwargs


def _is_marker(decorator: ast.expr) -> bool:
    if isinstance(decorator, ast.Name):
        return decorator.id == "named_check"
    return isinstance(decorator, ast.Attribute) and decorator.attr == "named_check"


def _source_params(node: ast.FunctionDef) -> dict[str, bool | int | float | str]:
    params = {}
    for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
        try:
            value = ast.literal_eval(default) if default is not None else None
        except ValueError:  # a computed default: not settable from content
            continue
        if isinstance(value, _SCALARS):
            params[arg.arg] = value
    return params


def _suggestion(name: str) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(name, sorted(known_checks()), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
