"""A residual block y = x + F(x) with its two backward gradient paths.

Forward arrows are black. The dashed red arrows run backwards: the upstream
gradient ∂E/∂y reaches x once unchanged along the identity shortcut and once
through the branch, and the two are added; this is the Jacobian I + ∂F/∂x.
"""

from __future__ import annotations

TITLE = ("Residual block: x passes through weight layers with a nonlinearity to give F(x), an identity "
         "shortcut adds x at ⊕; backward, the gradient takes both paths and the two parts are added")

WIDTH, HEIGHT = 6.6, 4.0
MID = 2.1             # the residual branch
SHORTCUT = 3.2        # the identity shortcut, above the branch
GRAD_TOP = 3.5        # the gradient back along the shortcut, just above it
GRAD_LOW = 1.05       # the gradient back through the branch, below it


def draw():
    from . import style

    fig, ax = style.canvas(__name__, WIDTH, HEIGHT)
    split = 0.85
    style.label(ax, 0.28, MID, r"$\mathbf{x}$", "input", size=14)
    ax.plot([split], [MID], "o", color=style.INK, ms=5, zorder=4)
    style.route(ax, [(0.45, MID), (split, MID)], head=False)
    w1 = style.box(ax, 1.7, MID, 0.95, 0.62, "weight\nlayer", "weight-1", size=style.SMALL)
    phi = style.box(ax, 2.75, MID, 0.55, 0.5, r"$\phi$", "nonlinearity", kind="op")
    w2 = style.box(ax, 3.8, MID, 0.95, 0.62, "weight\nlayer", "weight-2", size=style.SMALL)
    add = style.circle(ax, 4.85, MID, 0.2, r"$+$", "add", size=15)
    style.arrow(ax, (split, MID), w1, gap=0)
    for a, b in [(w1, phi), (phi, w2), (w2, add)]:
        style.arrow(ax, a, b, gap=0)
    style.arrow(ax, add, (WIDTH - 0.1, MID), gap=0)
    style.label(ax, 5.75, MID + 0.28, r"$\mathbf{y} = \mathbf{x} + F(\mathbf{x})$", "output", size=style.SMALL)

    style.frame(ax, 2.75, MID, 3.25, 1.0)
    style.label(ax, 2.75, MID - 0.72, r"residual branch $F(\mathbf{x})$", "branch", size=style.SMALL)
    style.route(ax, [(split, MID), (split, SHORTCUT), (add.x, SHORTCUT), add.top])
    style.label(ax, 2.75, SHORTCUT - 0.2, r"identity shortcut  $\mathbf{x}$", "shortcut", size=style.SMALL)

    # Backward: the upstream gradient reaches ⊕ and leaves it along both paths; at x the two add up.
    red = dict(color=style.RED, dashed=True)
    low = MID - 0.3
    style.route(ax, [(WIDTH - 0.1, low), (add.x + 0.15, low)], **red)
    style.label(ax, WIDTH - 0.1, low - 0.25, r"$\partial E / \partial \mathbf{y}$", "upstream", color=style.RED,
                ha="right", size=style.SMALL)
    style.route(ax, [(add.x + 0.13, MID + 0.16), (add.x + 0.13, GRAD_TOP), (split - 0.13, GRAD_TOP),
                     (split - 0.13, MID + 0.1)], **red)
    style.label(ax, 2.75, GRAD_TOP + 0.22, r"$\partial E / \partial \mathbf{y}$ unchanged along the shortcut",
                "gradient-shortcut", color=style.RED, size=style.SMALL)
    style.route(ax, [(add.x, MID - 0.21), (add.x, GRAD_LOW), (split - 0.13, GRAD_LOW), (split - 0.13, MID - 0.1)],
                **red)
    style.label(ax, 2.75, GRAD_LOW - 0.27,
                r"$(\partial E / \partial \mathbf{y})\,(\partial F / \partial \mathbf{x})$ through the branch",
                "gradient-branch", color=style.RED, size=style.SMALL)
    style.label(ax, WIDTH / 2, 0.3,
                r"$\dfrac{\partial E}{\partial \mathbf{x}} = \dfrac{\partial E}{\partial \mathbf{y}}"
                r"\left(\mathbf{I} + \dfrac{\partial F}{\partial \mathbf{x}}\right)$   the two paths add up",
                "gradient-sum", color=style.RED)
    return fig
