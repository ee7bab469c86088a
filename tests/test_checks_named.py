"""Named checks: each passes as shipped, and each catches a wrong formula plugged into it."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from rgann_cards.checks import batchnorm, gan, gaussian, kl, lstm, registry, reparam, residual, sigmoid
from rgann_cards.checks.registry import RegistryError
from rgann_cards.checks.result import CheckResult

SHIPPED = {
    "batchnorm.inference_running_statistics", "batchnorm.normalized_statistics",
    "gan.equilibrium_value", "gan.generator_gradient_saturation", "gan.jsd_identity", "gan.optimal_discriminator",
    "gaussian.kl_standard_normal_1d", "gaussian.kl_standard_normal_diagonal",
    "gaussian.kl_standard_normal_full_covariance",
    "kl.discrete_asymmetry", "kl.nonnegativity",
    "lstm.forget_gate_chain_rule", "lstm.forget_gate_gradient",
    "reparam.pathwise_gradient", "reparam.variance_ratio",
    "residual.gradient_norm_depth", "residual.jacobian_identity",
    "sigmoid.derivative_bound",
}
HALF = sympy.Rational(1, 2)


def assert_fails(result: CheckResult) -> None:
    assert isinstance(result, CheckResult)
    assert result.status == "fail", result


# --- every shipped check passes with its defaults ------------------------------------------------

@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_check_passes_with_defaults(name):
    result = registry.resolve(name)()
    assert result.status == "pass", result
    assert result.measured and result.method and result.explanation
    assert "\n" not in result.measured + result.explanation


# --- LSTM ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cells", "steps", "seed"), [(1, 20, 0), (5, 30, 3), (2, 50, 7)])
def test_forget_gate_gradient_holds_for_other_sizes(cells, steps, seed):
    assert lstm.forget_gate_gradient(cells=cells, steps=steps, seed=seed).status == "pass"


def test_forget_gate_gradient_without_phi_prime_fails():
    assert_fails(lstm.forget_gate_gradient(formula=lambda phi_prime, zeta, s_prev: float(np.dot(zeta, s_prev))))


def test_forget_gate_gradient_with_wrong_state_fails():
    # ζ_c^t s_c^{t-1} replaced by ζ_c^t alone (forgetting the factor the forget gate multiplies).
    assert_fails(lstm.forget_gate_gradient(formula=lambda phi_prime, zeta, s_prev: phi_prime * float(np.sum(zeta))))


def test_forget_gate_chain_rule_without_phi_prime_fails():
    assert_fails(lstm.forget_gate_chain_rule(formula=lambda phi_prime, zeta, s_prev:
                                             sum(z * s for z, s in zip(zeta, s_prev))))


# --- KL -----------------------------------------------------------------------------------------

def test_discrete_asymmetry_reports_both_values():
    assert kl.discrete_asymmetry().measured == "KL(P‖Q) = 0.0823 nats, KL(Q‖P) = 0.0872 nats"


def test_discrete_asymmetry_with_swapped_arguments_fails():
    assert_fails(kl.discrete_asymmetry(kl=lambda p, q: kl.kl_exact(q, p)))


def test_discrete_asymmetry_with_a_symmetric_formula_fails():
    result = kl.discrete_asymmetry(kl=lambda p, q: (kl.kl_exact(p, q) + kl.kl_exact(q, p)) / 2)
    assert_fails(result)
    assert result.explanation == "the two directions are equal"


def test_nonnegativity_with_flipped_log_fails():
    assert_fails(kl.nonnegativity(kl=lambda p, q: sum(a * sympy.log(b / a) for a, b in zip(p, q))))


def test_nonnegativity_with_wrong_weights_fails():
    assert_fails(kl.nonnegativity(kl=lambda p, q: sum(b * sympy.log(a / b) for a, b in zip(p, q))))


# --- Gaussians ----------------------------------------------------------------------------------

def test_kl_1d_with_log_sigma_instead_of_log_sigma_squared_fails():
    assert_fails(gaussian.kl_standard_normal_1d(
        closed_form=lambda mu, sigma: HALF * (sigma**2 + mu**2 - 1 - sympy.log(sigma))))


def test_kl_diagonal_with_det_instead_of_log_det_fails():
    assert_fails(gaussian.kl_standard_normal_diagonal(
        closed_form=lambda mu, cov: HALF * (cov.trace() + (mu.T * mu)[0, 0] - cov.shape[0] - cov.det())))


def test_kl_diagonal_with_plus_k_fails():
    assert_fails(gaussian.kl_standard_normal_diagonal(
        closed_form=lambda mu, cov: HALF * (cov.trace() + (mu.T * mu)[0, 0] + cov.shape[0] - sympy.log(cov.det()))))


def test_kl_full_covariance_without_log_det_fails():
    assert_fails(gaussian.kl_standard_normal_full_covariance(
        closed_form=lambda mu, cov: 0.5 * (np.trace(cov) + mu @ mu - len(mu))))


def test_kl_full_covariance_notices_a_small_offset():
    assert_fails(gaussian.kl_standard_normal_full_covariance(
        closed_form=lambda mu, cov: gaussian.closed_form_matrix(mu, cov) + 0.02))


# --- reparameterization -------------------------------------------------------------------------

def test_pathwise_gradient_without_damping_factor_fails():
    assert_fails(reparam.pathwise_gradient(analytic=lambda mu, sigma: 2 * mu + np.cos(mu)))


def test_variance_ratio_fails_when_pathwise_is_really_score_function():
    assert_fails(reparam.variance_ratio(pathwise=reparam.score_samples))


def test_variance_ratio_fails_for_a_biased_estimator():
    result = reparam.variance_ratio(pathwise=lambda z, mu, sigma: 2 * z)  # forgot the cos term
    assert_fails(result)
    assert "disagrees with the analytic gradient" in result.explanation


def test_variance_ratio_threshold_is_honoured():
    assert_fails(reparam.variance_ratio(min_ratio=100.0))


# --- residual connections -----------------------------------------------------------------------

def test_jacobian_without_identity_fails():
    def without_identity(W1, W2, x):
        return W2 * sympy.diag(*[1 - sympy.tanh(h) ** 2 for h in W1 * x]) * W1

    assert_fails(residual.jacobian_identity(jacobian=without_identity))


def test_jacobian_without_tanh_derivative_fails():
    assert_fails(residual.jacobian_identity(jacobian=lambda W1, W2, x: sympy.eye(len(x)) + W2 * W1))


def test_gradient_norm_without_skip_path_fails():
    assert_fails(residual.gradient_norm_depth(layer_jacobian=lambda slope, W, res: residual.plain_layer_jacobian(slope, W)))


def test_gradient_norm_regimes_are_honoured():
    result = residual.gradient_norm_depth(depth=10)  # too shallow for the plain net to fall below 1e-12
    assert_fails(result)
    assert result.explanation == "the measured gradient norms do not show the claimed regimes"


def test_gradient_norm_depth_sweeps_the_weight_scale():
    result = residual.gradient_norm_depth()
    assert result.measured == ("‖∂L/∂x₀‖ at depth 50, width 32: g=0.5: plain 1.1e-16, residual 8.5; "
                               "g=1: plain 2.4e-02, residual 23; g=2: plain 6.4e+02, residual 2.4e+02")


def test_gradient_norms_for_plotting():
    norms = residual.gradient_norms([1, 10, 50])
    assert set(norms) == {"plain", "residual"}
    assert norms["plain"] == sorted(norms["plain"], reverse=True)
    assert all(r > p for r, p in zip(norms["residual"], norms["plain"]))
    assert norms["plain"][-1] < 1e-3 < 0.1 < norms["residual"][-1]


# --- GANs ---------------------------------------------------------------------------------------

def test_optimal_discriminator_swapped_fails():
    assert_fails(gan.optimal_discriminator(d_star=lambda a, b: b / (a + b)))


def test_optimal_discriminator_ratio_fails():
    assert_fails(gan.optimal_discriminator(d_star=lambda a, b: a / b))


def test_equilibrium_value_with_wrong_discriminator_fails():
    assert_fails(gan.equilibrium_value(d_star=lambda a, b: a / b))


def test_equilibrium_value_is_minus_log_4():
    assert gan.equilibrium_value().measured == "V(D*, G) = -log(4) = -1.3863"


def test_saturation_with_sigmoid_derivative_as_gradient_fails():
    assert_fails(gan.generator_gradient_saturation(saturating=lambda D: -D * (1 - D)))


def test_saturation_with_swapped_gradients_fails():
    assert_fails(gan.generator_gradient_saturation(saturating=gan.non_saturating_gradient,
                                                   non_saturating=gan.saturating_gradient))


# --- batch normalization ------------------------------------------------------------------------

def test_batchnorm_with_unbiased_variance_fails():
    assert_fails(batchnorm.normalized_statistics(
        normalize=lambda x, eps: (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + eps)))


def test_batchnorm_without_centering_fails():
    assert_fails(batchnorm.normalized_statistics(normalize=lambda x, eps: x / np.sqrt(x.var(axis=0) + eps)))


def test_inference_with_batch_statistics_fails():
    result = batchnorm.inference_running_statistics(eval_forward=lambda bn, x: bn.train_forward(x, update=False))
    assert_fails(result)
    assert result.explanation == "eval-mode output depends on the batch"


# --- every named check fails on a plausible wrong formula -----------------------------------------

def _roll_cells(phi_prime, zeta, s_prev):
    return phi_prime * float(np.dot(np.roll(zeta, 1), s_prev))  # ζ of the wrong cell: index c − 1


def _m(p, q):
    return [(a + b) / 2 for a, b in zip(p, q)]


# (check, what is wrong, keyword arguments that plug the wrong formula in)
MUTANTS = [
    ("batchnorm.inference_running_statistics", "running variance without Bessel's correction",
     dict(update=lambda m, v, x, mo: ((1 - mo) * m + mo * x.mean(0), (1 - mo) * v + mo * x.var(0)))),
    ("batchnorm.inference_running_statistics", "momentum weights swapped",
     dict(update=lambda m, v, x, mo: (mo * m + (1 - mo) * x.mean(0), mo * v + (1 - mo) * x.var(0, ddof=1)))),
    ("batchnorm.normalized_statistics", "ε added outside the square root",
     dict(normalize=lambda x, eps: (x - x.mean(axis=0)) / (np.sqrt(x.var(axis=0)) + eps))),
    ("gan.equilibrium_value", "D* = p_g / (p_data + p_g): right at p_g = p_data, wrong elsewhere",
     dict(d_star=lambda a, b: b / (a + b))),
    ("gan.generator_gradient_saturation", "non-saturating gradient squared",
     dict(non_saturating=lambda D: -(1 - D) ** 2)),
    ("gan.jsd_identity", "KL directions reversed: KL(m‖p_data) + KL(m‖p_g)",
     dict(rhs=lambda p, q: -sympy.log(4) + kl.kl_exact(_m(p, q), p) + kl.kl_exact(_m(p, q), q))),
    ("gan.jsd_identity", "−log 2 instead of −log 4",
     dict(rhs=lambda p, q: -sympy.log(2) + kl.kl_exact(p, _m(p, q)) + kl.kl_exact(q, _m(p, q)))),
    ("gan.optimal_discriminator", "a / (a + 2b)", dict(d_star=lambda a, b: a / (a + 2 * b))),
    ("gaussian.kl_standard_normal_1d", "μ² term dropped",
     dict(closed_form=lambda mu, sigma: HALF * (sigma**2 - 1 - sympy.log(sigma**2)))),
    ("gaussian.kl_standard_normal_diagonal", "μᵀμ with a minus sign",
     dict(closed_form=lambda mu, cov: HALF * (cov.trace() - (mu.T * mu)[0, 0] - cov.shape[0] - sympy.log(cov.det())))),
    ("gaussian.kl_standard_normal_full_covariance", "tr Σ⁻¹ instead of tr Σ",
     dict(closed_form=lambda mu, cov: 0.5 * (np.trace(np.linalg.inv(cov)) + mu @ mu - len(mu)
                                            - np.linalg.slogdet(cov)[1]))),
    ("kl.discrete_asymmetry", "bits instead of nats",
     dict(kl=lambda p, q: kl.kl_exact(p, q) / sympy.log(2))),
    ("kl.nonnegativity", "squared log-ratio", dict(kl=lambda p, q: sum(a * sympy.log(a / b) ** 2 for a, b in zip(p, q)))),
    ("lstm.forget_gate_gradient", "ζ of the neighbouring cell (wrong index)", dict(formula=_roll_cells)),
    ("lstm.forget_gate_chain_rule", "s_c^{t−1} dropped",
     dict(formula=lambda phi_prime, zeta, s_prev: phi_prime * sum(zeta))),
    ("reparam.pathwise_gradient", "wrong sign of the cosine term",
     dict(analytic=lambda mu, sigma: 2 * mu - np.exp(-sigma**2 / 2) * np.cos(mu))),
    ("reparam.variance_ratio", "f(z) instead of f'(z) as the pathwise sample", dict(pathwise=lambda z, mu, sigma: reparam.f(z))),
    ("residual.gradient_norm_depth", "tanh' dropped from the layer Jacobian",
     dict(layer_jacobian=lambda slope, W, res: (np.eye(len(slope)) if res else 0) + W)),
    ("residual.gradient_norm_depth", "Jacobian transposed (wrong index order)",
     dict(layer_jacobian=lambda slope, W, res: (np.eye(len(slope)) if res else 0) + W * slope[None, :])),
    ("residual.jacobian_identity", "weight matrices in the wrong order",
     dict(jacobian=lambda W1, W2, x: sympy.eye(len(x)) + W1 * sympy.diag(*[1 - sympy.tanh(h) ** 2 for h in W1 * x]) * W2)),
    ("sigmoid.derivative_bound", "σ(1 + σ)", dict(derivative=lambda s: s * (1 + s))),
    ("sigmoid.derivative_bound", "maximum 1/2", dict(maximum=0.5)),
]


@pytest.mark.parametrize(("name", "wrong", "kwargs"), MUTANTS, ids=[f"{n}: {w}" for n, w, _ in MUTANTS])
def test_check_fails_on_a_wrong_formula(name, wrong, kwargs):
    assert_fails(registry.resolve(name)(**kwargs))


def test_every_named_check_has_a_mutant():
    assert {name for name, _, _ in MUTANTS} == SHIPPED


# --- the registry -------------------------------------------------------------------------------

def test_known_functions_lists_exactly_the_shipped_checks():
    assert registry.known_functions() == SHIPPED


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_source_scan_agrees_with_the_signature(name):
    fn = registry.resolve(name)
    declared = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not None}
    assert registry.known_checks()[name] == declared
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in inspect.signature(fn).parameters.values())


@pytest.mark.parametrize("name", [
    "kl.kl_exact",  # a real function of the module, but not a named check
    "kl.np", "kl.sympy", "kl.__class__", "os.system", "runner.run_checks", "registry.resolve",
    "worker.execute", "expr.parse_expr", "kl", "kl.nonnegativity.x", "",
])
def test_resolve_rejects_anything_not_registered(name):
    with pytest.raises(RegistryError, match="^unknown check"):
        registry.resolve(name)


def test_resolve_suggests_a_close_name():
    with pytest.raises(RegistryError) as info:
        registry.resolve("kl.nonnegativty")
    assert str(info.value) == "unknown check 'kl.nonnegativty' (did you mean 'kl.nonnegativity'?)"


def test_bind_params_accepts_scalars_of_the_right_type():
    fn = registry.resolve("reparam.pathwise_gradient")
    assert registry.bind_params(fn, "reparam.pathwise_gradient", {"samples": 2, "mu": 1}) == {
        "samples": 2, "mu": 1.0}  # an int is accepted for a float parameter


@pytest.mark.parametrize(("params", "message"), [
    ({"formula": "x"}, "unknown parameter 'formula' for lstm.forget_gate_gradient (accepts: cells, steps, seed, rtol)"),
    ({"cell": 3}, "unknown parameter 'cell' for lstm.forget_gate_gradient (accepts: cells, steps, seed, rtol)"),
    ({"cells": "3"}, "parameter 'cells' of lstm.forget_gate_gradient must be int, got str '3'"),
    ({"cells": 3.0}, "parameter 'cells' of lstm.forget_gate_gradient must be int, got float 3.0"),
    ({"cells": True}, "parameter 'cells' of lstm.forget_gate_gradient must be int, got bool True"),
    ({"rtol": "1e-6"}, "parameter 'rtol' of lstm.forget_gate_gradient must be float, got str '1e-6'"),
    ({"rtol": 1}, "parameter 'rtol' of lstm.forget_gate_gradient must be greater than 0 and at most 0.01, got 1.0"),
    ({"rtol": 0.0}, "parameter 'rtol' of lstm.forget_gate_gradient must be greater than 0 and at most 0.01, got 0.0"),
])
def test_bind_params_rejects_hooks_unknown_names_and_wrong_types(params, message):
    fn = registry.resolve("lstm.forget_gate_gradient")
    with pytest.raises(RegistryError) as info:
        registry.bind_params(fn, "lstm.forget_gate_gradient", params)
    assert str(info.value) == message


def test_listing_checks_imports_neither_numpy_nor_sympy():
    code = ("import sys; from rgann_cards.checks import registry, runner; "
            "assert len(registry.known_functions()) == 18; "
            "print(sorted(m for m in ('numpy', 'sympy') if m in sys.modules))")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "[]"
