"""The one visual style of every figure: palette, fonts, line widths, and the shared drawing helpers.

Figures are drawn on a canvas whose data units are inches, so sizes written in
a figure module are what the reader sees (at 100 % zoom) and text sizes in
points can be reasoned about against them (1 in = 72 pt).

Every labelled artist gets an SVG id ``<figure>-<key>`` and a plain-text title
(see ``tag``): text becomes glyph outlines in the SVG, so ids and titles are
what tests, screen readers and tooltips can read.

This module imports matplotlib; only ``render`` imports it, inside drawing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch, Polygon, Rectangle
from matplotlib.path import Path

from .sizes import FONT_SIZE, SMALL  # noqa: F401 -- figure modules read them as style.SMALL

# Palette. Ink and accents are dark enough for print and for the light panel
# figures sit on in night mode; fills are pale so black text on them stays crisp.
INK = "#111111"
WHITE = "#ffffff"
BLUE = "#1f5fa8"    # the discriminator; highlighted dependencies
RED = "#b2182b"     # gradients and losses
GREEN = "#1b7837"   # the generator
ORANGE = "#9a4a00"  # randomness (noise, sampling)
GRID = "#d0d0d0"    # plot grid lines only, never text
FILLS = {
    "layer": "#dce8f6",   # learned weights: encoders, decoders, weight layers, G, D
    "gate": "#fde2bd",    # sigmoid gates
    "data": "#e3f1de",    # inputs, outputs, samples
    "state": "#ececec",   # states and codes
    "loss": "#f8dcdc",
    "noise": "#fff1c2",
    "op": WHITE,          # junctions: ×, +, ⊕
}

FONT = "DejaVu Sans"  # shipped inside matplotlib, so every machine draws the same glyphs
LINE = 1.4            # outlines and arrows
THIN = 1.0            # secondary lines (plot grids, brackets)
HEAD = 11.0           # arrow-head scale in points
ARROW = "-|>,head_length=0.55,head_width=0.3"
DASH = (0, (4, 2.5))  # dashed lines: gradients, random nodes, groupings

RC = {
    "font.family": FONT,
    "font.size": FONT_SIZE,
    "mathtext.fontset": "dejavusans",  # math in the text font: same weight and x-height, legible when small
    "mathtext.default": "it",
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.linewidth": THIN,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "lines.linewidth": 2.0,
    "figure.facecolor": WHITE,
    "savefig.facecolor": WHITE,  # opaque: legible on any background, night mode included
    "svg.fonttype": "path",      # glyph outlines: identical on every machine, no font needed
    "svg.hashsalt": "rgann-cards",
    "path.simplify": False,
}


@dataclass(frozen=True)
class Node:
    """A drawn shape: its centre, size and patch (arrows are clipped at the patch's border)."""

    x: float
    y: float
    w: float
    h: float
    patch: Patch

    @property
    def left(self) -> tuple[float, float]:
        return (self.x - self.w / 2, self.y)

    @property
    def right(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y)

    @property
    def top(self) -> tuple[float, float]:
        return (self.x, self.y + self.h / 2)

    @property
    def bottom(self) -> tuple[float, float]:
        return (self.x, self.y - self.h / 2)


def _figure(module: str, width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    fig.rgann_name = module.rpartition(".")[2]  # prefixes the SVG ids of labels
    fig.rgann_labels = {}                        # SVG id -> plain text, written as <title> by render
    return fig


def canvas(module: str, width: float, height: float) -> tuple[Figure, Axes]:
    """A figure of ``width`` x ``height`` inches with one axes whose data units are inches."""
    fig = _figure(module, width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def plot_figure(module: str, width: float, height: float) -> Figure:
    """A figure for data plots (add axes with ``plot_axes``)."""
    return _figure(module, width, height)


def plot_axes(fig: Figure, rect: tuple[float, float, float, float]) -> Axes:
    """Axes in the shared plot style: no top/right spines, a light grid behind the data."""
    ax = fig.add_axes(rect)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color=GRID, lw=THIN * 0.8)
    ax.set_axisbelow(True)
    ax.tick_params(length=4, width=THIN)
    return ax


def tag(artist, key: str, plain: str | None = None):
    """Give ``artist`` the SVG id ``<figure>-<key>`` and a plain-text title (default: its own text)."""
    fig = artist.figure
    gid = f"{fig.rgann_name}-{key}"
    if gid in fig.rgann_labels:
        raise ValueError(f"duplicate label key {key!r}")
    artist.set_gid(gid)
    fig.rgann_labels[gid] = plain if plain is not None else to_plain(artist.get_text())
    return artist


def label(ax: Axes, x: float, y: float, text: str, key: str, *, size: float = FONT_SIZE, color: str = INK,
          ha: str = "center", va: str = "center", plain: str | None = None, **kwargs):
    """Text (mathtext allowed) at (x, y), tagged so the SVG says what it reads."""
    artist = ax.text(x, y, text, fontsize=size, color=color, ha=ha, va=va, zorder=5, **kwargs)
    return tag(artist, key, plain)


def box(ax: Axes, x: float, y: float, w: float, h: float, text: str, key: str, *, kind: str = "layer",
        size: float = FONT_SIZE, edge: str = INK) -> Node:
    """A rounded box centred at (x, y) with a centred label."""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.07",
                           fc=FILLS[kind], ec=edge, lw=LINE, zorder=2)
    ax.add_patch(patch)
    label(ax, x, y, text, key, size=size)
    return Node(x, y, w, h, patch)


def frame(ax: Axes, x: float, y: float, w: float, h: float) -> Node:
    """A dashed, unfilled rounded rectangle centred at (x, y) that groups shapes (μ and σ, a residual branch)."""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.07", fill=False,
                           ec=INK, lw=THIN * 1.2, ls=DASH, zorder=1.5)
    ax.add_patch(patch)
    return Node(x, y, w, h, patch)


def circle(ax: Axes, x: float, y: float, r: float, text: str, key: str | None, *, kind: str = "op",
           size: float = FONT_SIZE, dashed: bool = False, edge: str = INK) -> Node:
    """A circle centred at (x, y): junctions (×, +, ⊕), gates, random variables."""
    patch = Circle((x, y), r, fc=FILLS[kind], ec=edge, lw=LINE, ls=DASH if dashed else "-", zorder=2)
    ax.add_patch(patch)
    if text:
        artist = ax.text(x, y, text, fontsize=size, ha="center", va="center", zorder=5)
        if key:
            tag(artist, key)
    return Node(x, y, 2 * r, 2 * r, patch)


def trapezoid(ax: Axes, x0: float, x1: float, y: float, h0: float, h1: float, text: str, key: str, *,
              kind: str = "layer", size: float = FONT_SIZE) -> Node:
    """A horizontal trapezoid from x0 (height h0) to x1 (height h1): an encoder narrows, a decoder widens."""
    points = [(x0, y - h0 / 2), (x1, y - h1 / 2), (x1, y + h1 / 2), (x0, y + h0 / 2)]
    patch = Polygon(points, closed=True, fc=FILLS[kind], ec=INK, lw=LINE, joinstyle="round", zorder=2)
    ax.add_patch(patch)
    label(ax, (x0 + x1) / 2, y, text, key, size=size)
    return Node((x0 + x1) / 2, y, x1 - x0, max(h0, h1), patch)


def vector(ax: Axes, x: float, y: float, n: int, *, kind: str = "data", cell: float = 0.27) -> Node:
    """A column of n cells centred at (x, y): the components of a vector (input, code, reconstruction)."""
    bottom = y - n * cell / 2
    for i in range(n):
        ax.add_patch(Rectangle((x - cell / 2, bottom + i * cell), cell, cell, fc=FILLS[kind], ec=INK, lw=LINE,
                               zorder=2))
    outline = Rectangle((x - cell / 2, bottom), cell, n * cell, fill=False, lw=0, zorder=2)
    ax.add_patch(outline)  # invisible: only for clipping arrows at the column's border
    return Node(x, y, cell, n * cell, outline)


def _end(point) -> tuple[tuple[float, float], Patch | None]:
    return ((point.x, point.y), point.patch) if isinstance(point, Node) else (tuple(point), None)


def arrow(ax: Axes, start, end, *, color: str = INK, dashed: bool = False, connection: str = "arc3",
          zorder: float = 3, gap: float = 1.5) -> FancyArrowPatch:
    """An arrow between two points or Nodes (clipped at a Node's border), ``gap`` points short of each end."""
    (a, patch_a), (b, patch_b) = _end(start), _end(end)
    patch = FancyArrowPatch(a, b, patchA=patch_a, patchB=patch_b, arrowstyle=ARROW, connectionstyle=connection,
                            mutation_scale=HEAD, lw=LINE, color=color, ls=DASH if dashed else "-",
                            shrinkA=gap, shrinkB=gap, zorder=zorder, capstyle="butt", joinstyle="miter")
    ax.add_patch(patch)
    return patch


def route(ax: Axes, points: list[tuple[float, float]], *, color: str = INK, dashed: bool = False,
          head: bool = True, zorder: float = 3) -> FancyArrowPatch:
    """An arrow along a polyline (right-angled routes); the caller puts the ends on shape borders."""
    path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
    patch = FancyArrowPatch(path=path, arrowstyle=ARROW if head else "-", mutation_scale=HEAD, lw=LINE,
                            color=color, ls=DASH if dashed else "-", zorder=zorder, joinstyle="miter")
    ax.add_patch(patch)
    return patch


# Plain-text titles: the mathtext source with its commands spelled as the symbols they draw.
_SYMBOLS = {
    "varphi": "φ", "phi": "ϕ", "iota": "ι", "omega": "ω", "mu": "μ", "sigma": "σ", "epsilon": "ε", "theta": "θ",
    "odot": "⊙", "oplus": "⊕", "times": "×", "sim": "~", "partial": "∂", "Vert": "‖", "mid": "|", "to": "→",
    "cdot": "·", "ldots": "…", "neq": "≠", "in": "∈", "nabla": "∇", "infty": "∞", "qquad": "   ",
    "quad": " ", "left": "", "right": "",
}  # any other command (\log, \tanh, \min, ...) prints as its name
_COMMAND_ARGUMENT = re.compile(r"\\(?:mathrm|mathbf|mathcal|mathbb|operatorname|text)\{([^{}]*)\}")
_FRACTION = re.compile(r"\\d?frac\{([^{}]*)\}\{([^{}]*)\}")
_ACCENT = re.compile(r"\\(overrightarrow|overleftarrow|hat|tilde)\{([^{}]*)\}")
_ACCENTS = {"overrightarrow": "→", "overleftarrow": "←", "hat": "\u0302", "tilde": "\u0303"}
_SCRIPT = re.compile(r"([_^])\{([^{}]*)\}")


def to_plain(text: str) -> str:
    """Readable Unicode for a mathtext label, e.g. r"forget gate $\\varphi$" -> "forget gate φ"."""
    text = _COMMAND_ARGUMENT.sub(r"\1", text.replace("$", "").replace(r"\|", "‖"))
    text = _FRACTION.sub(r"\1/\2", text)
    text = _ACCENT.sub(lambda m: m.group(2) + _ACCENTS[m.group(1)], text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _SYMBOLS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"\\[,;!: ]", " ", text)
    text = _SCRIPT.sub(lambda m: m.group(1) + (m.group(2) if len(m.group(2)) == 1 else f"({m.group(2)})"), text)
    text = text.replace("{", "").replace("}", "").replace("∂ ", "∂")
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())  # y + U+0302 -> ŷ
