"""Figure modules -> SVG bytes: deterministic, self-contained, cached under a hash of all that shapes them.

A figure is redrawn only when its cache key changes. The key covers the
figure module's source and PARAMS, the style and this module (they shape every
figure), the check modules a data figure plots from (its DEPENDS), and the
matplotlib and NumPy versions. Computing the key reads files and never imports
matplotlib, so a warm build costs file reads only.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import io
import json
import os
import re
import tempfile
from html import escape
from pathlib import Path
from types import ModuleType

from . import known_figures



def _default_cache_dir() -> Path:
    """$CARDS_CACHE/figures if set (alias $RGANN_CACHE), else the user cache directory's figures/.

    Not the working directory: a build run from anywhere must not litter it, and every
    course and checkout shares the cache (keys are content hashes, so sharing is safe).
    """
    from platformdirs import user_cache_path

    from ..env import getenv

    root = getenv("CACHE")
    return (Path(root) if root else user_cache_path("rgann-cards", appauthor=False)) / "figures"


DEFAULT_CACHE_DIR = _default_cache_dir()
KEY_VERSION = "1"  # bump to invalidate every cached figure at once
_HERE = Path(__file__).resolve().parent
_PROJECT_PACKAGE = __package__.rpartition(".")[0]  # "rgann_cards": DEPENDS names are relative to it
# SVG metadata: a <title> for screen readers; no date, creator or other per-run text.
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def figure_module(name: str) -> ModuleType:
    """The figure's module (cheap: figure modules import matplotlib only inside ``draw``)."""
    if name not in known_figures():
        raise ValueError(f"unknown figure '{name}' (available: {', '.join(sorted(known_figures()))})")
    return importlib.import_module(f"{__package__}.{name}")


def cache_key(name: str) -> str:
    """A hex digest of everything that determines the figure's bytes."""
    module = figure_module(name)
    parts = [KEY_VERSION, name, _read(module.__file__), _read(_HERE / "style.py"), _read(_HERE / "sizes.py"),
             _read(__file__)]
    for dependency in getattr(module, "DEPENDS", ()):
        spec = importlib.util.find_spec(f"{_PROJECT_PACKAGE}.{dependency}")
        if spec is None or spec.origin is None:
            raise ValueError(f"figure '{name}' depends on unknown module '{dependency}'")
        parts.append(_read(spec.origin))
    parts.append(json.dumps(getattr(module, "PARAMS", {}), sort_keys=True, default=repr))
    parts.append(_library_versions())
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: no two part lists collide
    return digest.hexdigest()[:20]


def render_figures(names, cache_dir: Path | None = DEFAULT_CACHE_DIR, diagrams: dict | None = None,
                   queue=None) -> dict[str, bytes]:
    """SVG bytes for each named figure, sorted by name. ``cache_dir=None`` draws everything and caches nothing.

    ``diagrams`` are the course's declarative diagrams (name -> Diagram); a name found there is drawn
    from its data, any other name by the built-in figure module of that name. With ``queue`` (a
    ``shared.FigureQueue``), the figures to draw are put on it, and a check worker may take built-in
    ones from its back while this process draws from its front.
    """
    from .shared import FigureQueue

    diagrams = diagrams or {}
    wanted = sorted(set(names))
    svgs: dict[str, bytes] = {}
    paths: dict[str, Path] = {}
    for name in wanted:
        if cache_dir is None:
            continue
        diagram = diagrams.get(name)
        key = diagram_key(name, diagram) if diagram is not None else cache_key(name)
        paths[name] = Path(cache_dir) / f"{name}-{key}.svg"
        try:
            svgs[name] = _safe(paths[name].read_bytes())
        except OSError:  # missing, or unreadable: draw it
            pass
    missing = [name for name in wanted if name not in svgs]
    # A worker may draw the built-ins, first those that plot a check's numbers: it has the check
    # modules loaded already. Declarative diagrams need the course model, which only this process has.
    builtin = {n for n in missing if n not in diagrams}
    shared = queue is not None
    queue = queue if shared else FigureQueue()
    queue.add(missing, builtin, {n for n in builtin if _depends(n)} if shared else set())
    while (name := queue.take_front()) is not None:
        svgs[name] = _draw(name, diagrams.get(name))
    for name in queue.taken():
        drawn = queue.result(name)
        svgs[name] = _safe(drawn) if drawn is not None else _draw(name, None)  # a worker that failed: draw it here
    for name in missing:
        if name in paths:
            try:
                _store(paths[name], svgs[name])
            except OSError:
                pass  # a cache that cannot be written (full disk, read-only) only makes the next build slower
    return {name: svgs[name] for name in wanted}


def _draw(name: str, diagram) -> bytes:
    return _safe(draw_diagram_svg(name, diagram) if diagram is not None else draw_svg(name))


def _depends(name: str) -> bool:
    return bool(getattr(figure_module(name), "DEPENDS", ()))


def _safe(svg: bytes) -> bytes:
    # Our own drawings pass the same wall as an author's files (and come back as the same bytes).
    from .svg_safe import clean_svg

    return clean_svg(svg).data


def diagram_key(name: str, diagram) -> str:
    """A hex digest of everything that determines a declarative diagram's bytes: its data and the drawing code."""
    parts = [KEY_VERSION, "diagram", name, json.dumps(_without_locations(diagram.model_dump(by_alias=True)),
                                                      sort_keys=True), _read(_HERE / "declarative.py"),
             _read(_HERE / "style.py"), _read(__file__), _library_versions()]
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:20]


def _without_locations(value):
    # Where a diagram sits in its file must not redraw it: only what it says counts.
    if isinstance(value, dict):
        return {k: _without_locations(v) for k, v in value.items() if k != "loc"}
    if isinstance(value, list):
        return [_without_locations(v) for v in value]
    return value


def draw_diagram_svg(name: str, diagram) -> bytes:
    """Draw a declarative diagram now (no cache) and return its SVG bytes, in the style of every figure."""
    from . import declarative

    return _to_svg(name, diagram.title, lambda: declarative.draw(diagram, name))


def draw_svg(name: str) -> bytes:
    """Draw one figure now (no cache) and return its SVG bytes."""
    module = figure_module(name)
    return _to_svg(name, module.TITLE, module.draw)


def _to_svg(name: str, title: str, make) -> bytes:
    mpl = _matplotlib()
    from . import style

    # rc_context, not global rcParams: drawing must neither depend on nor leak into other matplotlib users.
    with mpl.rc_context({**style.RC, "svg.id": f"{name}-figure"}):
        fig = make()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Title": title, **_METADATA})
    svg = _add_titles(buffer.getvalue().decode("utf-8"), fig.rgann_labels)
    return _namespace_ids(svg, f"{name}-").encode("utf-8")


def render_png(name: str, path: Path, *, dpi: int = 150, diagram=None) -> None:
    """Draw one figure (or a declarative diagram) as a PNG, for reviewing the drawing; the outputs use SVG."""
    mpl = _matplotlib()
    from . import declarative, style

    with mpl.rc_context(style.RC):
        fig = declarative.draw(diagram, name) if diagram is not None else figure_module(name).draw()
        fig.savefig(path, format="png", dpi=dpi, metadata={"Software": None})


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg", force=True)  # headless; pyplot, if anything imports it, must not open a GUI backend
    return matplotlib


def _add_titles(svg: str, labels: dict[str, str]) -> str:
    """Put each label's plain text in a <title> inside its group: text is drawn as outlines, so say what it reads."""
    for gid, plain in labels.items():
        opening = f'<g id="{gid}">'
        if opening not in svg:
            raise ValueError(f"labelled artist '{gid}' was not drawn")
        svg = svg.replace(opening, f"{opening}\n   <title>{escape(plain, quote=False)}</title>", 1)
    return svg


def _namespace_ids(svg: str, prefix: str) -> str:
    """Prefix matplotlib's ids (glyphs, clip paths, groups) so several figures can be inlined in one page."""
    ids = {i for i in re.findall(r'\bid="([^"]+)"', svg) if not i.startswith(prefix)}
    if not ids:
        return svg
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    pattern = re.compile(rf'(\bid="|#)({alternatives})(?=[")])')
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def _store(path: Path, data: bytes) -> None:
    """Write atomically, then drop the figure's stale versions so the cache holds one file per figure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name.rpartition("-")[0]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in path.parent.glob(f"{name}-*.svg"):  # names have no '-', so this matches this figure only
        if old != path:
            old.unlink(missing_ok=True)


def _read(path) -> str:
    return Path(path).read_text("utf-8")


@functools.cache
def _library_versions() -> str:
    from ..libraries import version

    return " ".join(f"{lib}={version(lib)}" for lib in ("matplotlib", "numpy"))
