"""A GAN: noise z -> G -> fake sample; real and fake samples -> D -> real or fake; who updates what.

Colour says whose parameters a gradient changes: blue for the discriminator's
step, green for the generator's. The green gradient enters D and leaves it
again because G learns only through D's judgement, with D's weights held fixed.
"""

from __future__ import annotations

TITLE = ("GAN: noise z ~ p_z, generator G, fake sample G(z), real sample x ~ p_data, discriminator D "
         "outputs real or fake; D's loss updates D, G's loss flows back through D and updates G")

WIDTH, HEIGHT = 6.6, 4.2
TOP, BOTTOM = 2.95, 1.1   # the fake and the real row
THROUGH = 3.72            # x of the generator's gradient where it passes through D
OVER = 3.75               # y of the generator's gradient on its way back over the fake row


def draw():
    from . import style

    fig, ax = style.canvas(__name__, WIDTH, HEIGHT)
    z = style.circle(ax, 0.4, TOP, 0.24, "$z$", "z", kind="noise", dashed=True, edge=style.ORANGE)
    style.label(ax, z.x, TOP - 0.5, r"$z \sim p_z$", "noise", color=style.ORANGE)
    g = style.box(ax, 1.55, TOP, 1.05, 0.72, "generator\n$G$", "generator", edge=style.GREEN)
    fake = style.box(ax, 2.75, TOP, 0.8, 0.5, "$G(z)$", "fake", kind="data")
    style.label(ax, fake.x, TOP - 0.5, "fake sample", "fake-label", size=style.SMALL)
    real = style.box(ax, 2.75, BOTTOM, 1.3, 0.5, r"$x \sim p_{\mathrm{data}}$", "real", kind="data")
    style.label(ax, real.x, BOTTOM - 0.45, "real sample", "real-label", size=style.SMALL)
    d = style.box(ax, 3.95, (TOP + BOTTOM) / 2, 1.2, 0.72, "discriminator\n$D$", "discriminator", edge=style.BLUE)
    out = style.box(ax, 5.75, d.y, 1.3, 0.5, "real or fake?", "real-or-fake", kind="state", size=style.SMALL)
    style.arrow(ax, z, g, gap=1)
    style.arrow(ax, g, fake, gap=1)
    style.arrow(ax, fake, d, gap=1)
    style.arrow(ax, real, d, gap=1)
    style.arrow(ax, d, out, gap=1)
    style.label(ax, (d.right[0] + out.left[0]) / 2, d.y + 0.22, r"$D(\cdot)$", "d-output")

    # The two losses, each computed from D's output.
    loss = dict(kind="loss", size=style.SMALL)
    loss_d = style.box(ax, 5.75, 3.5, 1.6, 0.72, "$D$: maximise $V$\nupdates only $D$", "d-loss", edge=style.BLUE,
                       **loss)
    loss_g = style.box(ax, 5.75, 0.5, 1.6, 0.72, "$G$: minimise $V$\nupdates only $G$", "g-loss", edge=style.GREEN,
                       **loss)
    style.arrow(ax, out, loss_d, gap=1)
    style.arrow(ax, out, loss_g, gap=1)

    # D's step: the gradient stops in D.
    down = d.x + 0.35
    style.route(ax, [loss_d.left, (down, loss_d.y), (down, d.top[1])], color=style.BLUE, dashed=True)
    # G's step: the gradient passes through D (held fixed) and the fake sample into G.
    style.route(ax, [loss_g.left, (THROUGH, loss_g.y), (THROUGH, d.bottom[1])], color=style.GREEN, dashed=True)
    style.route(ax, [(THROUGH, d.top[1]), (THROUGH, OVER), (g.x, OVER), g.top], color=style.GREEN, dashed=True)
    style.label(ax, 2.2, OVER + 0.2, "back through $D$ (held fixed) into $G$", "g-gradient", color=style.GREEN,
                size=style.SMALL)
    style.label(ax, 0.15, 0.5, r"$\min_G \max_D \; V(D, G)$", "minimax", ha="left")
    style.label(ax, 0.15, 0.15, r"$V = \mathbb{E}[\log D(x)] + \mathbb{E}[\log(1 - D(G(z)))]$", "value",
                ha="left", size=style.SMALL)
    return fig
