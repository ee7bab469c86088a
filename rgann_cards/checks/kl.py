"""Kullback–Leibler divergence of discrete distributions: not symmetric, never negative (proved with SymPy)."""

from __future__ import annotations

import sympy

from .registry import named_check
from .result import CheckResult, verdict

P = (sympy.Rational(3, 10), sympy.Rational(7, 10))
Q = (sympy.Rational(1, 2), sympy.Rational(1, 2))
CLAIMED = (0.0823, 0.0872)  # KL(P‖Q), KL(Q‖P) in nats, as the answer states them (4 decimals)


def kl_exact(p, q) -> sympy.Expr:
    """KL(p‖q) = Σ_x p(x) log(p(x)/q(x)) in nats, exactly (SymPy)."""
    return sympy.Add(*[pi * sympy.log(pi / qi) for pi, qi in zip(p, q) if pi != 0])


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


def gibbs_term(t):
    """h(t) = t − 1 − ln t: non-negative for t > 0 and zero only at t = 1 (see ``gibbs_term_facts``)."""
    return t - 1 - sympy.log(t)


def gibbs_term_facts() -> bool:
    """SymPy: h' = 1 − 1/t vanishes only at t = 1, h'' = 1/t² > 0, h(1) = 0, h → ∞ at 0⁺ and ∞: so h ≥ 0, = 0 iff t = 1."""
    t = sympy.Symbol("t", positive=True)
    h = gibbs_term(t)
    return (sympy.solve(sympy.diff(h, t), t) == [1] and sympy.diff(h, t, 2).is_positive is True
            and h.subs(t, 1) == 0 and sympy.limit(h, t, 0, "+") == sympy.oo and sympy.limit(h, t, sympy.oo) == sympy.oo)


def masses(name: str, n: int) -> list[sympy.Symbol]:
    """n generic positive probabilities; the caller uses that they sum to 1."""
    return list(sympy.symbols(f"{name}1:{n + 1}", positive=True))


@named_check
def nonnegativity(*, max_outcomes: int = 4, kl=None) -> CheckResult:
    """Gibbs' inequality, proved symbolically: KL(P‖Q) = Σ_x P(x) h(Q(x)/P(x)) for generic P, Q on 2..max_outcomes
    outcomes, with h(t) = t − 1 − ln t ≥ 0 and h = 0 only at t = 1; so KL ≥ 0, with equality iff P = Q."""
    if not 2 <= max_outcomes <= 6:
        raise ValueError("max_outcomes must be 2..6")
    kl = kl or kl_exact
    h_ok = gibbs_term_facts()
    identity_ok = True
    for n in range(2, max_outcomes + 1):
        p, q = masses("p", n), masses("q", n)
        # KL − Σ p h(q/p) = Σ p − Σ q exactly, and normalisation (Σ p = Σ q = 1) makes that 0
        rest = kl(p, q) - sum(pi * gibbs_term(qi / pi) for pi, qi in zip(p, q)) - (sum(p) - sum(q))
        identity_ok &= sympy.expand(sympy.expand_log(rest, force=True)) == 0
    ok = h_ok and identity_ok
    measured = (f"KL(P‖Q) − Σ P h(Q/P) − (ΣP − ΣQ) {'= 0' if identity_ok else '≠ 0'} for 2..{max_outcomes} outcomes; "
                f"h(t) = t − 1 − ln t ≥ 0 {'proved' if h_ok else 'not proved'}")
    return verdict(ok, measured, "SymPy",
                   "KL(P‖Q) is a P-weighted sum of terms h ≥ 0 that vanish only where Q = P, so KL ≥ 0 with "
                   "equality iff P = Q" if ok else
                   "the KL formula is not Σ P h(Q/P), so the proof of KL ≥ 0 does not apply" if not identity_ok else
                   "h(t) = t − 1 − ln t ≥ 0 could not be proved")
