"""Declarative diagrams: a ``Diagram`` (content/diagrams/NAME.yaml) laid out and drawn in the figures' style.

Layout is layered, as in most box-and-arrow figures: a node's *step* along the
direction is its longest path from a source (edges are read in order, so a loop back
does not push its target on), and nodes of one step are stacked in *lanes* across it,
in the order they are declared. ``at: [step, lane]`` pins a node where the automatic
layout would not put it. Shapes are sized from their labels, measured with the same
font the figure is drawn in, so a label always fits its box.

Everything here is a pure function of the diagram, which makes the SVG deterministic
and lets the cache key be the diagram's own data.
"""

from __future__ import annotations

from dataclasses import dataclass

PAD_W, PAD_H = 0.32, 0.26  # inches around a label inside its shape
STEP_GAP, LANE_GAP = 0.55, 0.5  # between shapes along and across the direction
MARGIN = 0.2
LABEL_OFFSET, NOTE_OFFSET = 0.24, 0.22  # a vector's label above it, a note below a shape
FUNNEL_WIDTH = 1.5  # wide enough to read as narrowing or widening
CELL = 0.27  # a vector's cell, as in the built-in figures


@dataclass
class _Placed:
    node: object  # DiagramNode
    w: float
    h: float
    x: float = 0.0
    y: float = 0.0


def draw(diagram, name: str):
    """A matplotlib Figure of ``diagram``; its labelled artists are tagged ``<name>-<node id>``."""
    from . import style

    placed = _layout(diagram, _measure(diagram, style))
    boxes = [_bounds(p, style) for p in placed.values()]
    groups = 0.15 if diagram.groups else 0.0
    x0, y0 = min(b[0] for b in boxes) - MARGIN - groups, min(b[1] for b in boxes) - MARGIN - groups
    width = max(b[2] for b in boxes) - x0 + MARGIN + groups
    height = max(b[3] for b in boxes) - y0 + MARGIN + 2 * groups
    fig, ax = style.canvas(name, round(width, 3), round(height, 3))
    fig.rgann_name = name
    for p in placed.values():
        p.x, p.y = p.x - x0, p.y - y0
    shapes = {node_id: _shape(ax, p, style, placed) for node_id, p in placed.items()}
    for p in placed.values():
        if p.node.note:
            style.label(ax, p.x, p.y - p.h / 2 - NOTE_OFFSET, p.node.note, f"n-{p.node.id}-note", size=style.SMALL,
                        color=_color(style, p.node.color))
    for k, edge in enumerate(diagram.edges):
        _edge(ax, style, shapes[edge.source], shapes[edge.to], edge, k, diagram.direction)
    for k, group in enumerate(diagram.groups):
        members = [placed[n] for n in group.nodes]
        left = min(p.x - p.w / 2 for p in members) - 0.12
        right = max(p.x + p.w / 2 for p in members) + 0.12
        bottom = min(p.y - p.h / 2 for p in members) - 0.12
        top = max(p.y + p.h / 2 for p in members) + 0.12
        style.frame(ax, (left + right) / 2, (bottom + top) / 2, right - left, top - bottom)
        if group.label:
            style.label(ax, left, top + 0.15, group.label, f"g-{k}", size=style.SMALL, ha="left")
    return fig


def _bounds(p: _Placed, style) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a node with its outside labels: a vector's name above, a note below."""
    left, right, bottom, top = p.x - p.w / 2, p.x + p.w / 2, p.y - p.h / 2, p.y + p.h / 2
    if p.node.shape == "vector":
        w, h = _text_size(style, p.node.label, style.FONT_SIZE)
        left, right, top = min(left, p.x - w / 2), max(right, p.x + w / 2), top + LABEL_OFFSET + h / 2
    if p.node.note:
        w, h = _text_size(style, p.node.note, style.SMALL)
        left, right, bottom = min(left, p.x - w / 2), max(right, p.x + w / 2), bottom - NOTE_OFFSET - h / 2
    return left, bottom, right, top


def _color(style, name: str) -> str:
    return {"ink": style.INK, "red": style.RED, "blue": style.BLUE, "green": style.GREEN,
            "orange": style.ORANGE}[name]


def _text_size(style, text: str, size: float) -> tuple[float, float]:
    """Width and height in inches of a (multi-line, mathtext) label, as matplotlib will draw it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    prop = FontProperties(family=style.FONT)
    widths, height = [], 0.0
    for line in text.split("\n"):
        extents = TextPath((0, 0), line or " ", size=size, prop=prop).get_extents()
        widths.append(extents.width / 72)
        height += max(extents.height, size * 0.75) / 72 * 1.25
    return max(widths), height


def _measure(diagram, style) -> dict[str, _Placed]:
    sizes: dict[str, _Placed] = {}
    for node in diagram.nodes:
        w, h = _text_size(style, node.label, style.FONT_SIZE)
        if node.shape == "circle":
            side = max(0.48, max(w, h) + 0.16)
            sizes[node.id] = _Placed(node, side, side)
        elif node.shape == "vector":
            sizes[node.id] = _Placed(node, CELL, node.cells * CELL)
        elif node.shape == "text":
            sizes[node.id] = _Placed(node, w, h)
        elif node.shape == "funnel":
            sizes[node.id] = _Placed(node, max(FUNNEL_WIDTH, w + PAD_W), max(0.5, h + PAD_H))
        else:
            sizes[node.id] = _Placed(node, max(0.8, w + PAD_W), max(0.5, h + PAD_H))
    for node in diagram.nodes:  # a funnel spans from its inputs' height to its outputs'
        if node.shape == "funnel":
            ins, outs = _neighbour_heights(diagram, sizes, node.id)
            sizes[node.id].h = max(ins, outs, sizes[node.id].h)
    return sizes


def _neighbour_heights(diagram, sizes, node_id: str) -> tuple[float, float]:
    ins = [sizes[e.source].h for e in diagram.edges if e.to == node_id and sizes[e.source].node.shape != "funnel"]
    outs = [sizes[e.to].h for e in diagram.edges if e.source == node_id and sizes[e.to].node.shape != "funnel"]
    return max(ins, default=0.66), max(outs, default=0.66)


def _steps(diagram) -> dict[str, int]:
    order = {n.id: i for i, n in enumerate(diagram.nodes)}
    step = {n.id: 0 for n in diagram.nodes}
    for _ in diagram.nodes:  # longest path, relaxed at most once per node: loops cannot run away
        changed = False
        for edge in diagram.edges:
            forward = order[edge.source] < order[edge.to] or step[edge.source] < step[edge.to]
            if forward and step[edge.to] < step[edge.source] + 1:
                step[edge.to] = step[edge.source] + 1
                changed = True
        if not changed:
            break
    return step


def _layout(diagram, placed: dict[str, _Placed]) -> dict[str, _Placed]:
    steps = _steps(diagram)
    position: dict[str, tuple[float, float]] = {}
    by_step: dict[int, list[str]] = {}
    for node in diagram.nodes:
        if node.at is None:
            by_step.setdefault(steps[node.id], []).append(node.id)
        else:
            position[node.id] = (node.at[0], node.at[1])
    for step, ids in by_step.items():
        for lane, node_id in enumerate(ids):
            position[node_id] = (float(step), lane - (len(ids) - 1) / 2)
    across = "h" if diagram.direction == "right" else "w"
    along = "w" if across == "h" else "h"
    # Step k starts where the widest shape of every earlier step has ended; lanes share one pitch.
    # A pinned shape widens its step only where nothing was placed automatically: a wide box pinned
    # under a row (a loss under the network) must not push the row apart.
    max_steps = int(max(s for s, _ in position.values())) + 1
    automatic = {i for ids in by_step.values() for i in ids}
    extent = []
    for k in range(max(max_steps, 1)):
        members = [i for i, (s, _) in position.items() if round(s) == k]
        counted = [i for i in members if i in automatic] or members
        extent.append(max((getattr(placed[i], along) for i in counted), default=0.8))
    pitch = max(getattr(p, across) for p in placed.values()) + LANE_GAP
    for node_id, (step, lane) in position.items():
        whole = min(int(step), len(extent) - 1)
        start = sum(extent[:whole]) + STEP_GAP * whole + extent[whole] / 2
        along_pos = start + (step - whole) * (extent[whole] + STEP_GAP)
        p = placed[node_id]
        if diagram.direction == "right":
            p.x, p.y = along_pos, -lane * pitch
        else:
            p.x, p.y = lane * pitch, -along_pos
    return placed


def _shape(ax, p: _Placed, style, placed):
    node = p.node
    edge = _color(style, node.color)
    if node.shape == "circle":
        return style.circle(ax, p.x, p.y, p.w / 2, node.label, f"n-{node.id}", kind=node.fill, dashed=node.dashed, edge=edge)
    if node.shape == "vector":
        shape = style.vector(ax, p.x, p.y, node.cells, kind=node.fill, cell=CELL)
        style.label(ax, p.x, p.y + p.h / 2 + LABEL_OFFSET, node.label, f"n-{node.id}")
        return shape
    if node.shape == "text":
        style.label(ax, p.x, p.y, node.label, f"n-{node.id}", color=edge)
        return style.Node(p.x, p.y, p.w, p.h, None)
    if node.shape == "funnel":
        return _funnel(ax, p, style, placed)
    return style.box(ax, p.x, p.y, p.w, p.h, node.label, f"n-{node.id}", kind=node.fill, edge=edge)


def _funnel(ax, p: _Placed, style, placed):
    # The two ends take the heights of the neighbours in its lane: an encoder narrows, a decoder widens.
    lane = [q for q in placed.values() if q is not p and abs(q.y - p.y) < 1e-6]
    before = max((q for q in lane if q.x < p.x), key=lambda q: q.x, default=None)
    after = min((q for q in lane if q.x > p.x), key=lambda q: q.x, default=None)
    h0, h1 = (before.h if before else 0.66), (after.h if after else 0.66)
    return style.trapezoid(ax, p.x - p.w / 2, p.x + p.w / 2, p.y, h0, h1, p.node.label, f"n-{p.node.id}",
                           kind=p.node.fill)


def _edge(ax, style, a, b, edge, k: int, direction: str) -> None:
    color = _color(style, edge.color)
    bent = abs(a.y - b.y) > 1e-6 and abs(a.x - b.x) > 1e-6
    if bent and edge.route != "straight":
        vertical_first = (edge.route == "across-first") == (direction == "right")
        if vertical_first:
            start, end = (a.bottom if b.y < a.y else a.top), (b.left if b.x > a.x else b.right)
            corner = (start[0], end[1])
        else:
            start, end = (a.right if b.x > a.x else a.left), (b.bottom if b.y > a.y else b.top)
            corner = (end[0], start[1])
        style.route(ax, [start, corner, end], color=color, dashed=edge.dashed)
        middle = ((start[0] + corner[0]) / 2, (start[1] + corner[1]) / 2) if vertical_first is False else \
            ((corner[0] + end[0]) / 2, (corner[1] + end[1]) / 2)
    else:
        style.arrow(ax, a, b, color=color, dashed=edge.dashed, gap=1)
        middle = ((a.x + b.x) / 2, (a.y + b.y) / 2)
    if edge.label:
        horizontal = abs(a.y - b.y) < abs(a.x - b.x)
        x, y = (middle[0], middle[1] + 0.2) if horizontal else (middle[0] + 0.12, middle[1])
        style.label(ax, x, y, edge.label, f"e-{k}", size=style.SMALL, color=color,
                    ha="center" if horizontal else "left")
