#!/usr/bin/env python3
"""`python build.py` does exactly what `rgann-cards build` does (extra arguments are passed on)."""

import sys

from rgann_cards.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
