"""The forget-gate error signal of an LSTM memory block, in the sheet's notation.

One block: input gate ι, forget gate φ and output gate ω, shared by D cells.
    s_c^t = y_φ^t s_c^{t-1} + y_ι^t g(net_c^t),    y_c^t = y_ω^t h(s_c^t)
with logistic gates and g = h = tanh. The claim under test:
    δ_φ^t = φ'(net_φ^t) Σ_c ζ_c^t s_c^{t-1},    ζ_c^t = ∂E/∂s_c^t (total derivative).
"""

from __future__ import annotations

import numpy as np
import sympy

from .registry import named_check
from .result import CheckResult, verdict

_N_INPUTS = 2
# Five-point central differences: with h = 1e-3, truncation (~h⁴) and float64 round-off (~1e-16/h)
# both stay near 1e-11, where the plain two-point rule with any h is stuck near 1e-8.
_STEP = 1e-3


def sheet_delta_phi(phi_prime, zeta, s_prev):
    """δ_φ^t = φ'(net_φ^t) Σ_c ζ_c^t s_c^{t-1}; works on NumPy arrays and on lists of SymPy symbols."""
    return phi_prime * sum(z * s for z, s in zip(zeta, s_prev))


class _Block:
    """Random weights of one memory block; rows of W: ι, φ, ω, then one per cell."""

    def __init__(self, cells: int, steps: int, seed: int):
        rng = np.random.default_rng(seed)
        self.cells = cells
        self.W = rng.normal(0.0, 0.5, (3 + cells, _N_INPUTS + cells))  # inputs and recurrent y^{t-1}
        self.b = rng.normal(0.0, 0.5, 3 + cells)
        self.b[1] += 1.0  # the usual positive forget bias, so memory is kept between steps
        self.xs = rng.normal(0.0, 1.0, (steps, _N_INPUTS))
        self.targets = rng.normal(0.0, 0.5, (steps, cells))
        # A nonzero initial state, so that δ_φ at t = 0 is not trivially zero.
        self.s0 = rng.normal(0.0, 1.0, cells)
        self.y0 = np.tanh(rng.normal(0.0, 1.0, cells))

    def forward(self, phi_offsets: np.ndarray) -> tuple[float, list[dict]]:
        """Loss E = ½ Σ_t ‖y^t − target^t‖², with net_φ^t shifted by phi_offsets[t]."""
        s_prev, y_prev, loss, cache = self.s0, self.y0, 0.0, []
        for t, x in enumerate(self.xs):
            net = self.W @ np.concatenate([x, y_prev]) + self.b
            y_i, y_f, y_o = _sigmoid(net[:3] + np.array([0.0, phi_offsets[t], 0.0]))
            g = np.tanh(net[3:])
            s = y_f * s_prev + y_i * g
            h = np.tanh(s)
            y = y_o * h
            loss += 0.5 * float(np.sum((y - self.targets[t]) ** 2))
            cache.append(dict(y_i=y_i, y_f=y_f, y_o=y_o, g=g, s_prev=s_prev, h=h, y=y))
            s_prev, y_prev = s, y
        return loss, cache

    def backward(self, cache: list[dict], delta_phi) -> np.ndarray:
        """Backpropagation through time; returns δ_φ^t for every t, computed by ``delta_phi``."""
        recurrent = self.W[:, _N_INPUTS:]
        dnet_next = np.zeros(3 + self.cells)
        zeta_next, y_f_next = np.zeros(self.cells), 0.0
        deltas = np.zeros(len(cache))
        for t in reversed(range(len(cache))):
            c = cache[t]
            dy = (c["y"] - self.targets[t]) + recurrent.T @ dnet_next
            # ζ_c^t: directly through y_c^t, and through s_c^{t+1} = y_φ^{t+1} s_c^t + ...
            zeta = dy * c["y_o"] * (1 - c["h"] ** 2) + zeta_next * y_f_next
            d_phi = delta_phi(c["y_f"] * (1 - c["y_f"]), zeta, c["s_prev"])
            d_iota = c["y_i"] * (1 - c["y_i"]) * float(np.dot(zeta, c["g"]))
            d_omega = c["y_o"] * (1 - c["y_o"]) * float(np.dot(dy, c["h"]))
            d_cells = zeta * c["y_i"] * (1 - c["g"] ** 2)
            dnet_next = np.concatenate([[d_iota, d_phi, d_omega], d_cells])
            zeta_next, y_f_next = zeta, c["y_f"]
            deltas[t] = d_phi
        return deltas


@named_check
def forget_gate_gradient(*, cells: int = 3, steps: int = 6, seed: int = 0, rtol: float = 1e-6,
                         formula=None) -> CheckResult:
    """δ_φ^t from the sheet's formula (inside full BPTT) matches central finite differences of E w.r.t. net_φ^t."""
    if not (1 <= cells <= 50 and 1 <= steps <= 200):
        raise ValueError("cells must be 1..50 and steps 1..200")
    block = _Block(cells, steps, seed)
    _, cache = block.forward(np.zeros(steps))
    analytic = block.backward(cache, formula or sheet_delta_phi)
    numeric = np.zeros(steps)
    for t in range(steps):
        bump = np.zeros(steps)
        bump[t] = _STEP
        e = [block.forward(k * bump)[0] for k in (2, 1, -1, -2)]
        numeric[t] = (-e[0] + 8 * e[1] - 8 * e[2] + e[3]) / (12 * _STEP)
    scale = np.maximum(np.abs(numeric), np.abs(analytic))
    error = float(np.max(np.abs(analytic - numeric) / np.maximum(scale, 1e-300)))
    ok = error < rtol
    return verdict(ok, f"max rel. error {error:.1e} over {steps} steps, D={cells}", "finite differences",
                   f"δ_φ^t {'agrees' if ok else 'disagrees'} with central differences of E "
                   f"(rel. error {error:.1e}, tolerance {rtol:g})")


@named_check
def forget_gate_chain_rule(*, cells: int = 3, formula=None) -> CheckResult:
    """SymPy, one step: dE(s_1..s_D)/dnet_φ = σ'(net_φ) Σ_c ∂E/∂s_c · s_c^{prev} for a generic E."""
    if not 1 <= cells <= 8:
        raise ValueError("cells must be 1..8")
    net = sympy.Symbol("net_phi", real=True)
    y_iota = sympy.Symbol("y_iota", real=True)
    s_prev = sympy.symbols(f"s_prev1:{cells + 1}", real=True)
    g = sympy.symbols(f"g1:{cells + 1}", real=True)
    s = sympy.symbols(f"s1:{cells + 1}", real=True)
    zeta = sympy.symbols(f"zeta1:{cells + 1}", real=True)
    sigma = 1 / (1 + sympy.exp(-net))
    loss = sympy.Function("E")(*s)  # an arbitrary differentiable loss of the new cell states
    states = {s[c]: sigma * s_prev[c] + y_iota * g[c] for c in range(cells)}
    chain = sympy.diff(loss.subs(states), net)
    # SymPy writes ∂E/∂s_c at the new states as Subs(Derivative(E(...), ξ), ξ, s_c); name them ζ_c.
    chain = chain.replace(lambda e: isinstance(e, sympy.Subs),
                          lambda e: zeta[e.expr.expr.args.index(e.variables[0])])
    sigma_prime = sigma * (1 - sigma)
    logistic_ok = sympy.simplify(sympy.diff(sigma, net) - sigma_prime) == 0
    claimed = (formula or sheet_delta_phi)(sigma_prime, zeta, s_prev)
    chain_ok = sympy.simplify(chain - claimed) == 0
    ok = logistic_ok and chain_ok
    explanation = (f"dE/dnet_φ − φ'(net_φ) Σ_c ζ_c s_c^(t-1) simplifies to 0 for D={cells}, with σ' = σ(1−σ)"
                   if ok else "the chain rule through every cell state does not give the claimed δ_φ"
                   if not chain_ok else "σ' is not σ(1−σ)")
    return verdict(ok, "difference = 0" if ok else "difference ≠ 0", "SymPy", explanation)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))
