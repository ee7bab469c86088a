"""GAN theory (Goodfellow et al. 2014): the optimal discriminator, the JSD form of the game and its minimum,
saturating losses."""

from __future__ import annotations

import math

import sympy

from . import kl
from .registry import named_check
from .result import CheckResult, verdict


def optimal_d(a, b):
    """argmax_{D∈(0,1)} a log D + b log(1 − D) = a / (a + b); with a = p_data(x), b = p_g(x) this is D*(x)."""
    return a / (a + b)


@named_check
def optimal_discriminator(*, d_star=None) -> CheckResult:
    """SymPy: a/(a+b) is the only critical point of a log D + b log(1−D) in (0,1), and a maximum."""
    a, b, D = sympy.symbols("a b D", positive=True)
    objective = a * sympy.log(D) + b * sympy.log(1 - D)
    candidate = (d_star or optimal_d)(a, b)
    first = sympy.diff(objective, D)
    second = sympy.diff(objective, D, 2)
    stationary = sympy.simplify(first.subs(D, candidate)) == 0
    curvature = sympy.factor(sympy.simplify(second.subs(D, candidate)))
    maximum = curvature.is_negative is True
    inside = sympy.simplify(candidate).is_positive is True and sympy.simplify(1 - candidate).is_positive is True
    only_one = [sympy.simplify(s - candidate) == 0 for s in sympy.solve(first, D)] == [True]
    # The objective falls to −∞ at both ends of (0,1), so the one local maximum is the global one.
    ends = (sympy.limit(objective, D, 0, "+"), sympy.limit(objective, D, 1, "-")) == (-sympy.oo, -sympy.oo)
    ok = stationary and maximum and inside and only_one and ends
    p_data, p_g = sympy.symbols("p_data p_g", positive=True)
    d_text = sympy.sstr(candidate.subs({a: p_data, b: p_g}))
    return verdict(ok, f"D* = {d_text}; f''(D*) = {sympy.sstr(curvature)}", "SymPy",
                   "first-order condition holds, second derivative < 0, objective → −∞ at 0 and 1" if ok else
                   f"{d_text} is not the maximizer of p_data log D + p_g log(1 − D)")


def _expand_logs(expr: sympy.Expr) -> sympy.Expr:
    """Split every log into logs of factors (log(1 − p/(p+q)) = log q − log(p+q)), then expand."""
    expr = expr.replace(lambda e: isinstance(e, sympy.log), lambda e: sympy.log(sympy.factor(e.args[0])))
    return sympy.expand(sympy.expand_log(expr, force=True))


def game_value(p, q, d_star=optimal_d):
    """C(G) = Σ_x p(x) log D*(x) + q(x) log(1 − D*(x)) for discrete p = p_data, q = p_g."""
    return sum(pi * sympy.log(d) + qi * sympy.log(1 - d) for pi, qi in zip(p, q) for d in [d_star(pi, qi)])


@named_check
def equilibrium_value(*, outcomes: int = 3, d_star=None) -> CheckResult:
    """SymPy: at p_g = p_data, D* = ½ and V(D*, G) = −log 4 (a Gaussian density, integrated); and that is the global
    minimum of C(G): for generic p_data, p_g on ``outcomes`` points, C(G) + log 4 = Σ [p h(m/p) + q h(m/q)] with
    m = (p + q)/2 and h(t) = t − 1 − ln t ≥ 0 (zero only at t = 1), so C(G) ≥ −log 4 with equality iff p_g = p_data."""
    if not 2 <= outcomes <= 5:
        raise ValueError("outcomes must be 2..5")
    d_star = d_star or optimal_d
    x = sympy.Symbol("x", real=True)
    p = sympy.Function("p", positive=True)(x)  # any density; p_g = p_data = p
    d = sympy.simplify(d_star(p, p))
    constant = not d.has(x)
    # V = ∫ p_data log D* + ∫ p_g log(1 − D*), for a concrete density so that ∫ p = 1 is used, not assumed.
    density = sympy.exp(-x**2 / 2) / sympy.sqrt(2 * sympy.pi)
    d_concrete = d.subs(p, density)
    value = sympy.simplify(sympy.integrate(density * sympy.log(d_concrete), (x, -sympy.oo, sympy.oo))
                           + sympy.integrate(density * sympy.log(1 - d_concrete), (x, -sympy.oo, sympy.oo)))
    value_ok = constant and sympy.simplify(value + sympy.log(4)) == 0
    # Global minimum: C + log 4 − Σ [p h(m/p) + q h(m/q)] = −(Σ p + Σ q − 2 Σ m) = 0 exactly.
    ps, qs = kl.masses("p", outcomes), kl.masses("q", outcomes)
    ms = [(pi + qi) / 2 for pi, qi in zip(ps, qs)]
    gap = sum(pi * kl.gibbs_term(mi / pi) + qi * kl.gibbs_term(mi / qi) for pi, qi, mi in zip(ps, qs, ms))
    rest = game_value(ps, qs, d_star) + sympy.log(4) * (sum(ps) + sum(qs)) / 2 - gap
    minimum_ok = _expand_logs(rest) == 0 and kl.gibbs_term_facts()
    ok = value_ok and minimum_ok
    shown = f" = {float(value):.4f}" if value.is_number and value.is_finite and value.is_real else ""
    return verdict(ok, f"V(D*, G) = {sympy.sstr(value)}{shown}", "SymPy",
                   f"D* = {sympy.sstr(d)} when p_g = p_data, so V = 2 log ½ = −log 4; C(G) + log 4 = "
                   "Σ [p h(m/p) + q h(m/q)] ≥ 0, so C(G) ≥ −log 4 with equality iff p_g = p_data" if ok else
                   f"with D* = {sympy.sstr(d)}, V(D*, G) is not −log 4 at p_g = p_data" if not value_ok else
                   "C(G) + log 4 is not a sum of terms h ≥ 0, so −log 4 is not shown to be the minimum")


def jsd_rhs(p, q):
    """The claimed C(G): −log 4 + KL(p‖m) + KL(q‖m) with m = (p + q)/2, i.e. −log 4 + 2 JSD(p‖q)."""
    m = [(pi + qi) / 2 for pi, qi in zip(p, q)]
    return -sympy.log(4) + kl.kl_exact(p, m) + kl.kl_exact(q, m)


@named_check
def jsd_identity(*, outcomes: int = 3, rhs=None) -> CheckResult:
    """SymPy, generic p_data, p_g on ``outcomes`` points: C(G) = max_D V = −log 4 + KL(p_data‖m) + KL(p_g‖m)
    exactly (using only Σ p = Σ q = 1), so C(G) = −log 4 + 2 JSD(p_data‖p_g)."""
    if not 2 <= outcomes <= 6:
        raise ValueError("outcomes must be 2..6")
    ps, qs = kl.masses("p", outcomes), kl.masses("q", outcomes)
    claimed = (rhs or jsd_rhs)(ps, qs)
    # The difference may only be a multiple of (Σp − 1) and (Σq − 1): set the last masses by normalisation.
    last = {ps[-1]: 1 - sum(ps[:-1]), qs[-1]: 1 - sum(qs[:-1])}
    ok = sympy.simplify(_expand_logs(game_value(ps, qs) - claimed).subs(last)) == 0
    return verdict(ok, f"C(G) − (−log 4 + KL(p‖m) + KL(q‖m)) {'= 0' if ok else '≠ 0'} for {outcomes} outcomes",
                   "SymPy", "C(G) = −log 4 + 2 JSD(p_data‖p_g) for generic distributions" if ok else
                   "C(G) differs from the claimed expression")


def saturating_gradient(D):
    """Claimed ∂/∂a log(1 − D) for D = σ(a): −D."""
    return -D


def non_saturating_gradient(D):
    """Claimed ∂/∂a (−log D) for D = σ(a): −(1 − D)."""
    return -(1 - D)


@named_check
def generator_gradient_saturation(*, at: float = 1e-4, saturating=None, non_saturating=None) -> CheckResult:
    """With D = σ(a): ∂ log(1−D)/∂a = −D → 0 as D → 0, while ∂(−log D)/∂a = −(1−D) → −1; also numerically at D = at."""
    if not 0 < at < 0.5:
        raise ValueError("at must be in (0, 0.5)")
    a = sympy.Symbol("a", real=True)
    D = 1 / (1 + sympy.exp(-a))
    claims = ((saturating or saturating_gradient)(D), (non_saturating or non_saturating_gradient)(D))
    exact = (sympy.diff(sympy.log(1 - D), a), sympy.diff(-sympy.log(D), a))
    symbolic = all(sympy.simplify(e - c) == 0 for e, c in zip(exact, claims))
    limits = (sympy.limit(claims[0], a, -sympy.oo), sympy.limit(claims[1], a, -sympy.oo))
    saturates = limits == (0, -1)
    # Numerically, without the algebra: five-point central differences in float64 at D = at.
    a0, h = math.log(at / (1 - at)), 1e-4
    losses = (lambda t: math.log1p(-_sigmoid(t)), lambda t: -math.log(_sigmoid(t)))
    numeric = [(-L(a0 + 2 * h) + 8 * L(a0 + h) - 8 * L(a0 - h) + L(a0 - 2 * h)) / (12 * h) for L in losses]
    claimed_at = [float(c.subs(a, a0)) for c in claims]
    agree = all(abs(n - c) <= 1e-6 * max(abs(n), 1e-12) for n, c in zip(numeric, claimed_at))
    ok = symbolic and saturates and agree
    measured = (f"at D = {at:g}: ∂/∂a log(1−D) = {numeric[0]:.2e}, ∂/∂a (−log D) = {numeric[1]:.4f}; "
                f"limits as D → 0: {sympy.sstr(limits[0])} and {sympy.sstr(limits[1])}")
    return verdict(ok, measured, "SymPy and finite differences",
                   "the saturating loss's gradient vanishes with D, the non-saturating one tends to −1" if ok else
                   "the claimed gradients do not match the derivatives" if not (symbolic and agree) else
                   "the claimed limits as D → 0 are not 0 and −1")


def _sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t))
