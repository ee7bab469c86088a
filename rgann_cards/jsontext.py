"""``json.dumps(data, ensure_ascii=False, indent=N)``, the same text, faster, for the files a build writes.

With ``indent`` the standard library leaves its C encoder for a generator per container, which at
10,000 notes is most of the time of the course JSON and of the lock. Plain data (text keys; text,
int, finite float, bool, None, list, tuple, dict values) is written here; anything else (a NaN, a
key that is not text, a subclass) goes to json.dumps, which then writes or refuses it as before.
"""

from __future__ import annotations

import functools
import json
import math
from itertools import chain
from json.encoder import encode_basestring  # the C function where _json is built (it is in CPython)

try:
    from json.encoder import c_make_encoder  # None where _json is not built
except ImportError:  # pragma: no cover - every CPython has it
    c_make_encoder = None

_SCALARS = frozenset({str, int, bool, type(None)})  # written alike by the C encoder and by json.dumps
_TEXT = frozenset({str})
_DICTS = frozenset({dict})
_CONTAINERS = frozenset({list, tuple, dict})  # written alike too when empty: "[]", "{}"
_FLAT = _SCALARS | _CONTAINERS


class _Unusual(Exception):
    """A value the fast encoder leaves to json.dumps."""


def dumps(data, *, indent: int, allow_nan: bool) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=allow_nan)``."""
    try:
        return _encode(data, "\n", " " * indent)
    except _Unusual:
        return json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=allow_nan)


def _encode(value, newline: str, step: str) -> str:
    """One value as JSON text; a container is joined as soon as it is written, so that no list of all
    the document's small strings builds up (that left the build's peak memory 4 MiB higher)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None or value is True or value is False:
        return "null" if value is None else "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    # A container of text, whole numbers, booleans and None (most of them: a lock entry, a list of tags)
    # is written by the C encoder in one call, with this depth's separator; in any other, text, the
    # most common value by far, is written in place rather than by a call per value.
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + step
        if c_make_encoder is not None and _SCALARS.issuperset(map(type, value)):
            return "[" + inner + "".join(_flat(inner)(value, 0))[1:-1] + newline + "]"
        if c_make_encoder is not None and _flat_dicts(value):  # an exercise's cards
            deeper = inner + step
            bodies = "".join(_flat(deeper)(value, 0))[2:-2].split("}," + deeper + "{")  # without "[{", "}]"
            if len(bodies) == len(value):  # always (see _flat_dicts)
                return "[" + inner + "{" + deeper + (inner + "}," + inner + "{" + deeper).join(bodies) + inner + \
                    "}" + newline + "]"
        items = [encode_basestring(item) if type(item) is str else _encode(item, inner, step) for item in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + step
        if not _TEXT.issuperset(map(type, value)):
            raise _Unusual
        if c_make_encoder is not None and _SCALARS.issuperset(map(type, value.values())):
            return "{" + inner + "".join(_flat(inner)(value, 0))[1:-1] + newline + "}"
        items = [encode_basestring(key) + ": " + (encode_basestring(item) if type(item) is str else
                                                   _encode(item, inner, step)) for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    raise _Unusual


def _flat_dicts(values) -> bool:
    """Whether ``values`` are dicts, none empty, with text keys, whose values are scalars or empty
    containers (an exercise's cards), checked by calls that each look at all of them at once. The C
    encoder then writes all their items in one call (a list of cards: half the time), cut apart
    where one dict ends and the next begins: there, and only there, "}," and the separator are
    followed by "{" (inside such a dict the separator is followed by a key; no text holds a newline
    once encoded)."""
    if not (_DICTS.issuperset(map(type, values)) and all(values)
            and _TEXT.issuperset(map(type, chain.from_iterable(values)))):
        return False
    inside = list(chain.from_iterable(map(dict.values, values)))
    return _FLAT.issuperset(map(type, inside)) and _CONTAINERS.isdisjoint(map(type, filter(None, inside)))


@functools.lru_cache(maxsize=None)
def _flat(inner: str):
    """The C encoder for a container of scalars whose items are separated by ``,`` and ``inner``
    (a newline and the depth's indent), keys from values by ``: ``, as json.dumps's indent does."""
    return c_make_encoder(None, None, encode_basestring, None, ": ", "," + inner, False, False, True)
