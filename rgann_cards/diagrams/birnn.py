"""A bidirectional RNN unrolled over four steps, with the dependencies of the output at t highlighted.

The blue path is the point of 1(c): ŷ^t reads the backward state, and the
backward recursion starts at the end of the sequence, so ŷ^t depends on inputs
after t, which an online classifier has not seen yet (right of "now").
"""

from __future__ import annotations

TITLE = ("Bidirectional RNN unrolled over steps t−1 to t+2: forward states run left to right, backward "
         "states right to left; the output at t needs the backward state, which depends on inputs after t")

WIDTH, HEIGHT = 6.6, 4.7
COLUMNS = ["t-1", "t", "t+1", "t+2"]
FOCUS = 1                                 # the column whose output is explained
X0, DX = 1.8, 1.25                       # column centres
Y_IN, Y_FWD, Y_BWD, Y_OUT = 0.75, 1.85, 2.95, 4.0
NODE_W, NODE_H = 0.74, 0.46
STUB = NODE_W / 2 + 0.4                  # chain arrows into and out of the drawn steps


def draw():
    from matplotlib import patheffects

    from . import style

    fig, ax = style.canvas(__name__, WIDTH, HEIGHT)
    # Chain arrows get a white halo so that the lines crossing them visibly pass underneath.
    halo = [patheffects.withStroke(linewidth=7, foreground=style.WHITE)]
    xs = [X0 + i * DX for i in range(len(COLUMNS))]
    future = set(range(FOCUS + 1, len(COLUMNS)))

    for row_y, text, key in [(Y_IN, "input", "row-input"), (Y_FWD, "forward", "row-forward"),
                             (Y_BWD, "backward", "row-backward"), (Y_OUT, "output", "row-output")]:
        style.label(ax, 0.05, row_y, text, key, size=style.SMALL, ha="left")

    inputs, fwd, bwd, out = [], [], [], []
    for i, (x, step) in enumerate(zip(xs, COLUMNS)):
        blue = i in future
        edge = style.BLUE if blue else style.INK
        inputs.append(style.box(ax, x, Y_IN, NODE_W, 0.42, f"$x^{{{step}}}$", f"x-{i}", kind="data", edge=edge))
        fwd.append(style.box(ax, x, Y_FWD, NODE_W, NODE_H, rf"$\overrightarrow{{h}}{{}}^{{{step}}}$", f"forward-{i}",
                             kind="state"))
        bwd.append(style.box(ax, x, Y_BWD, NODE_W, NODE_H, rf"$\overleftarrow{{h}}{{}}^{{{step}}}$", f"backward-{i}",
                             kind="state", edge=style.BLUE if i >= FOCUS else style.INK))
        out.append(style.box(ax, x, Y_OUT, NODE_W, 0.42, rf"$\hat{{y}}^{{{step}}}$", f"output-{i}", kind="data",
                             edge=style.BLUE if i == FOCUS else style.INK))
        # Into the backward state: around the right of the forward state; out of the forward state: around
        # the left of the backward state.
        dx = NODE_W / 2 - 0.1
        style.arrow(ax, inputs[i], fwd[i], gap=0)
        style.arrow(ax, (x + dx, Y_IN + 0.21), (x + dx, Y_BWD - NODE_H / 2), connection="arc3,rad=0.3", gap=0,
                    color=style.BLUE if blue else style.INK, zorder=1)
        style.arrow(ax, (x - dx, Y_FWD + NODE_H / 2), (x - dx, Y_OUT - 0.21), connection="arc3,rad=-0.3", gap=0,
                    zorder=1)
        style.arrow(ax, bwd[i], out[i], gap=0, color=style.BLUE if i == FOCUS else style.INK)

    # The recurrences, with stubs at both ends: the sequence goes on before t-1 and after t+2.
    for i in range(-1, len(COLUMNS)):
        a = fwd[i].right if i >= 0 else (xs[0] - STUB, Y_FWD)
        b = fwd[i + 1].left if i + 1 < len(COLUMNS) else (xs[-1] + STUB, Y_FWD)
        style.arrow(ax, a, b, gap=0, zorder=4).set_path_effects(halo)
        a = bwd[i + 1].left if i + 1 < len(COLUMNS) else (xs[-1] + STUB, Y_BWD)
        b = bwd[i].right if i >= 0 else (xs[0] - STUB, Y_BWD)
        color = style.BLUE if i >= FOCUS else style.INK
        style.arrow(ax, a, b, gap=0, zorder=4, color=color).set_path_effects(halo)
    style.label(ax, xs[-1] + STUB - 0.05, Y_BWD + 0.27, r"from $x^T$", "backward-start", size=style.SMALL,
                color=style.BLUE)

    # "Now": an online classifier must emit ŷ^t here, before the inputs right of the line exist.
    now = (xs[FOCUS] + xs[FOCUS + 1]) / 2
    ax.plot([now, now], [0.3, Y_OUT + 0.3], color=style.INK, lw=style.THIN, ls=(0, (2, 2)), zorder=1)
    style.label(ax, now - 0.1, 0.18, "seen so far", "past", size=style.SMALL, ha="right")
    style.label(ax, now + 0.1, 0.18, "future inputs: not yet seen online", "future", size=style.SMALL,
                ha="left", color=style.BLUE)
    style.label(ax, WIDTH / 2, HEIGHT - 0.2,
                r"$\hat{y}^{t}$ needs $\overleftarrow{h}{}^{t}$, which depends on $x^{t+1}, \ldots, x^{T}$",
                "why", color=style.BLUE)
    return fig
