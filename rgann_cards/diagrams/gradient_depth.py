"""Gradient norm at the input vs depth, plain vs residual tanh network: the numbers of the 2(d) check.

The curves come from ``checks.residual.gradient_norms``, the same computation
(and weight draw) that the check ``residual.gradient_norm_depth`` judges, so
the plot cannot drift from what the build verifies.
"""

from __future__ import annotations

TITLE = ("Input-gradient norm against depth on a log scale, for weights at the LeCun scale (solid) and at half "
         "of it (dashed): it decays exponentially in a plain tanh network and does not vanish, but grows, in a "
         "residual network")

PARAMS = {"max_depth": 50, "width": 32, "seed": 0, "gains": (1.0, 0.5)}
DEPENDS = ("checks.residual",)  # the plotted numbers come from there: a change must redraw the figure
WIDTH, HEIGHT = 6.6, 3.3


def draw():
    from ..checks import residual
    from . import style

    depths = list(range(1, PARAMS["max_depth"] + 1))
    runs = {g: residual.gradient_norms(depths, width=PARAMS["width"], seed=PARAMS["seed"], gain=g)
            for g in PARAMS["gains"]}

    fig = style.plot_figure(__name__, WIDTH, HEIGHT)
    ax = style.plot_axes(fig, (0.13, 0.17, 0.56, 0.78))
    for kind, color, name, formula in [("residual", style.BLUE, "residual", r"$\mathbf{x} + \tanh(W\mathbf{x})$"),
                                       ("plain", style.RED, "plain", r"$\tanh(W\mathbf{x})$")]:
        for gain, dash in zip(PARAMS["gains"], ("-", "--")):
            values = runs[gain][kind]
            ax.semilogy(depths, values, dash, color=color, lw=2.2, solid_capstyle="round")
            ax.plot(depths[-1], values[-1], "o", color=color, ms=5)
        ends = "\n".join(f"{runs[g][kind][-1]:.2g} at g = {g:g}" for g in PARAMS["gains"])
        # the plain label sits at its lower curve, far from the residual label
        anchor = min(runs[g][kind][-1] for g in PARAMS["gains"]) if kind == "plain" else runs[1.0][kind][-1]
        style.tag(ax.annotate(f"{name} {formula}\n{ends}",
                              (depths[-1], anchor), xytext=(12, 8 if kind == "residual" else 0),
                              textcoords="offset points", va="top" if kind == "residual" else "center", ha="left", color=color, fontsize=style.SMALL, annotation_clip=False),
                  kind)
    ax.set_xlim(0, depths[-1] + 1)
    ax.set_ylim(1e-18, 1e3)
    ax.set_yticks([1e-15, 1e-10, 1e-5, 1])
    style.tag(ax.set_xlabel("depth (solid: g = 1, dashed: g = 0.5)"), "x-axis")
    style.tag(ax.set_ylabel(r"$\Vert \partial L / \partial \mathbf{x}_0 \Vert$  (log scale)"), "y-axis")
    return fig
