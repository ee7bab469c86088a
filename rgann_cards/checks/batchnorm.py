"""Batch normalization (Ioffe & Szegedy 2015): what the statistics are in training, and at inference.

The expected statistics are computed independently of the code under test: in
exact rational arithmetic (``fractions``) for the normalized batch, and from the
known distribution of the data stream for the running averages.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .registry import named_check
from .result import CheckResult, verdict


def standardize(x: np.ndarray, eps: float) -> np.ndarray:
    """x̂ = (x − μ_B) / sqrt(σ²_B + ε) per feature, with the biased batch variance σ²_B."""
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)


def ema_update(mean: np.ndarray, var: np.ndarray, batch: np.ndarray, momentum: float) -> tuple[np.ndarray, np.ndarray]:
    """Running averages: (1 − m)·old + m·batch statistic; the unbiased batch variance, as Ioffe & Szegedy
    (and PyTorch) use for the population estimate."""
    n = len(batch)
    return ((1 - momentum) * mean + momentum * batch.mean(axis=0),
            (1 - momentum) * var + momentum * batch.var(axis=0) * n / (n - 1))


class BatchNorm:
    """A minimal batch-norm layer: batch statistics in training, running averages at inference."""

    def __init__(self, features: int, momentum: float, eps: float, rng: np.random.Generator, update=ema_update):
        self.gamma = rng.uniform(0.5, 2.0, features)
        self.beta = rng.normal(0.0, 1.0, features)
        self.running_mean = np.zeros(features)
        self.running_var = np.ones(features)
        self.momentum, self.eps, self.update = momentum, eps, update

    def train_forward(self, x: np.ndarray, update: bool = True) -> np.ndarray:
        if update:
            self.running_mean, self.running_var = self.update(self.running_mean, self.running_var, x, self.momentum)
        return self.gamma * standardize(x, self.eps) + self.beta

    def eval_forward(self, x: np.ndarray) -> np.ndarray:
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta


def _exact_moments(column) -> tuple[Fraction, Fraction]:
    """Mean and biased variance of the values, exactly (every float is a rational number)."""
    values = [Fraction(float(v)) for v in column]
    mean = sum(values) / len(values)
    return mean, sum((v - mean) ** 2 for v in values) / len(values)


@named_check
def normalized_statistics(*, batch: int = 64, features: int = 8, seed: int = 0, eps: float = 1e-5,
                          normalize=None) -> CheckResult:
    """x̂ = (x − μ_B)/sqrt(σ²_B + ε): with ε = 0 every feature of x̂ has mean 0 and variance 1; with ε > 0 its variance
    lies in [1 − ε/σ²_B, 1]. The moments of x̂ and σ²_B are computed exactly, independently of the formula."""
    if not (2 <= batch <= 4096 and 1 <= features <= 64 and eps > 0):
        raise ValueError("batch must be 2..4096, features 1..64, eps > 0")
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.1, 10.0, features)  # small variances are where ε shows, large ones where it must not
    x = rng.normal(rng.normal(0.0, 5.0, features), scales, (batch, features))
    normalize = normalize or standardize
    worst_mean, worst_var, worst_band = 0.0, 0.0, 0.0
    for e in (0.0, eps):
        x_hat = normalize(x, e)
        for j in range(features):
            _, var_x = _exact_moments(x[:, j])
            mean_hat, var_hat = _exact_moments(x_hat[:, j])
            worst_mean = max(worst_mean, abs(float(mean_hat)))
            if e == 0:
                worst_var = max(worst_var, abs(float(var_hat) - 1))
            else:  # distance outside the band [1 − ε/σ², 1], 0 inside it
                low = 1 - Fraction(e) / var_x
                worst_band = max(worst_band, float(max(low - var_hat, var_hat - 1, 0)))
    ok = worst_mean < 1e-12 and worst_var < 1e-12 and worst_band < 1e-12
    return verdict(ok, f"max |mean(x̂)| {worst_mean:.0e}; ε = 0: max |var(x̂) − 1| {worst_var:.0e}; "
                       f"ε = {eps:g}: outside [1 − ε/σ², 1] by {worst_band:.0e}", "NumPy, exact moments",
                   f"batch {batch}, {features} features; tolerance 1e-12" + ("" if ok else ": exceeded"))


@named_check
def inference_running_statistics(*, batch: int = 8, features: int = 32, steps: int = 2000, momentum: float = 0.02,
                                 seed: int = 0, eps: float = 1e-5, eval_forward=None, update=None) -> CheckResult:
    """Training on a stream with known per-feature mean and variance, the running averages estimate that population
    mean and variance; at inference the layer uses them, so one example's output no longer depends on its batch
    (in training mode it does).

    ``update`` (the running-statistics rule) and ``eval_forward`` are the formulas under test.
    """
    if not (2 <= batch <= 1024 and 4 <= features <= 256 and 100 <= steps <= 100_000 and 0 < momentum <= 0.1):
        raise ValueError("batch 2..1024, features 4..256, steps 100..100000, momentum in (0, 0.1]")
    rng = np.random.default_rng(seed)
    loc, scale = rng.normal(0.0, 3.0, features), rng.uniform(0.5, 2.0, features)
    layer = BatchNorm(features, momentum, eps, rng, update or ema_update)
    for _ in range(steps):
        layer.train_forward(rng.normal(loc, scale, (batch, features)))
    # The EMA's own noise is about sqrt(m/(2−m)·2/(n−1)) ≈ 5% per feature at the defaults; averaged over the
    # features, a 1/n bias (the biased variance: 12.5% at n = 8) stands far outside it.
    var_ratio = layer.running_var / scale**2
    mean_error = np.abs(layer.running_mean - loc) / scale
    tracked = bool(abs(var_ratio.mean() - 1) < 0.04 and np.max(np.abs(var_ratio - 1)) < 0.25
                   and mean_error.mean() < 0.06 and mean_error.max() < 0.2)
    example = rng.normal(loc, scale, (1, features))
    batch_a = np.vstack([example, rng.normal(loc, scale, (batch - 1, features))])
    batch_b = np.vstack([example, rng.normal(loc + 2 * scale, scale, (batch - 1, features))])  # a shifted batch
    train_shift = float(np.max(np.abs(layer.train_forward(batch_a, update=False)[0]
                                      - layer.train_forward(batch_b, update=False)[0])))
    infer = eval_forward or (lambda bn, xs: bn.eval_forward(xs))
    outputs = [infer(layer, xs)[0] for xs in (batch_a, batch_b, example)]
    eval_shift = float(max(np.max(np.abs(outputs[0] - o)) for o in outputs[1:]))
    ok = train_shift > 1e-2 and eval_shift == 0.0 and tracked
    return verdict(ok, f"running var / true var {var_ratio.mean():.3f} (mean over {features} features), running "
                       f"mean off by {mean_error.mean():.3f} sd; one example's output moves by {train_shift:.2f} "
                       f"between batches in training mode, by {eval_shift:.1g} in eval mode", "NumPy",
                   "eval mode uses running averages that estimate the population mean and variance" if ok
                   else "eval-mode output depends on the batch" if eval_shift else
                   "running statistics do not estimate the population mean and variance" if not tracked else
                   "training-mode output does not depend on the batch")
