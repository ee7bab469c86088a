"""The reparameterization trick: z = μ + σε gives an unbiased, low-variance gradient of E[f(z)].

Test function f(z) = z² + sin z, so ∂/∂μ E_{z~N(μ,σ²)}[f(z)] = 2μ + e^{−σ²/2} cos μ.
"""

from __future__ import annotations

import numpy as np

from .registry import named_check
from .result import CheckResult, verdict


def f(z):
    """The test function z² + sin z."""
    return z**2 + np.sin(z)


def f_prime(z):
    return 2 * z + np.cos(z)


def analytic_gradient(mu: float, sigma: float) -> float:
    """∂/∂μ E[z² + sin z] = 2μ + e^{−σ²/2} cos μ for z ~ N(μ, σ²)."""
    return 2 * mu + np.exp(-sigma**2 / 2) * np.cos(mu)


def pathwise_samples(z, mu, sigma):
    """Per-sample pathwise estimate: d f(μ + σε)/dμ = f'(z)."""
    return f_prime(z)


def score_samples(z, mu, sigma):
    """Per-sample score-function (REINFORCE) estimate: f(z) ∂/∂μ log N(z; μ, σ²) = f(z)(z − μ)/σ²."""
    return f(z) * (z - mu) / sigma**2


def _draw(samples: int, seed: int, mu: float, sigma: float) -> np.ndarray:
    if not (1000 <= samples <= 10_000_000 and sigma > 0):
        raise ValueError("samples must be 1000..10000000 and sigma > 0")
    return mu + sigma * np.random.default_rng(seed).standard_normal(samples)


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))


@named_check
def pathwise_gradient(*, samples: int = 200_000, seed: int = 0, mu: float = 0.5, sigma: float = 0.8,
                      analytic=None) -> CheckResult:
    """The pathwise Monte Carlo estimate of ∂/∂μ E[f(z)] is within 4 standard errors of the analytic value."""
    z = _draw(samples, seed, mu, sigma)
    estimate, se = _mean_se(pathwise_samples(z, mu, sigma))
    exact = float((analytic or analytic_gradient)(mu, sigma))
    distance = abs(estimate - exact) / se
    ok = distance < 4
    return verdict(ok, f"pathwise {estimate:.4f} ± {se:.4f} (SE), analytic {exact:.4f}, |diff| = {distance:.1f} SE",
                   "Monte Carlo", f"{samples} samples at μ={mu:g}, σ={sigma:g}; tolerance 4 standard errors"
                   + ("" if ok else ": exceeded"))


@named_check
def variance_ratio(*, samples: int = 200_000, seed: int = 0, min_ratio: float = 2.0, mu: float = 0.5,
                   sigma: float = 0.8, pathwise=None) -> CheckResult:
    """Per-sample variance of the score-function estimator over that of the pathwise one is at least min_ratio.

    Both estimators must also agree with the analytic gradient (within 5 standard
    errors), so the ratio compares two estimators of the same quantity.
    """
    z = _draw(samples, seed, mu, sigma)
    exact = analytic_gradient(mu, sigma)
    path = (pathwise or pathwise_samples)(z, mu, sigma)
    score = score_samples(z, mu, sigma)
    unbiased = all(abs(m - exact) < 5 * se for m, se in (_mean_se(path), _mean_se(score)))
    ratio = float(score.var(ddof=1) / path.var(ddof=1))
    ok = unbiased and ratio >= min_ratio
    if not unbiased:
        explanation = "an estimator disagrees with the analytic gradient by more than 5 standard errors"
    else:
        explanation = (f"Var(score function) / Var(pathwise) = {ratio:.1f} "
                       f"{'≥' if ok else '<'} {min_ratio:g} at μ={mu:g}, σ={sigma:g}, {samples} samples")
    return verdict(ok, f"variance ratio {ratio:.1f}", "Monte Carlo", explanation)
