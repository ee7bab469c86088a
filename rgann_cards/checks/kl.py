"""Kullback–Leibler divergence of discrete distributions: not symmetric, never negative."""

from __future__ import annotations

import numpy as np
import sympy

from .registry import named_check
from .result import CheckResult, verdict

P = (sympy.Rational(3, 10), sympy.Rational(7, 10))
Q = (sympy.Rational(1, 2), sympy.Rational(1, 2))
_DISTINCT = 1e-6
_ROUNDOFF = 1e-15
CLAIMED = (0.0823, 0.0872)  # KL(P‖Q), KL(Q‖P) in nats, as the answer states them (4 decimals)


def kl_exact(p, q) -> sympy.Expr:
    """KL(p‖q) = Σ_x p(x) log(p(x)/q(x)) in nats, exactly (SymPy)."""
    return sympy.Add(*[pi * sympy.log(pi / qi) for pi, qi in zip(p, q) if pi != 0])


def kl_numpy(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p‖q) in nats for strictly positive float arrays."""
    return float(np.sum(p * np.log(p / q)))


@named_check
def discrete_asymmetry(*, kl=None) -> CheckResult:
    """KL(P‖Q) ≠ KL(Q‖P) for P = (3/10, 7/10), Q = (1/2, 1/2): exact forms, 30-digit values, the stated numbers."""
    kl = kl or kl_exact
    forward, backward = kl(P, Q), kl(Q, P)
    v_forward, v_backward = sympy.N(forward, 30), sympy.N(backward, 30)
    # A nonzero difference evaluated to 30 digits proves the exact values differ.
    differ = abs(v_forward - v_backward) > sympy.Float("1e-20")
    stated = (round(float(v_forward), 4), round(float(v_backward), 4)) == CLAIMED
    measured = f"KL(P‖Q) = {float(v_forward):.4f} nats, KL(Q‖P) = {float(v_backward):.4f} nats"
    if not differ:
        explanation = "the two directions are equal"
    elif not stated:
        explanation = f"the values do not match the stated {CLAIMED[0]} and {CLAIMED[1]} nats"
    else:
        explanation = (f"KL(P‖Q) = {sympy.sstr(forward)} and KL(Q‖P) = {sympy.sstr(backward)} "
                       f"differ by {float(v_backward - v_forward):.4f} nats")
    return verdict(differ and stated, measured, "SymPy", explanation)


@named_check
def nonnegativity(*, trials: int = 2000, seed: int = 0, kl=None) -> CheckResult:
    """Random discrete P, Q of size 2–10: KL(P‖Q) > 0 whenever P ≠ Q, and KL(P‖P) = 0."""
    if not 1 <= trials <= 1_000_000:
        raise ValueError("trials must be 1..1000000")
    kl = kl or kl_numpy
    rng = np.random.default_rng(seed)
    smallest, worst_self, violations = np.inf, 0.0, 0
    for trial in range(trials):
        n = int(rng.integers(2, 11))
        p = rng.dirichlet(np.ones(n))
        if trial % 3 == 0:
            # Nearby pairs are the hard case: KL is tiny there, and a wrong formula can dip below 0.
            q = p * np.exp(rng.normal(0.0, 1e-3, n))
            q /= q.sum()
        else:
            q = rng.dirichlet(np.ones(n))
        worst_self = max(worst_self, abs(kl(p, p)))
        value = kl(p, q)
        smallest = min(smallest, value)
        # float64 resolves KL ~ |P−Q|² only down to ~1e-16 (log(p/q) carries that absolute error), so
        # strict positivity is demanded where |P−Q| > 1e-6, and "not below round-off" for closer pairs.
        if np.max(np.abs(p - q)) > _DISTINCT:
            violations += not value > 0
        else:
            violations += not value > -_ROUNDOFF
    ok = violations == 0 and worst_self <= _ROUNDOFF
    measured = f"min KL(P‖Q) {smallest:.1e} over {trials} pairs; max |KL(P‖P)| {worst_self:.1g}"
    if ok:
        explanation = f"KL(P‖Q) > 0 for all {trials} random pairs with P ≠ Q, and KL(P‖P) = 0"
    else:
        explanation = f"{violations} of {trials} pairs with P ≠ Q have KL ≤ 0" if violations else \
            f"KL(P‖P) = {worst_self:.1e}, not 0"
    return verdict(ok, measured, "randomized property test", explanation)
