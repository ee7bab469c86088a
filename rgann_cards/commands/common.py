"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable

from ..errors import ContentError, Problem


def add_paths(parser: argparse.ArgumentParser, dist: bool = True, content: bool = True) -> None:
    if content:
        parser.add_argument("--content", type=Path, default=None, metavar="DIR",
                            help="course content directory (default: ./content, else the bundled course)")
    if dist:
        parser.add_argument("--dist", type=Path, default=Path("dist"), metavar="DIR",
                            help="output directory (default: dist)")


def resolve_course(args: argparse.Namespace) -> None:
    """Turn ``--content`` (or its absence) into a course directory; say so when the bundled course is used.

    Sets ``args.content`` to the directory and ``args.bundled`` to whether it is the package's own copy.
    """
    if not hasattr(args, "content"):
        return
    from ..content.locate import locate

    where = locate(args.content)
    if where.notice:
        print(where.notice, file=sys.stderr)
    args.content, args.bundled = where.path, where.bundled


def whole_number(minimum: int):
    """An argparse type: an integer >= minimum, with a plain message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (for CI)")


def report_warnings(warnings: Iterable[Problem], strict: bool) -> None:
    """Print warnings as ``path:line:col: warning: message``; under --strict they are errors (exit 1)."""
    warnings = sorted(set(warnings))
    if strict and warnings:
        raise ContentError(warnings)
    for warning in warnings:
        print(warning.as_warning(), file=sys.stderr)
