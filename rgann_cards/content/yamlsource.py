"""Read YAML safely and keep where every value came from.

PyYAML's ``safe_load`` throws line numbers away. We compose the node graph
instead and convert it ourselves, recording a SourceLocation for every
mapping, key and item, so validation errors can point at ``path:line:col``.
Anything beyond plain data (tags, anchors, aliases, duplicate keys) is refused:
content is data, never code. This is also the one place every string passes,
so the character and size rules live here: no control characters (NUL, ESC,
...), no text field over ``MAX_TEXT_BYTES``, no NaN or infinity; invisible
characters are recorded for the loader to judge by field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ContentError, Problem, SourceLocation, excerpt
from .charset import CONTROL, INVISIBLE, RAW_CONTROL, MARKERS, describe
from .files import MAX_TEXT_BYTES, size_text

# Location keys are tuples of str (mapping keys) and int (sequence indexes).
Path_ = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass
class SourceDoc:
    """A parsed YAML document: plain Python data plus a location for every path in it."""

    file: str
    data: Any
    # path -> (line, column), 1-based; loc() and key_loc() make the SourceLocation when one is asked for
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    invisible: dict[Path_, str] = field(default_factory=dict)  # path -> the first bidi/zero-width character
    _made: dict[tuple[int, int], SourceLocation] = field(default_factory=dict, repr=False, compare=False)

    def loc(self, path: Path_) -> SourceLocation:
        """Location of the value at ``path``, or of the nearest enclosing value that has one."""
        path = tuple(path)
        found = self.positions.get(path)
        while found is None and path:
            path = path[:-1]
            found = self.positions.get(path)
        return self._location(found or (1, 1))

    def key_loc(self, path: Path_) -> SourceLocation:
        """Location of the *key* that introduces ``path`` (better for 'unknown key' messages)."""
        found = self.key_positions.get(tuple(path))
        return self._location(found) if found else self.loc(path)

    def _location(self, position: tuple[int, int]) -> SourceLocation:
        """One SourceLocation per position, made when first asked for (the loader asks for many twice)."""
        made = self._made.get(position)
        if made is None:
            made = self._made[position] = SourceLocation(self.file, *position)
        return made


def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _mark(file: str, node: Node) -> SourceLocation:
    return SourceLocation(file, node.start_mark.line + 1, node.start_mark.column + 1)


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# one search finds the strings that need a closer look (most need none)
_NOTABLE = re.compile(f"{CONTROL.pattern}|{INVISIBLE.pattern}|{MARKERS.pattern}")


# Keys without a control character: the same few recur in every mapping (36,000 searches at 10k notes: 4 ms).
_CLEAN_KEYS: set[str] = set()


class _Converter:
    """Node graph -> plain data, one pass; this runs once per node of every file, so it stays lean."""

    def __init__(self, file: str, anchors: bool = True):
        self.file = file
        self.doc = SourceDoc(file, None)
        self.positions = self.doc.positions
        self.problems: list[Problem] = []
        # without an '&' in the file there is no anchor, so no alias (the composer refuses an undefined
        # one): nothing to look for (two set operations a node, 4 ms at 10k notes)
        self.seen: set[int] | None = set() if anchors else None
        constructor = yaml.SafeLoader("")  # only used for plain non-text scalars (int, float, bool, null)
        self._construct = {tag: constructor.yaml_constructors[tag].__get__(constructor) for tag in _PLAIN_TAGS}

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(Problem(_mark(self.file, node), message))

    def convert(self, node: Node, path: Path_) -> Any:
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        # An alias is the same node object reached twice: refuse it rather than share (or bomb) data.
        seen = self.seen
        if seen is not None:
            if id(node) in seen:
                self.problem(node, "YAML anchors and aliases are not allowed (the anchor is here)")
                return None
            seen.add(id(node))
        kind, tag = type(node), node.tag
        if kind is MappingNode:
            return self._mapping(node, path)
        if kind is SequenceNode:
            if tag != _SEQ:
                self.problem(node, f"YAML tag '{_tag(tag)}' is not allowed: content is plain data")
            convert = self.convert
            return [convert(item, path + (i,)) for i, item in enumerate(node.value)]
        if tag not in _PLAIN_TAGS:
            self.problem(node, f"YAML tag '{_tag(tag)}' is not allowed: content is plain data")
            return None
        value = node.value
        if len(value) > MAX_TEXT_BYTES // 4 and len(value.encode("utf-8")) > MAX_TEXT_BYTES:
            self.problem(node, f"text is {size_text(len(value.encode('utf-8')))}; "
                               f"the limit per text field is {size_text(MAX_TEXT_BYTES)}")
            return None
        if tag == _STR:  # what the constructor would return: the scalar's text
            if _NOTABLE.search(value) is not None:
                self._check_text(node, value, path)
            return value
        value = self._construct[tag](node)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(node, f"number {excerpt(node.value)} is not finite: NaN and infinity are not allowed")
            return None
        return value

    def _check_text(self, node: Node, value: str, path: Path_) -> None:
        """Control characters (from escapes such as "\\e") are errors; invisible ones are noted for the loader."""
        if (bad := CONTROL.search(value)) is not None:
            self.problem(node, f"control character {describe(bad.group())} is not allowed in text")
        if (marker := MARKERS.search(value)) is not None:
            self.problem(node, f"character {describe(marker.group())} is not allowed in text: rgann-cards marks its own "
                               "text with U+E000 to U+E0FF while it renders (cloze deletions, formulas, highlights)")
        if (hidden := INVISIBLE.search(value)) is not None:
            self.doc.invisible.setdefault(path, hidden.group())

    def _mapping(self, node: MappingNode, path: Path_) -> dict:
        if node.tag != _MAP:
            self.problem(node, f"YAML tag '{_tag(node.tag)}' is not allowed: content is plain data")
        result: dict = {}
        key_positions, convert = self.doc.key_positions, self.convert
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, "YAML merge keys ('<<') are not allowed")
                continue
            if tag != _STR or type(key_node) is not ScalarNode:
                self.problem(key_node, "keys must be plain text")
                continue
            key = key_node.value
            if key not in _CLEAN_KEYS:
                if (bad := CONTROL.search(key)) is not None:
                    self.problem(key_node, f"control character {describe(bad.group())} is not allowed in a key")
                    continue
                if len(_CLEAN_KEYS) < 4096:
                    _CLEAN_KEYS.add(key)
            if key in result:
                self.problem(key_node, f"duplicate key {excerpt(key)}")
                continue
            mark, inner = key_node.start_mark, path + (key,)
            key_positions[inner] = (mark.line + 1, mark.column + 1)
            result[key] = convert(value_node, inner)
        return result


# libyaml's parser is ~10x faster than the pure-Python one; both give the same node graph.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """A safe loader with its own copy of the implicit resolvers (so adding one does not leak)."""

    yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


# YAML 1.1 reads `1e-6` as text; authors mean a number (as in YAML 1.2), e.g. `tol: 1e-6`.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)
# The first characters an implicit resolver looks at; a scalar that starts with any other is text.
_RESOLVED_FIRST = frozenset(_Loader.yaml_implicit_resolvers)


_RESOLVED: dict[str, str] = {}  # a plain scalar's tag by its text: the same keys and numbers recur in every file
_RESOLVED_MAX = 4096


def _resolve(self, kind, value, implicit, _resolve=_Loader.resolve):
    """BaseResolver.resolve (libyaml's composer asks it the tag of every node), answered at once for
    the commonest node: a scalar that is quoted, or whose first character no implicit resolver
    looks at, is text, as the full look would find (no resolver matches, and a safe loader has no
    path resolvers). Any other plain scalar's tag depends on its text alone: the full look is
    made once per text (24,000 looks at 10k notes, most of them 'front', 'tags' or a number: 9 ms)."""
    if kind is ScalarNode:
        if not implicit[0] or value[:1] not in _RESOLVED_FIRST:
            return _STR
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = _resolve(self, kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[value] = tag
        return tag
    return _resolve(self, kind, value, implicit)


def _no_path_resolver(self, *_) -> None:
    """BaseResolver.descend_resolver and ascend_resolver, which return at once without path resolvers
    (the composer calls each once per node: 170,000 calls at 10k notes)."""


# only while nothing can make the shortcuts wrong: no wildcard resolver, no path resolver
if None not in _RESOLVED_FIRST and not _Loader.yaml_path_resolvers:
    _Loader.resolve = _resolve
    _Loader.descend_resolver = _Loader.ascend_resolver = _no_path_resolver


def _raw_characters(text: str, shown_as: str) -> list[Problem]:
    """Characters no YAML file may contain, each at its line and column (a NUL once: the file is binary)."""
    problems = []
    for match in RAW_CONTROL.finditer(text):
        start = match.start()
        line = text.count("\n", 0, start) + 1
        where = SourceLocation(shown_as, line, start - (text.rfind("\n", 0, start) + 1) + 1)
        if match.group() == "\0":
            return [Problem(where, "NUL byte in file (is it a binary file?); content files are UTF-8 text")]
        if len(problems) < 20:  # enough to find them; a file full of them is reported by its first ones
            kind = "character" if match.group() in "\ufffe\uffff" else "control character"
            problems.append(Problem(where, f"{kind} {describe(match.group())} is not allowed"))
    return problems


def read_yaml(path: Path, shown_as: str) -> SourceDoc:
    """Parse one YAML file into a SourceDoc, or raise ContentError with every problem in it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError.at(SourceLocation(shown_as), f"cannot read this file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError.at(
            SourceLocation(shown_as, line, column),
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if raw_problems := _raw_characters(text, shown_as):
        raise ContentError(raw_problems)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = SourceLocation(shown_as, mark.line + 1, mark.column + 1) if mark else SourceLocation(shown_as)
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.context_mark:
            # e.g. an unclosed quote: the error shows up far below where the string started
            start = exc.context_mark
            message += f" ({exc.context} that starts at line {start.line + 1}, column {start.column + 1})"
        raise ContentError.at(where, f"YAML syntax error: {message}") from None
    except yaml.YAMLError as exc:  # e.g. a character the reader refuses that the scan above let through
        position = getattr(exc, "position", None)
        where = SourceLocation(shown_as)
        if isinstance(position, int) and 0 <= position <= len(text):
            line_start = text.rfind("\n", 0, position) + 1
            where = SourceLocation(shown_as, text.count("\n", 0, position) + 1, position - line_start + 1)
        raise ContentError.at(where, f"YAML error: {excerpt(str(getattr(exc, 'reason', None) or exc), 80)}") from None
    finally:
        loader.dispose()
    converter = _Converter(shown_as, anchors="&" in text)
    if node is None:
        converter.doc.data = None
        converter.doc.positions[()] = (1, 1)
        return converter.doc
    converter.doc.data = converter.convert(node, ())
    if converter.problems:
        raise ContentError(converter.problems)
    return converter.doc
