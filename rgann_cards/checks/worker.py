"""Running one check, in this process or in a runner's worker process.

Kept free of NumPy and SymPy at import time: a spawned worker imports this
module first and must limit BLAS threads before NumPy loads.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Callable

from . import registry
from .result import CheckResult

Resolver = Callable[[str], Callable]
_OWN_ERRORS = ("ExprError", "RegistryError")  # their messages are already meant for users
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class CheckSpec:
    """What a worker needs to run a check, as plain data.

    The runner sends this instead of the content model's ``Check``: unpickling that would
    make every worker import pydantic and the model (about 0.3 s each) for nothing.
    """

    expr: str | None = None
    equals: str | int | None = None
    approx: float | None = None
    tol: float | None = None
    function: str | None = None
    params: dict = field(default_factory=dict)

    @classmethod
    def of(cls, check) -> "CheckSpec":
        return cls(check.expr, check.equals, check.approx, check.tol, check.function, dict(check.params or {}))

    @property
    def form(self) -> str:
        return "expr" if self.expr is not None else "function"


@dataclass(frozen=True)
class FigureTask:
    """Draw the built-in figure ``name`` (for a build whose checks are done while figures remain)."""

    name: str


def draw_figure(name: str) -> bytes | None:
    """The figure's SVG bytes as ``diagrams.render.draw_svg`` makes them; None if drawing failed.

    The build process sanitizes and caches what comes back, and draws the figure itself on
    None, so that its error is reported where it always is.
    """
    try:
        from ..diagrams.render import draw_svg  # matplotlib loads here, in the one worker that draws

        return draw_svg(name)
    except Exception:  # noqa: BLE001 -- the build process draws it again and reports the error
        return None


def execute(check, resolve: Resolver | None = None) -> CheckResult:
    """Run one check here and now. Never raises: a broken check becomes status "error" with one line."""
    start = time.perf_counter()
    method = "SymPy" if check.form == "expr" else "Python"
    try:
        if check.form == "expr":
            from .expr_check import run_expr_check  # SymPy loads on first use, not on import

            result = run_expr_check(check)
        else:
            fn = (resolve or registry.resolve)(check.function)
            result = fn(**registry.bind_params(fn, check.function, check.params))
            if not isinstance(result, CheckResult):
                result = CheckResult("error", "", method, f"{check.function} returned {type(result).__name__}, "
                                                          "not a CheckResult")
    except (Exception, SystemExit) as exc:  # noqa: BLE001 -- a broken check is reported, never raised
        result = CheckResult("error", "", method, one_line(exc))
    return dataclasses.replace(result, seconds=round(time.perf_counter() - start, 3))


def one_line(exc: BaseException) -> str:
    """``ValueError: cells must be >= 1`` -- the first line of the message, no traceback."""
    lines = str(exc).strip().splitlines()
    message = lines[0] if lines else ""
    name = type(exc).__name__
    if name in _OWN_ERRORS:
        return message or name
    return f"{name}: {message}" if message else name


def worker_main(conn, resolve: Resolver | None, nice: int = 0) -> None:
    """Entry point of a worker process: receive (index, check), send (index, result), until None or EOF.

    ``nice`` lowers this worker's priority: while the caller draws figures, three processes share
    two cores, and the caller's figures are the longer path, so the workers take what it leaves.
    """
    # Forked from the fork server, a worker has every module loaded already; it re-reads the
    # entry points only, so that a plugin installed since the server started is still found.
    known = registry.check_modules()
    registry.check_modules.cache_clear()
    if registry.check_modules() != known:
        registry.catalogue.cache_clear()
    preload()
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:  # only a lower priority is ever asked for; if even that fails, run as is
            pass
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent has gone away
            return
        if message is None:
            return
        index, task = message
        conn.send((index, draw_figure(task.name) if isinstance(task, FigureTask) else execute(task, resolve)))


def preload() -> None:
    """Limit BLAS to one thread, then import SymPy, NumPy and every check module, so no check pays for them.

    One BLAS thread per worker: the runner already runs one worker per core. The variables
    must be set before NumPy loads.
    """
    import importlib

    for variable in _THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")

    modules = sorted({info.module for info in registry.catalogue().values()})
    for module in [f"{__package__}.expr_check", *modules]:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 -- a broken module is reported when a check resolves it
            pass
