"""The ``rgann-cards`` command. Thin: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 ok, 1 bad content (or a failed check, or outputs that could not be written), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys

from .commands.common import resolve_course
from .errors import ContentError, DataError, UsageError, WriteError

EXIT_CONTENT, EXIT_USAGE = 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage and exits 2; keep that, add our prefix
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Error: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with ``command``, of that one only (what parsing its arguments needs:
    the other nine parsers cost 5 ms of every run, a third of the quiz's start before its first import)."""
    from . import __version__
    from .commands import modules

    parser = _Parser(prog="rgann-cards", description="Compile YAML question banks with code-verified answers "
                     "into an Anki deck, printable HTML and a terminal quiz.")
    parser.add_argument("--version", action="version", version=f"rgann-cards {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in modules(command):
        module.register(sub)
    return parser


def _command(argv: list[str]) -> str | None:
    """The command ``argv`` names, if it names one before anything else the top-level parser reads
    (help, version, or an unknown word: those need every command's parser)."""
    from .commands import COMMANDS

    return argv[0] if argv and argv[0] in COMMANDS else None


_ran: str | None = None  # the command main() ran last, for entry()


def main(argv: list[str] | None = None) -> int:
    global _ran
    parser = build_parser(_command(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    _ran = args.command
    try:
        resolve_course(args)
        return args.func(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    except DataError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except WriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("Nothing was written; the previous files are unchanged.", file=sys.stderr)
        return EXIT_CONTENT
    except UsageError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def entry() -> None:
    """The console script and ``python -m``: main(), then exit.

    After a build the interpreter is left without tearing its heap down: freeing a large course's
    objects one by one took about 0.06 s at 10,000 notes, for nothing (mypy exits the same way). The exit
    handlers still run first (multiprocessing removes its fork server's socket directory), and the
    output is flushed; only if that fails does the ordinary exit report it.
    """
    code = main()
    if _ran == "build":
        import atexit
        import os

        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
