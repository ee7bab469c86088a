"""`rgann-cards init DIR`: start a new course that builds at once."""

from __future__ import annotations

from pathlib import Path

HELP = "start a new course in DIR (with an example of everything)"


def register(sub) -> None:
    p = sub.add_parser("init", help=HELP,
                       description="Create a new course in DIR (which must be new or empty): course.yaml with a "
                                   "fresh course id, a deck file with an exercise, cards, a figure and a check, "
                                   "references.yaml, a README and JSON Schemas for editors.")
    p.add_argument("directory", type=Path, metavar="DIR", help="where to create the course")
    p.add_argument("--title", help="course title (default: from DIR)")
    p.add_argument("--language", choices=("en", "de"), default="en", help="language of the labels (default: en)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..scaffold import init_course

    written = init_course(args.directory, title=args.title, language=args.language)
    print(f"Created a course in {args.directory} ({len(written)} files). Next:")
    print(f"  rgann-cards build --content {args.directory}")
    return 0
