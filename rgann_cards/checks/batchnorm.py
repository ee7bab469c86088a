"""Batch normalization (Ioffe & Szegedy 2015): what the statistics are in training, and at inference."""

from __future__ import annotations

import numpy as np

from .registry import named_check
from .result import CheckResult, verdict


def standardize(x: np.ndarray, eps: float) -> np.ndarray:
    """x̂ = (x − μ_B) / sqrt(σ²_B + ε) per feature, with the biased batch variance σ²_B."""
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)


class BatchNorm:
    """A minimal batch-norm layer: batch statistics in training, running averages at inference."""

    def __init__(self, features: int, momentum: float, eps: float, rng: np.random.Generator):
        self.gamma = rng.uniform(0.5, 2.0, features)
        self.beta = rng.normal(0.0, 1.0, features)
        self.running_mean = np.zeros(features)
        self.running_var = np.ones(features)
        self.momentum, self.eps = momentum, eps

    def train_forward(self, x: np.ndarray, update: bool = True) -> np.ndarray:
        if update:
            m, n = self.momentum, len(x)
            self.running_mean = (1 - m) * self.running_mean + m * x.mean(axis=0)
            # Unbiased batch variance for the running estimate, as Ioffe & Szegedy (and PyTorch) do.
            self.running_var = (1 - m) * self.running_var + m * x.var(axis=0) * n / (n - 1)
        return self.gamma * standardize(x, self.eps) + self.beta

    def eval_forward(self, x: np.ndarray) -> np.ndarray:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta


@named_check
def normalized_statistics(*, batch: int = 64, features: int = 8, seed: int = 0, eps: float = 1e-5,
                          normalize=None) -> CheckResult:
    """After x̂ = (x − μ_B)/sqrt(σ²_B + ε), every feature has mean 0 and variance σ²_B/(σ²_B + ε) ∈ [1 − ε/σ²_B, 1];
    y = γx̂ + β then has mean β and standard deviation γ (up to that same ε factor)."""
    if not (2 <= batch <= 100_000 and 1 <= features <= 1000 and eps >= 0):
        raise ValueError("batch must be 2..100000, features 1..1000, eps >= 0")
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.1, 10.0, features)  # small variances are where ε shows
    x = rng.normal(rng.normal(0.0, 5.0, features), scales, (batch, features))
    x_hat = (normalize or standardize)(x, eps)
    var_b = x.var(axis=0)
    shrink = var_b / (var_b + eps)  # what ε does to the variance; exactly 1 when ε = 0
    mean_err = float(np.max(np.abs(x_hat.mean(axis=0))))
    var_err = float(np.max(np.abs(x_hat.var(axis=0) - shrink)))
    gamma, beta = rng.uniform(0.5, 2.0, features), rng.normal(0.0, 1.0, features)
    y = gamma * x_hat + beta
    affine_err = float(max(np.max(np.abs(y.mean(axis=0) - beta)),
                           np.max(np.abs(y.std(axis=0) - gamma * np.sqrt(shrink)))))
    ok = mean_err < 1e-12 and var_err < 1e-12 and affine_err < 1e-12
    return verdict(ok, f"max |mean(x̂)| {mean_err:.0e}; var(x̂) {shrink.min():.5f}–{shrink.max():.5f} as ε implies "
                       f"(off by {var_err:.0e}); γ, β reproduced to {affine_err:.0e}",
                   "NumPy", f"batch {batch}, {features} features, ε = {eps:g}; tolerance 1e-12"
                   + ("" if ok else ": exceeded"))


@named_check
def inference_running_statistics(*, batch: int = 32, features: int = 4, steps: int = 300, momentum: float = 0.1,
                                 seed: int = 0, eps: float = 1e-5, eval_forward=None) -> CheckResult:
    """At inference the layer uses running (EMA) statistics: one example's output no longer depends on its batch.

    In training mode the same example's output changes when the rest of the batch
    changes; in eval mode it is identical, and equal to running it alone.
    """
    if not (2 <= batch <= 10_000 and 1 <= features <= 1000 and 1 <= steps <= 100_000 and 0 < momentum <= 1):
        raise ValueError("batch 2..10000, features 1..1000, steps 1..100000, momentum in (0, 1]")
    rng = np.random.default_rng(seed)
    loc, scale = rng.normal(0.0, 3.0, features), rng.uniform(0.5, 2.0, features)
    layer = BatchNorm(features, momentum, eps, rng)
    for _ in range(steps):
        layer.train_forward(rng.normal(loc, scale, (batch, features)))
    example = rng.normal(loc, scale, (1, features))
    batch_a = np.vstack([example, rng.normal(loc, scale, (batch - 1, features))])
    batch_b = np.vstack([example, rng.normal(loc + 2 * scale, scale, (batch - 1, features))])  # a shifted batch
    train_shift = float(np.max(np.abs(layer.train_forward(batch_a, update=False)[0]
                                      - layer.train_forward(batch_b, update=False)[0])))
    infer = eval_forward or (lambda bn, xs: bn.eval_forward(xs))
    outputs = [infer(layer, xs)[0] for xs in (batch_a, batch_b, example)]
    eval_shift = float(max(np.max(np.abs(outputs[0] - o)) for o in outputs[1:]))
    tracked = bool(np.all(np.abs(layer.running_mean - loc) < 0.25 * scale)
                   and np.all(np.abs(layer.running_var / scale**2 - 1) < 0.35))
    ok = train_shift > 1e-2 and eval_shift == 0.0 and tracked
    return verdict(ok, f"one example's output moves by {train_shift:.2f} between batches in training mode, "
                       f"by {eval_shift:.1g} in eval mode", "NumPy",
                   "eval mode uses the running mean and variance, which track the data's mean and variance" if ok
                   else "eval-mode output depends on the batch" if eval_shift else
                   "running statistics do not track the data" if not tracked else
                   "training-mode output does not depend on the batch")
