"""A VAE with the reparameterization trick: the noise ε enters from the side, off the gradient path.

The encoder outputs μ and σ of q_φ(z | x); z = μ + σ ⊙ ε is a deterministic
node, so backpropagation runs x̂ -> z -> (μ, σ) -> encoder along the shaded
band, and the random node ε never needs a gradient. The two loss terms sit on
top: reconstruction (from the decoder) and KL to the prior (from q_φ).
"""

from __future__ import annotations

TITLE = ("Variational autoencoder: encoder q_ϕ(z|x) outputs μ and σ; z = μ + σ ⊙ ε with ε ~ N(0, I) "
         "outside the gradient path; decoder p_θ(x|z); reconstruction and KL loss terms")

WIDTH, HEIGHT = 6.6, 4.5
MID = 2.45          # the network's centre line
BAND = "#f6d3d3"    # the gradient path, drawn as a pale band behind the nodes it runs through


def draw():
    from . import style

    fig, ax = style.canvas(__name__, WIDTH, HEIGHT)
    x = style.vector(ax, 0.4, MID, 6, kind="data", cell=0.25)
    style.label(ax, x.x, x.bottom[1] - 0.22, "$x$", "input")
    encoder = style.trapezoid(ax, 0.78, 1.85, MID, x.h, 0.8, "encoder", "encoder", size=style.SMALL)
    style.label(ax, encoder.x, x.bottom[1] - 0.22, r"$q_\phi(z \mid x)$", "q")
    mu = style.box(ax, 2.4, MID + 0.38, 0.46, 0.42, r"$\mu$", "mu", kind="state")
    sigma = style.box(ax, 2.4, MID - 0.38, 0.46, 0.42, r"$\sigma$", "sigma", kind="state")
    z = style.box(ax, 3.6, MID, 0.5, 0.46, "$z$", "z", kind="state")
    style.label(ax, z.x, z.top[1] + 0.28, r"$z = \mu + \sigma \odot \epsilon$", "reparameterization")
    decoder = style.trapezoid(ax, 4.35, 5.42, MID, 0.8, x.h, "decoder", "decoder", size=style.SMALL)
    style.label(ax, decoder.x, x.bottom[1] - 0.22, r"$p_\theta(x \mid z)$", "p")
    x_hat = style.vector(ax, WIDTH - 0.4, MID, 6, kind="data", cell=0.25)
    style.label(ax, x_hat.x, x.bottom[1] - 0.22, r"$\hat{x}$", "reconstruction")

    for a, b in [(x, encoder), (decoder, x_hat), (z, decoder)]:
        style.arrow(ax, a.right, b.left, gap=1)
    for node in (mu, sigma):
        style.arrow(ax, (encoder.x + encoder.w / 2, node.y), node, gap=1)
        style.arrow(ax, node, z, gap=1)

    # The random input: ε enters z from below, so no gradient has to pass through a sampling step.
    eps = style.circle(ax, z.x, 1.15, 0.24, r"$\epsilon$", "epsilon", kind="noise", dashed=True, edge=style.ORANGE)
    style.arrow(ax, eps, z, gap=1, color=style.ORANGE)
    style.label(ax, eps.x + 0.34, eps.y, r"$\epsilon \sim \mathcal{N}(\mathbf{0}, \mathbf{I})$", "noise",
                color=style.ORANGE, ha="left")
    style.label(ax, eps.x + 0.34, eps.y - 0.3, "random input, needs no gradient", "no-gradient",
                size=style.SMALL, color=style.ORANGE, ha="left")
    ax.plot([0.3, 0.65], [0.35, 0.35], color=BAND, lw=16, solid_capstyle="round", zorder=0.5)
    style.label(ax, 0.9, 0.35, "gradient path (backpropagation)", "gradient-path", color=style.RED, ha="left",
                size=style.SMALL)

    # The two loss terms: KL from the encoder's distribution (μ, σ), reconstruction from the decoder's output.
    top = HEIGHT - 0.45
    kl = style.box(ax, 1.75, top, 2.5, 0.5, r"KL$(q_\phi(z \mid x) \,\Vert\, \mathcal{N}(\mathbf{0}, \mathbf{I}))$",
                   "kl", kind="loss", edge=style.RED)
    recon = style.box(ax, 4.6, top, 2.5, 0.5, r"reconstruction $-\log p_\theta(x \mid z)$", "reconstruction-loss",
                      kind="loss", edge=style.RED, size=style.SMALL)
    group = style.frame(ax, mu.x, MID, 0.66, 1.28)  # q_φ(z | x) is the pair (μ, σ)
    style.route(ax, [group.top, (group.x, kl.bottom[1])], color=style.RED)
    style.route(ax, [x_hat.top, (x_hat.x, recon.y), recon.right], color=style.RED)

    # The gradient path, behind everything: from both losses back through decoder, z, μ and σ into the
    # encoder. It bypasses ε.
    for points in ([(recon.x, recon.y), (x_hat.x, recon.y), (x_hat.x, MID), (z.x, MID), (mu.x, mu.y), (encoder.x, MID)],
                   [(z.x, MID), (sigma.x, sigma.y), (encoder.x, MID)],
                   [(mu.x, kl.y), (sigma.x, sigma.y)]):
        ax.plot(*zip(*points), color=BAND, lw=16, solid_capstyle="round", solid_joinstyle="round", zorder=0.5)
    return fig
