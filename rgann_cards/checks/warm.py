"""Imported by the runner's fork server, once: every worker then forks with SymPy, NumPy and the checks loaded.

Importing this module is the whole point (``multiprocessing`` preloads modules by name);
nothing else should import it. It must never raise: the fork server would die of it.
"""

from .worker import preload

preload()
