"""Imported by the runner's fork server, once: every worker then forks with SymPy, NumPy and the checks loaded.

Importing this module is the whole point (``multiprocessing`` preloads modules by name);
nothing else should import it. It also does, once, the first-use work that SymPy would
otherwise repeat in every worker: ``simplify`` imports ``sympy.physics.units`` on its first
call (0.3 s), and ``lambdify`` builds its NumPy and mpmath namespaces (0.25 s). None of it
changes what a check computes. It must never raise: the fork server would die of it.
"""

from .worker import preload

preload()
try:
    import sympy
    import sympy.physics.units  # noqa: F401 -- what simplify imports on its first call

    for _namespace in ("numpy", "mpmath"):
        sympy.lambdify(sympy.Symbol("x"), sympy.Symbol("x"), _namespace)
except Exception:  # noqa: BLE001 -- a worker then pays for it itself
    pass
