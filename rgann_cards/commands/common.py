"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_paths(parser: argparse.ArgumentParser, dist: bool = True) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="course content directory (default: content)")
    if dist:
        parser.add_argument("--dist", type=Path, default=Path("dist"), metavar="DIR",
                            help="output directory (default: dist)")


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
