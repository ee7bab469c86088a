"""KL(P‖Q) vs KL(Q‖P) for the 3(c) example P = (0.3, 0.7), Q = (0.5, 0.5): the numbers of the check.

The distributions and the divergences come from ``checks.kl`` (its P, Q and
exact ``kl_exact``), the same values that ``kl.discrete_asymmetry`` verifies.
"""

from __future__ import annotations

TITLE = ("KL asymmetry for P = (0.3, 0.7) and Q = (0.5, 0.5): the two distributions, and KL(P‖Q) ≈ 0.0823 "
         "nats against KL(Q‖P) ≈ 0.0872 nats")

DEPENDS = ("checks.kl",)  # the plotted numbers come from there: a change must redraw the figure
WIDTH, HEIGHT = 6.6, 3.0


def draw():
    from ..checks import kl
    from . import style

    p, q = [float(v) for v in kl.P], [float(v) for v in kl.Q]
    forward, backward = float(kl.kl_exact(kl.P, kl.Q)), float(kl.kl_exact(kl.Q, kl.P))

    fig = style.plot_figure(__name__, WIDTH, HEIGHT)
    # Left: the two distributions over the two outcomes.
    left = style.plot_axes(fig, (0.1, 0.2, 0.3, 0.68))
    width = 0.36
    for offset, values, color, name in [(-width / 2, p, style.BLUE, "P"), (width / 2, q, style.GREEN, "Q")]:
        bars = left.bar([1 + offset, 2 + offset], values, width * 0.92, color=color)
        for outcome, (bar, value) in enumerate(zip(bars, values), start=1):
            style.tag(bar, f"{name}-{outcome}", f"{name}({outcome}) = {value:g}")
            left.text(bar.get_x() + bar.get_width() / 2, value + 0.02, f"{value:g}", ha="center", va="bottom",
                      fontsize=style.SMALL, color=color)
    left.set_xticks([1, 2], ["outcome 1", "outcome 2"])
    left.set_ylim(0, 1.0)
    left.set_yticks([0, 0.25, 0.5, 0.75, 1])
    legend = left.legend(["$P$", "$Q$"], loc="upper left", frameon=False, fontsize=style.FONT_SIZE,
                         handlelength=1.0, borderaxespad=0.2)
    for text, name in zip(legend.get_texts(), ["P", "Q"]):
        style.tag(text, f"legend-{name}")
    style.tag(left.set_title(f"$P$ = ({p[0]:g}, {p[1]:g}),  $Q$ = ({q[0]:g}, {q[1]:g})", fontsize=style.FONT_SIZE,
                             color=style.INK), "distributions")

    # Right: the two directions, as numbers and bars.
    right = style.plot_axes(fig, (0.6, 0.2, 0.36, 0.68))
    right.grid(False, axis="y")
    bars = right.barh([1, 0], [forward, backward], 0.55, color=[style.BLUE, style.GREEN])
    for bar, value, key in zip(bars, [forward, backward], ["forward-value", "backward-value"]):
        style.tag(right.text(value + 0.002, bar.get_y() + bar.get_height() / 2, f"{value:.4f}", va="center",
                             ha="left", fontsize=style.SMALL), key)
    right.set_yticks([1, 0], [r"$\mathrm{KL}(P \Vert Q)$", r"$\mathrm{KL}(Q \Vert P)$"])
    for tick, key in zip(right.get_yticklabels(), ["forward", "backward"]):
        style.tag(tick, key)
    right.set_xlim(0, 0.112)
    right.set_xticks([0, 0.05, 0.1])
    style.tag(right.set_xlabel(f"nats  (they differ by {backward - forward:.4f})"), "difference")
    style.tag(right.set_title(r"$\mathrm{KL}(P \Vert Q) \neq \mathrm{KL}(Q \Vert P)$", fontsize=style.FONT_SIZE,
                              color=style.INK), "not-symmetric")
    return fig
