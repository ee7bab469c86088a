"""Validate one parsed YAML document into a model, turning pydantic's errors into plain ``path:line`` messages."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ContentError, Problem, excerpt
from .yamlsource import Path_, SourceDoc

M = TypeVar("M", bound=BaseModel)

# What a value of each pydantic type is called in a message.
_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}

# Field-specific explanations of pattern failures, in the reader's terms.
_PATTERN_HINTS = {
    "id": "lowercase letters, digits and '-', starting and ending with a letter or digit",
    "references": "a reference key: lowercase letters, digits and '-'",
    "key": "lowercase letters, digits and '-'",
    "tags": "letters, digits and _ : . - with no spaces",
    "figure": "a figure name: lowercase letters, digits and '_'",
    "function": "module.function, e.g. lstm.forget_gate_gradient",
    "doi": "a DOI such as 10.1162/neco.1997.9.8.1735 (without https://doi.org/)",
    "arxiv": "an arXiv id such as 1502.03167",
    "url": "an https:// address",
    "root_deck": "a deck name without '::'",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean; quote it if you meant text)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) <= 30 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _data_path(data: Any, error: dict) -> Path_:
    """The longest prefix of pydantic's loc that names real data (drops union-member labels)."""
    path: list[str | int] = []
    node = data
    loc = error["loc"]
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            # a missing or unknown key is what the message is about: keep it
            if i == len(loc) - 1 and error["type"] in ("missing", "extra_forbidden"):
                path.append(part)
            break
        path.append(part)
    return tuple(path)


def _field_name(path: Path_) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else "document"


def _known_fields(model: type[BaseModel], data: Any, path: Path_) -> list[str]:
    """Field names allowed at ``path`` (for 'did you mean' suggestions)."""
    current: Any = model
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) else None
        if info is None:
            return []
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            current = annotation
        elif nested:
            current = nested[0]
        else:
            return []
    return [name for name in current.model_fields if name != "loc"]


def _message(model: type[BaseModel], data: Any, path: Path_, errors: list[dict]) -> str:
    name = _field_name(path)
    types = [e for e in errors if e["type"] in _TYPE_NAMES]
    if len(types) == len(errors) and types:
        wanted = sorted({_TYPE_NAMES[e["type"]] for e in types})
        return f"'{name}' must be {' or '.join(wanted)}, got {_describe(types[0]['input'])}"
    error = next(e for e in errors if e["type"] not in _TYPE_NAMES)
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return f"missing required key '{name}'"
    if kind == "extra_forbidden":
        known = _known_fields(model, data, path)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(known)})" if known else ""
        return f"unknown key {excerpt(name)}{hint}"
    if kind == "string_pattern_mismatch":
        field = name if name in _PATTERN_HINTS else _field_name(path[:-1]) if isinstance(path[-1], int) else name
        hint = _PATTERN_HINTS.get(field, f"the pattern {ctx.get('pattern')}")
        return f"'{field}' must be {hint}, got {excerpt(error['input'])}"
    if kind == "literal_error":
        return f"'{name}' must be one of {ctx.get('expected')}, got {_describe(error['input'])}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"'{name}' must have at least {n} item{'s' if n != 1 else ''}"
    if kind == "string_too_long":
        return f"'{name}' is too long ({len(error['input'])} characters, limit {ctx.get('max_length')})"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"'{name}' {error['msg'].lower().replace('input should be', 'must be')}, got {error['input']!r}"
    if kind == "value_error":
        msg = str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
        if msg == "must not be empty":
            return f"'{name}' must not be empty"
        return msg
    return f"'{name}': {error['msg']}"


def validate(model: type[M], doc: SourceDoc, data: Any, base: Path_ = ()) -> M:
    """Validate ``data`` (found at ``base`` in ``doc``) as ``model``; raise ContentError with located messages."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        grouped: dict[Path_, list[dict]] = {}
        for error in exc.errors(include_url=False):
            grouped.setdefault(_data_path(data, error), []).append(error)
        problems = []
        for path, errors in grouped.items():
            kinds = {e["type"] for e in errors}
            full = base + path
            if "missing" in kinds:
                location = doc.loc(full[:-1])  # a missing key is reported at its parent
            elif "extra_forbidden" in kinds:
                location = doc.key_loc(full)
            else:
                location = doc.loc(full)
            problems.append(Problem(location, _message(model, data, path, errors)))
        raise ContentError(problems) from None
