"""Named checks: reviewed Python functions that content calls by "module.name", e.g. ``lstm.forget_gate_gradient``.

A check module is registered as an entry point in the group ``rgann_cards.checks``
(name = the prefix content writes, value = the importable module); the built-in
modules register the same way, in this project's pyproject.toml, so a course can
ship its own checks as an ordinary installable package. Only functions decorated
with ``@named_check`` in a registered module can be called; content can never reach
an arbitrary attribute or module. Listing the checks reads the sources with ``ast``
instead of importing them, so ``lint`` can validate names and parameters without
paying for NumPy and SymPy (or for a plugin's own imports).

This module must stay free of NumPy and SymPy imports.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ENTRY_POINT_GROUP = "rgann_cards.checks"
_PACKAGE = __name__.rpartition(".")[0]
_DIRECTORY = Path(__file__).parent
_PREFIX_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_NAME_RE = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")
_SCALARS = (bool, int, float, str)
# A tolerance parameter (rtol, atol, tol) above 1% lets almost anything pass; the loader already
# refuses NaN and infinity in every number.
MAX_PARAM_TOL = 0.01
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


@dataclass(frozen=True)
class CheckInfo:
    """What lint and ``verify --list`` know of a named check, read from its source."""

    name: str  # "module.function", as content writes it
    module: str  # the importable module that defines it
    params: dict[str, bool | int | float | str] = field(default_factory=dict)
    doc: str = ""


@functools.cache
def check_modules() -> dict[str, str]:
    """Registered check modules: content prefix -> importable module, from the entry points."""
    from importlib.metadata import entry_points

    found: dict[str, str] = {}
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: (p.name, p.value)):
        if not _PREFIX_RE.match(point.name):
            raise RegistryError(f"check module name '{point.name}' (entry point {point.value}) is not a valid "
                                "prefix: use lowercase letters, digits and _")
        if found.setdefault(point.name, point.value) != point.value:
            raise RegistryError(f"check module name '{point.name}' is registered twice: by {found[point.name]} "
                                f"and by {point.value}; uninstall one of them")
    if not any(module.startswith(f"{_PACKAGE}.") for module in found.values()):
        # Running from a source tree whose metadata was never installed: the built-ins are still ours.
        found.update({p.stem: f"{_PACKAGE}.{p.stem}" for p in builtin_sources()})
    return found


def builtin_sources() -> list[Path]:
    """This package's modules that define named checks (pyproject.toml registers exactly these)."""
    return [p for p in sorted(_DIRECTORY.glob("*.py")) if not p.name.startswith("_") and _scan(p)]


@functools.cache
def catalogue() -> dict[str, CheckInfo]:
    """Every named check, sorted by name, read from the registered modules' sources without importing them."""
    infos: dict[str, CheckInfo] = {}
    for prefix, module in sorted(check_modules().items()):
        for function, params, doc in _scan(_source_of(prefix, module)):
            infos[f"{prefix}.{function}"] = CheckInfo(f"{prefix}.{function}", module, params, doc)
    return infos


def known_checks() -> dict[str, dict[str, bool | int | float | str]]:
    """Every named check as "module.name" -> {parameter: default}."""
    return {name: info.params for name, info in catalogue().items()}


def _source_of(prefix: str, module: str) -> Path:
    # find_spec imports a plugin's parent package (installed code the user chose), never the module itself.
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        raise RegistryError(f"check module '{prefix}' ({module}) cannot be found: {exc}") from None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise RegistryError(f"check module '{prefix}' ({module}) is not an installed Python source file")
    return Path(spec.origin)


def _scan(path: Path) -> list[tuple[str, dict, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(node.name, _source_params(node), ast.get_docstring(node) or "")
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and any(_is_marker(d) for d in node.decorator_list)]


def known_functions() -> set[str]:
    """The names content may use in ``function:``, e.g. {"kl.nonnegativity", ...}."""
    return set(known_checks())


def resolve(name: str) -> Callable:
    """Import the check's module and return the function, only if it is a registered named check."""
    match = _NAME_RE.match(name)
    if not match or name not in known_checks():
        raise RegistryError(f"unknown check '{name}'{_suggestion(name)}")
    module = catalogue()[name].module
    function = match.group(2)
    importlib.import_module(module)
    fn = _REGISTRY.get((module, function))
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
        if key.endswith("tol") and isinstance(value, float) and not 0 < value <= MAX_PARAM_TOL:
            raise RegistryError(f"parameter '{key}' of {name} must be greater than 0 and at most "
                                f"{MAX_PARAM_TOL:g}, got {value!r}")
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
