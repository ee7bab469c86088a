"""One module per CLI verb (as in mkdocs' commands/). Each has register(subparsers) and run(args)."""

from __future__ import annotations

from importlib import import_module

# Order is the order of `rgann-cards --help`.
COMMANDS = ("build", "lint", "verify", "export", "quiz", "quiz-sheet", "stats", "init", "schema", "diff")


def modules(command: str | None = None):
    """The command modules (or only ``command``'s), imported on demand (each keeps its heavy imports inside run())."""
    return [import_module(f"{__name__}.{name.replace('-', '_')}") for name in COMMANDS if command in (None, name)]
