"""An autoencoder as an hourglass: input x, encoder f_φ, bottleneck code z, decoder g_θ, reconstruction x̂.

The loss line runs from both ends into one box, because the reconstruction
loss compares the output with the network's own input: there is no label.
"""

from __future__ import annotations

TITLE = "Autoencoder: input x, encoder f_ϕ, bottleneck code z, decoder g_θ, reconstruction x̂, loss L(x, x̂)"

WIDTH, HEIGHT = 6.6, 3.45
MID = 2.05                    # the network's centre line
INPUT_SIZE, CODE_SIZE = 6, 2  # vector lengths as drawn: the code is much shorter than the input


def draw():
    from . import style

    fig, ax = style.canvas(__name__, WIDTH, HEIGHT)
    x = style.vector(ax, 0.55, MID, INPUT_SIZE, kind="data")
    style.label(ax, x.x, x.top[1] + 0.25, "input $x$", "input")
    encoder = style.trapezoid(ax, 1.0, 2.6, MID, x.h, 0.66, "encoder\n$f_\\phi$", "encoder")
    code = style.vector(ax, WIDTH / 2, MID, CODE_SIZE, kind="state")
    style.label(ax, code.x, code.top[1] + 0.45, "code $z$", "code")
    style.label(ax, code.x, code.top[1] + 0.18, "(bottleneck)", "bottleneck", size=style.SMALL)
    decoder = style.trapezoid(ax, WIDTH - 2.6, WIDTH - 1.0, MID, 0.66, x.h, "decoder\n$g_\\theta$", "decoder")
    x_hat = style.vector(ax, WIDTH - 0.55, MID, INPUT_SIZE, kind="data")
    style.label(ax, x_hat.x + x_hat.w / 2, x.top[1] + 0.25, r"reconstruction $\hat{x}$", "reconstruction",
                ha="right")
    for a, b in [(x, encoder), (encoder, code), (code, decoder), (decoder, x_hat)]:
        style.arrow(ax, a.right, b.left, gap=1)

    # The loss compares the output with the input itself.
    loss = style.box(ax, WIDTH / 2, 0.42, 3.6, 0.5, r"reconstruction loss  $L(x, \hat{x}) = \Vert x - \hat{x} \Vert^2$",
                     "loss", kind="loss", edge=style.RED)
    style.route(ax, [x.bottom, (x.x, loss.y), loss.left], color=style.RED)
    style.route(ax, [x_hat.bottom, (x_hat.x, loss.y), loss.right], color=style.RED)
    return fig
