"""A course's own figures: declarative diagrams (``diagrams/*.yaml``) and media files (``media/``).

The loader asks this module whether a ``figure:`` name or a Markdown image resolves, and
gets every problem back as ``path:line``. A figure name is, in this order: a diagram of
the course (a course's own diagram may replace a built-in figure of the same name), a
built-in figure module, or a path ``media/NAME.svg|png|jpg``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import ContentError, ProblemCollector, SourceLocation, display_path, excerpt
from .diagram_model import Diagram
from .files import DIAGRAMS_DIR, readable
from .media import MEDIA_DIR, MediaError, MediaFile, is_media_ref, load_media
from .validate import validate
from .yamlsource import read_yaml

_FIGURE_NAME = "abcdefghijklmnopqrstuvwxyz0123456789_"


class Assets:
    """The course's diagrams, loaded up front, and its media files, checked once each when first referenced."""

    def __init__(self, content_dir: Path, problems: ProblemCollector) -> None:
        from ..diagrams import known_figures

        self.content_dir = Path(content_dir)
        self.problems = problems
        self.diagrams = _load_diagrams(self.content_dir / DIAGRAMS_DIR, problems)
        self.builtin = known_figures()
        self.media: dict[str, MediaFile] = {}
        self._failed: dict[str, str] = {}

    def check_figure(self, loc: SourceLocation, name: str | None) -> None:
        if name is None:
            return
        if is_media_ref(name):
            self._media(loc, name)
            return
        names = self.builtin | set(self.diagrams)
        if name not in names:
            close = difflib.get_close_matches(name, sorted(names), n=1)
            hint = (f"did you mean '{close[0]}'?" if close else
                    f"available: {', '.join(sorted(names)) or 'none'}; or a file media/NAME.svg, .png or .jpg")
            self.problems.add(loc, f"unknown figure '{name}' ({hint})")

    def check_images(self, loc: SourceLocation, text: str | None) -> None:
        """Every Markdown image in ``text`` is a media file with alt text."""
        from ..markup.images import image_refs

        for src, alt in image_refs(text or ""):
            if not is_media_ref(src):
                self.problems.add(loc, f"image {excerpt(src, 60)} is not a file under {MEDIA_DIR}/: images are never "
                                       "fetched from the network (put the file in content/media/)")
                continue
            if not alt.strip():
                self.problems.add(loc, f"image {excerpt(src, 60)} has no alt text: "
                                       f"write ![what it shows]({excerpt(src, 60)[1:-1]})")
            self._media(loc, src)

    def _media(self, loc: SourceLocation, ref: str) -> None:
        if ref in self._failed:
            self.problems.add(loc, self._failed[ref])
            return
        if ref in self.media:
            return
        try:
            media, removed = load_media(self.content_dir, ref)
        except MediaError as exc:
            self._failed[ref] = str(exc)
            self.problems.add(loc, str(exc))
            return
        self.media[ref] = media
        if removed:
            self.problems.warn(loc, f"image '{ref}': removed what a figure may not contain: {', '.join(removed)}")


def _load_diagrams(directory: Path, problems: ProblemCollector) -> dict[str, Diagram]:
    diagrams: dict[str, Diagram] = {}
    if not directory.is_dir():
        return diagrams
    for path in sorted(directory.glob("*.yaml")):
        shown = display_path(path)
        name = path.stem
        if not name or name[0].isdigit() or any(c not in _FIGURE_NAME for c in name):
            problems.add(SourceLocation(shown), f"diagram file name '{path.name}': use lowercase letters, digits "
                                                "and '_' (the name is what 'figure:' refers to)")
            continue
        if readable(path, directory.parent, problems) is None:
            continue  # a symlink out of content/, a directory, a FIFO or too large: reported, not read
        try:
            doc = read_yaml(path, shown)
            if not isinstance(doc.data, dict):
                problems.add(doc.loc(()), "expected a mapping with 'title', 'nodes' and 'edges'")
                continue
            _stamp_all(doc, doc.data, ())
            diagram = validate(Diagram, doc, doc.data)
        except ContentError as exc:
            problems.extend(exc)
            continue
        if _check_graph(diagram, doc, problems):
            diagrams[name] = diagram
    return diagrams


def _stamp_all(doc, data, path) -> None:
    """A location on every mapping, so that each node and edge can be reported at its own line."""
    if isinstance(data, dict):
        data.setdefault("loc", doc.loc(path))
        for key, value in data.items():
            if key != "loc":
                _stamp_all(doc, value, path + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict):
                _stamp_all(doc, item, path + (i,))


def _check_graph(diagram: Diagram, doc, problems: ProblemCollector) -> bool:
    before = len(problems.problems)
    ids: set[str] = set()
    for i, node in enumerate(diagram.nodes):
        if node.id in ids:
            problems.add(doc.loc(("nodes", i, "id")), f"duplicate node id '{node.id}'")
        ids.add(node.id)
        if node.shape == "funnel" and diagram.direction != "right":
            problems.add(doc.loc(("nodes", i, "shape")), "a funnel needs 'direction: right'")
        for field in ("label", "note"):
            text = getattr(node, field)
            if text is not None and text.count("$") % 2:
                problems.add(doc.loc(("nodes", i, field)), "unbalanced '$' in a label (math is $...$)")
    for i, edge in enumerate(diagram.edges):
        for field, node_id in (("from", edge.source), ("to", edge.to)):
            if node_id not in ids:
                problems.add(doc.loc(("edges", i, field)), f"unknown node '{node_id}'{_suggest(node_id, ids)}")
        if edge.source == edge.to:
            problems.add(doc.loc(("edges", i)), "an edge needs two different nodes")
    for i, group in enumerate(diagram.groups):
        for j, node_id in enumerate(group.nodes):
            if node_id not in ids:
                problems.add(doc.loc(("groups", i, "nodes", j)), f"unknown node '{node_id}'{_suggest(node_id, ids)}")
    return len(problems.problems) == before


def _suggest(name: str, names: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(names), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


