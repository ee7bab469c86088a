"""An LSTM memory cell in the sheet's notation, with the net inputs that the 1(b) derivation refers to.

Input gate ι, forget gate φ and output gate ω are sigmoid units; the cell state
s_c sits on a self-recurrent loop (the constant error carousel) that the forget
gate multiplies; g squashes the cell input and h the state before the output
gate. The state update is printed under the drawing because the derivation
differentiates exactly that equation.
"""

from __future__ import annotations

TITLE = ("LSTM memory cell: input gate ι, forget gate φ and output gate ω (sigmoids), cell state s_c "
         "on the constant error carousel, squashing functions g and h, output y_c")

WIDTH, HEIGHT = 6.6, 4.4
MAIN = 2.55        # height of the signal path net_c -> g -> × -> s_c -> h -> × -> y_c
GATE_Y = 3.55      # input and output gates sit above their junctions
LOOP_Y = 1.45      # the carousel's multiplicative junction, below the state
R_GATE, R_JUNCTION = 0.25, 0.16


def _gate(ax, x, y, key, name, symbol, net_from, net_label_at, net_label_ha):
    """A sigmoid gate: a circle with a sigmoid curve inside, its name beside it and its net input arrow."""
    import numpy as np

    from . import style

    node = style.circle(ax, x, y, R_GATE, "", None, kind="gate")
    t = np.linspace(-1, 1, 41)
    ax.plot(x + 0.7 * R_GATE * t, y + 0.5 * R_GATE * np.tanh(3 * t), color=style.INK, lw=1.3, zorder=4,
            solid_capstyle="round")
    style.label(ax, x - R_GATE - 0.1, y, f"{name} ${symbol}$", f"{key}-gate", ha="right")
    style.arrow(ax, net_from, node, gap=0)
    style.label(ax, *net_label_at, rf"$\mathrm{{net}}_{symbol}$", f"net-{symbol[1:]}", ha=net_label_ha)
    return node


def draw():
    from . import style

    fig, ax = style.canvas(__name__, WIDTH, HEIGHT)
    junction = dict(kind="op", size=15)

    # The signal path, left to right.
    style.label(ax, 0.3, MAIN + 0.25, r"$\mathrm{net}_c$", "net-c")
    g = style.box(ax, 1.15, MAIN, 0.5, 0.46, "$g$", "g", kind="op")
    style.arrow(ax, (0.15, MAIN), g, gap=0)
    x_in = style.circle(ax, 2.1, MAIN, R_JUNCTION, r"$\times$", "input-product", **junction)
    style.arrow(ax, g, x_in, gap=0)
    state = style.box(ax, 3.3, MAIN, 0.72, 0.52, "$s_c$", "cell-state", kind="state", size=14)
    style.arrow(ax, x_in, state, gap=0)
    h = style.box(ax, 4.55, MAIN, 0.5, 0.46, "$h$", "h", kind="op")
    style.arrow(ax, state, h, gap=0)
    x_out = style.circle(ax, 5.45, MAIN, R_JUNCTION, r"$\times$", "output-product", **junction)
    style.arrow(ax, h, x_out, gap=0)
    style.arrow(ax, x_out, (6.45, MAIN), gap=0)
    style.label(ax, 6.3, MAIN + 0.25, "$y_c$", "output")

    # Gates: the net inputs enter from outside the cell, the activations y_γ scale the signal.
    iota = _gate(ax, 2.1, GATE_Y, "input", "input gate", r"\iota", (2.1, HEIGHT - 0.1), (2.2, HEIGHT - 0.22), "left")
    style.arrow(ax, iota, x_in, gap=0)
    style.label(ax, 2.2, (GATE_Y + MAIN) / 2, r"$y_\iota$", "y-iota", ha="left")
    omega = _gate(ax, 5.45, GATE_Y, "output", "output gate", r"\omega", (5.45, HEIGHT - 0.1), (5.55, HEIGHT - 0.22),
                  "left")
    style.arrow(ax, omega, x_out, gap=0)
    style.label(ax, 5.55, (GATE_Y + MAIN) / 2, r"$y_\omega$", "y-omega", ha="left")

    # The constant error carousel: s_c feeds back into itself one step later, scaled by the forget gate.
    x_loop = style.circle(ax, 3.3, LOOP_Y, R_JUNCTION, r"$\times$", "forget-product", **junction)
    branch = 3.95
    ax.plot([branch], [MAIN], "o", color=style.BLUE, ms=5, zorder=4)
    style.route(ax, [(branch, MAIN), (branch, LOOP_Y), (3.3 + R_JUNCTION + 0.01, LOOP_Y)], color=style.BLUE)
    style.arrow(ax, x_loop, state, gap=0, color=style.BLUE)
    style.label(ax, branch + 0.1, (MAIN + LOOP_Y) / 2 - 0.05, r"$s_c^{t-1}$", "s-previous", ha="left")
    style.label(ax, 3.3, LOOP_Y - 0.42, "constant error carousel", "cec", size=style.SMALL, color=style.BLUE)
    phi = _gate(ax, 2.1, LOOP_Y, "forget", "forget gate", r"\varphi", (2.1, 0.72), (2.2, 0.82), "left")
    style.arrow(ax, phi, x_loop, gap=0)
    style.label(ax, 2.72, LOOP_Y + 0.22, r"$y_\varphi$", "y-phi")

    style.label(ax, WIDTH / 2, 0.25,
                r"$s_c^t = y_\varphi^t\, s_c^{t-1} + y_\iota^t\, g(\mathrm{net}_c^t), \qquad "
                r"y_c^t = y_\omega^t\, h(s_c^t)$", "equations")
    return fig
