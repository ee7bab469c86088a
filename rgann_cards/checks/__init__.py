"""Verification: expression checks (a safe parser over SymPy) and named Python checks, run under time limits.

Import the pieces from their modules (``runner.run_checks``, ``registry.known_functions``,
``expr.parse_expr``); this package imports neither NumPy nor SymPy by itself.

A plugin's check module needs only what is re-exported here::

    from rgann_cards.checks import CheckResult, failed, named_check, passed, verdict
"""

from .registry import named_check
from .result import CheckResult, failed, passed, verdict

__all__ = ["CheckResult", "failed", "named_check", "passed", "verdict"]
