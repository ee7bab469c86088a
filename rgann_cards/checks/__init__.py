"""Verification: expression checks (a safe parser over SymPy) and named Python checks, run under time limits.

Import the pieces from their modules (``runner.run_checks``, ``registry.known_functions``,
``expr.parse_expr``); this package imports neither NumPy nor SymPy by itself.
"""

from .result import CheckResult

__all__ = ["CheckResult"]
