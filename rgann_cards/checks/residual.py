"""Residual connections: y = x + F(x) has Jacobian I + ∂F/∂x, so gradients keep an identity path through depth."""

from __future__ import annotations

import numpy as np
import sympy

from .registry import named_check
from .result import CheckResult, verdict

INIT_GAIN = 0.5  # weights ~ N(0, (0.5/√width)²): half the LeCun scale, where a deep plain tanh net clearly vanishes


def residual_jacobian_formula(W1, W2, x):
    """The claimed ∂y/∂x for y = x + W2 tanh(W1 x): I + W2 diag(1 − tanh²(W1 x)) W1 (SymPy matrices)."""
    slopes = [1 - sympy.tanh(h) ** 2 for h in W1 * x]
    return sympy.eye(len(x)) + W2 * sympy.diag(*slopes) * W1


def residual_layer_jacobian(slope: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Jacobian of x + tanh(W x) w.r.t. x, given slope = tanh'(W x): I + diag(slope) W."""
    return np.eye(len(slope)) + slope[:, None] * W


def plain_layer_jacobian(slope: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Jacobian of tanh(W x) w.r.t. x: diag(slope) W."""
    return slope[:, None] * W


@named_check
def jacobian_identity(*, n: int = 3, jacobian=None) -> CheckResult:
    """SymPy, n dims: for y = x + W2 tanh(W1 x), Jacobian(y) = I + Jacobian(F) = I + W2 diag(1 − tanh²(W1 x)) W1."""
    if not 1 <= n <= 6:
        raise ValueError("n must be 1..6")
    x = sympy.Matrix(sympy.symbols(f"x1:{n + 1}", real=True))
    W1 = sympy.Matrix(n, n, sympy.symbols(f"a1:{n * n + 1}", real=True))
    W2 = sympy.Matrix(n, n, sympy.symbols(f"b1:{n * n + 1}", real=True))
    F = W2 * (W1 * x).applyfunc(sympy.tanh)
    J = (x + F).jacobian(x)
    identity_ok = (J - (sympy.eye(n) + F.jacobian(x))).applyfunc(sympy.expand).is_zero_matrix
    claimed = (jacobian or residual_jacobian_formula)(W1, W2, x)
    formula_ok = (J - claimed).applyfunc(sympy.expand).is_zero_matrix
    ok = bool(identity_ok and formula_ok)
    return verdict(ok, "J_y − (I + J_F) = 0" if ok else "J_y − claimed ≠ 0", "SymPy",
                   f"∂y/∂x = I + W2 diag(1 − tanh²(W1 x)) W1 holds entrywise for n={n}" if ok else
                   "the claimed Jacobian differs from SymPy's Jacobian of y")


def _weights(depth: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, INIT_GAIN / np.sqrt(width), (depth, width, width))
    x0 = rng.normal(0.0, 1.0, width)
    upstream = rng.normal(0.0, 1.0, width)
    return W, x0, upstream / np.linalg.norm(upstream)  # a unit-norm gradient arriving at the output


def _input_gradient_norm(W: np.ndarray, x0: np.ndarray, upstream: np.ndarray, layer_jacobian,
                         residual: bool) -> float:
    x, jacobians = x0, []
    for weights in W:
        pre = weights @ x
        slope = 1 - np.tanh(pre) ** 2
        jacobians.append(layer_jacobian(slope, weights))
        x = x + np.tanh(pre) if residual else np.tanh(pre)
    gradient = upstream
    for jac in reversed(jacobians):
        gradient = jac.T @ gradient
    return float(np.linalg.norm(gradient))


def gradient_norms(depths, *, width: int = 32, seed: int = 0) -> dict[str, list[float]]:
    """‖∂L/∂x_0‖ for plain and residual tanh nets of each depth (the first d layers of one weight draw), for plots."""
    depths = list(depths)
    W, x0, upstream = _weights(max(depths), width, seed)
    return {
        "plain": [_input_gradient_norm(W[:d], x0, upstream, plain_layer_jacobian, False) for d in depths],
        "residual": [_input_gradient_norm(W[:d], x0, upstream, residual_layer_jacobian, True) for d in depths],
    }


@named_check
def gradient_norm_depth(*, depth: int = 50, width: int = 32, seed: int = 0, plain_below: float = 1e-3,
                        residual_above: float = 0.1, layer_jacobian=None) -> CheckResult:
    """Backprop a unit gradient through ``depth`` tanh layers: it vanishes in the plain net, not in the residual one."""
    if not (1 <= depth <= 1000 and 1 <= width <= 512):
        raise ValueError("depth must be 1..1000 and width 1..512")
    W, x0, upstream = _weights(depth, width, seed)
    plain = _input_gradient_norm(W, x0, upstream, plain_layer_jacobian, False)
    residual = _input_gradient_norm(W, x0, upstream, layer_jacobian or residual_layer_jacobian, True)
    ok = plain < plain_below and residual > residual_above
    return verdict(ok, f"‖∂L/∂x₀‖: plain {plain:.1e}, residual {residual:.2g} (depth {depth}, width {width})",
                   "NumPy backpropagation",
                   f"plain {'<' if plain < plain_below else '≥'} {plain_below:g} and residual "
                   f"{'>' if residual > residual_above else '≤'} {residual_above:g}; weights N(0, ({INIT_GAIN}/√width)²)")
