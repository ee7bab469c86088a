"""Compile the measured packages' bytecode before a benchmark times them.

An installed package is compiled when pip installs it; a source tree is compiled by the first
import that may write its ``__pycache__``. A shell with PYTHONDONTWRITEBYTECODE set (this
machine's has it) never writes it, so every run of a checkout would compile all of rgann_cards
again (about 60 ms) while genanki, installed, would not: a cost of the shell, not of the build.
Compiling first puts both on the footing of an installed package. (The variable only stops
writing; compiled files are read either way.)
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path


def compile_packages(*trees: Path) -> None:
    """Write the bytecode of every module under each tree (its ``rgann_cards`` package)."""
    note = " (PYTHONDONTWRITEBYTECODE is set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    for tree in trees:
        package = Path(tree) / "rgann_cards"
        if package.is_dir():
            compileall.compile_dir(str(package), quiet=1)
    print(f"bytecode compiled for {', '.join(str(t) for t in trees)}{note}")
