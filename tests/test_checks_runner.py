"""The runner: time limits, errors, order, and the speed of the shipped set.

Checks that must never ship (one sleeps forever, one crashes its process) live
here and reach the workers through the runner's ``_resolve`` hook, so the real
registry never sees them.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from rgann_cards.checks import registry
from rgann_cards.checks.result import CheckResult, passed
from rgann_cards.checks.runner import run_check_inline, run_checks
from rgann_cards.content.model import Check


def sleep_forever() -> CheckResult:
    while True:
        time.sleep(1)


def boom() -> CheckResult:
    raise ValueError("boom\nsecond line that must not be shown")


def not_a_result():
    return 42


def hard_exit() -> CheckResult:
    os._exit(3)


def quick(*, value: int = 0) -> CheckResult:
    time.sleep(0.01 * (value % 3))  # finish out of order
    return passed(str(value), "test", "quick")


def niceness() -> CheckResult:
    return passed(str(os.nice(0)), "test", "niceness")


_TEST_CHECKS = {f"testing.{fn.__name__}": fn for fn in (sleep_forever, boom, not_a_result, hard_exit, quick,
                                                         niceness)}


def _test_resolve(name: str):
    """Test-only checks first, then the real registry (module level, so workers can unpickle it)."""
    return _TEST_CHECKS.get(name) or registry.resolve(name)


def named(function: str, **params) -> Check:
    return Check(claim=f"claim for {function}", function=function, params=params)


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    # The fork server starts once per process; start it before anything is timed.
    run_checks([named("kl.discrete_asymmetry")], jobs=1)


def test_a_hanging_check_times_out_and_the_others_still_run():
    checks = [named("testing.sleep_forever"), named("kl.discrete_asymmetry"), named("testing.quick", value=1)]
    start = time.monotonic()
    results = run_checks(checks, timeout=1.0, jobs=1, _resolve=_test_resolve)
    elapsed = time.monotonic() - start
    assert [r.status for r in results] == ["timeout", "pass", "pass"]
    assert results[0].explanation == "did not finish within 1 s; its worker was stopped"
    assert 1.0 <= results[0].seconds < 3.0
    assert elapsed < 1.0 + 2.0 + 1.0  # the timeout, the 2 s allowance, and the other two checks
    assert multiprocessing.active_children() == []  # the stuck worker was killed and reaped


def test_timeout_within_limit_with_parallel_workers():
    start = time.monotonic()
    results = run_checks([named("testing.sleep_forever"), named("testing.sleep_forever")], timeout=1.0, jobs=2,
                         _resolve=_test_resolve)
    assert [r.status for r in results] == ["timeout", "timeout"]
    assert time.monotonic() - start < 1.0 + 2.0


def test_an_exception_is_an_error_with_one_line():
    result = run_checks([named("testing.boom")], _resolve=_test_resolve)[0]
    assert result.status == "error"
    assert result.explanation == "ValueError: boom"


def test_a_wrong_return_type_is_an_error():
    result = run_checks([named("testing.not_a_result")], _resolve=_test_resolve)[0]
    assert (result.status, result.explanation) == ("error", "testing.not_a_result returned int, not a CheckResult")


def test_a_crashed_worker_is_an_error_and_is_replaced():
    checks = [named("testing.hard_exit"), named("testing.quick", value=5)]
    results = run_checks(checks, jobs=1, _resolve=_test_resolve)
    assert results[0].status == "error"
    assert results[0].explanation == "the worker process died while running this check (exit code 3)"
    assert results[1].status == "pass"


def test_results_keep_the_input_order():
    checks = [named("testing.quick", value=i) for i in range(12)]
    for jobs in (1, 2, 3):
        results = run_checks(checks, jobs=jobs, _resolve=_test_resolve)
        assert [r.measured for r in results] == [str(i) for i in range(12)]
        assert all(r.seconds >= 0.02 for r in results[2::3])  # the ones that slept 20 ms


def test_expression_errors_and_unknown_checks_are_errors():
    checks = [
        Check(claim="c", expr="__import__('os').system('touch X')", approx=0.0),
        named("testing.quick"),  # unknown without the test resolver
        named("kl.nonnegativity", formula="x"),
        Check(claim="c", expr="3/10*log(3/5) + 7/10*log(7/5)", approx=0.0822826, tol=1e-6),
    ]
    results = run_checks(checks)
    assert [(r.status, r.explanation) for r in results[:3]] == [
        ("error", "attribute access is not allowed"),
        ("error", "unknown check 'testing.quick'"),
        ("error", "unknown parameter 'formula' for kl.nonnegativity (accepts: max_outcomes)"),
    ]
    assert (results[3].status, results[3].measured) == ("pass", "0.0822829")


def test_no_checks_no_workers():
    assert run_checks([]) == []


def test_inline_run_matches_worker_run():
    check = named("kl.discrete_asymmetry")
    inline = run_check_inline(check)
    assert inline.to_json() == run_checks([check])[0].to_json()
    assert inline.seconds > 0


def test_inline_run_reports_exceptions_as_errors():
    result = run_check_inline(named("testing.boom"), _resolve=_test_resolve)
    assert (result.status, result.explanation) == ("error", "ValueError: boom")


def test_the_shipped_set_runs_quickly_on_two_workers():
    checks = [named(name) for name in sorted(registry.known_functions())]
    checks += [Check(claim="c", expr="3/10*log(3/5) + 7/10*log(7/5)",
                     equals="log(2) + 3/10*log(3/10) + 7/10*log(7/10)")] * 4
    start = time.monotonic()
    results = run_checks(checks, jobs=2)
    elapsed = time.monotonic() - start
    assert [r.status for r in results] == ["pass"] * len(checks), [r for r in results if not r.ok]
    assert elapsed < 10.0


def _explode():
    raise RuntimeError("this worker cannot start")


class _UnpicklableResolver:
    """Pickles fine here, but unpickling it in a worker raises, so every worker dies while starting."""

    def __reduce__(self):
        return (_explode, ())


def test_workers_that_cannot_start_give_errors_not_a_hang():
    start = time.monotonic()
    results = run_checks([named("kl.discrete_asymmetry")] * 5, jobs=2, _resolve=_UnpicklableResolver())
    assert {r.status for r in results} == {"error"}
    assert results[-1].explanation.startswith("a worker process failed to start")
    assert time.monotonic() - start < 10


def test_workers_yield_to_a_caller_that_draws_figures_and_only_then():
    """Three processes on two cores while the build draws figures: the workers take what it leaves."""
    from rgann_cards.checks.runner import YIELD
    from rgann_cards.diagrams.shared import FigureQueue

    base = os.nice(0)
    alone = run_checks([named("testing.niceness")] * 2, jobs=2, _resolve=_test_resolve)
    drawing = run_checks([named("testing.niceness")] * 2, jobs=2, figures=FigureQueue(), _resolve=_test_resolve)
    assert [r.measured for r in alone] == [str(base)] * 2
    assert [r.measured for r in drawing] == [str(min(base + YIELD, 19))] * 2
