"""A parsed document as the reading child sends it (content/reading.py): its data, and its positions
packed, with only those at hand that every load asks for.

A SourceDoc holds a (line, column) for every node and key of its file: at 10,000 notes pickling
them took the child 28 ms and unpickling them this process 18 ms, yet a clean build looks up only
the mappings that become models (their ``loc``), the deck name and the figures. So the child sends
those as a dict, and every position as two flat arrays of numbers, in the order read_yaml made them
(the data walked depth first: 10 ms to dump, 7 to load). The first lookup of any other position,
and of any key's, unpacks the arrays into the full dicts, by walking the data the same way: every
message then names the same ``path:line:column`` as a document parsed here.
"""

from __future__ import annotations

from array import array
from itertools import chain
from typing import Any

from ..errors import SourceLocation
from .yamlsource import Path_, SourceDoc


def pack(doc: SourceDoc) -> tuple:
    """What the child sends of ``doc``: ``SentDoc(*pack(doc))`` finds every position ``doc`` finds."""
    nodes = array("I", chain.from_iterable(doc.positions.values())).tobytes()
    keys = array("I", chain.from_iterable(doc.key_positions.values())).tobytes()
    return doc.file, doc.data, _at_hand(doc), nodes, keys, doc.invisible


def _at_hand(doc: SourceDoc) -> dict[Path_, tuple[int, int]]:
    """The positions a clean load asks for (content/load.py: the stamped models, the deck name, the
    figures); asking for any other only costs the unpacking."""
    wanted: list[Path_] = [(), ("deck",)]
    data = doc.data
    exercises = data.get("exercises") if isinstance(data, dict) else None
    for i, exercise in enumerate(exercises if isinstance(exercises, list) else ()):
        at = ("exercises", i)
        wanted.append(at)
        if not isinstance(exercise, dict):
            continue
        wanted.append(at + ("figure",))
        for name in ("checks", "cards"):
            items = exercise.get(name)
            for k in range(len(items) if isinstance(items, list) else 0):
                wanted += (at + (name, k), at + (name, k, "figure"))
    positions = doc.positions
    return {path: positions[path] for path in wanted if path in positions}


class SentDoc(SourceDoc):
    """A SourceDoc whose positions arrived packed (``pack``): ``positions`` and ``key_positions``
    are the full dicts whenever they are read; loc() and key_loc() unpack them only when needed."""

    def __init__(self, file: str, data: Any, at_hand: dict, nodes: bytes, keys: bytes, invisible: dict):
        super().__init__(file, data, at_hand, {}, invisible)
        self._packed: tuple[bytes, bytes] | None = (nodes, keys)

    @property
    def positions(self) -> dict[Path_, tuple[int, int]]:
        self._unpack()
        return self._positions

    @positions.setter
    def positions(self, value: dict) -> None:
        self._positions = value

    @property
    def key_positions(self) -> dict[Path_, tuple[int, int]]:
        self._unpack()
        return self._key_positions

    @key_positions.setter
    def key_positions(self, value: dict) -> None:
        self._key_positions = value

    def loc(self, path: Path_) -> SourceLocation:
        found = self._positions.get(tuple(path))
        return self._location(found) if found is not None else super().loc(path)

    def _unpack(self) -> None:
        if self._packed is None:
            return
        nodes, keys = ([], [])
        _walk(self.data, (), nodes, keys)
        packed, self._packed = self._packed, None
        self._positions = _zipped(nodes, packed[0])
        self._key_positions = _zipped(keys, packed[1])


def _walk(data: Any, path: Path_, nodes: list[Path_], keys: list[Path_]) -> None:
    """Every path of ``data`` in the order read_yaml recorded their positions (content/yamlsource.py
    _Converter.convert); a ``loc`` the loader stamped in (a SourceLocation, which no file can hold) is not
    the file's."""
    nodes.append(path)
    if type(data) is dict:
        for key, value in data.items():
            if key == "loc" and type(value) is SourceLocation:
                continue
            inner = path + (key,)
            keys.append(inner)
            _walk(value, inner, nodes, keys)
    elif type(data) is list:
        for i, item in enumerate(data):
            _walk(item, path + (i,), nodes, keys)


def _zipped(paths: list[Path_], packed: bytes) -> dict[Path_, tuple[int, int]]:
    numbers = array("I")
    numbers.frombytes(packed)
    if len(numbers) != 2 * len(paths):
        raise AssertionError(f"{len(paths)} paths, {len(numbers) // 2} positions")
    flat = iter(numbers)
    return {path: (line, column) for path, line, column in zip(paths, flat, flat)}
