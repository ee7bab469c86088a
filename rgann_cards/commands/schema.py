"""`rgann-cards schema`: print the JSON Schema of a content file format, for editors."""

from __future__ import annotations

HELP = "print the JSON Schema of deck files, course.yaml, references.yaml or diagrams"


def register(sub) -> None:
    from ..content.schema import FILE_NAMES, KINDS

    p = sub.add_parser("schema", help=HELP,
                       description="Print a JSON Schema generated from the content models. Save it next to your "
                                   "course (e.g. `rgann-cards schema deck > schema/" + FILE_NAMES["deck"] + "`) "
                                   "and put `# yaml-language-server: $schema=schema/" + FILE_NAMES["deck"] + "` "
                                   "on the first line of a deck file for completion and checking in your editor.")
    p.add_argument("kind", nargs="?", default="deck", choices=KINDS,
                   help="which file format (default: deck)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..content.schema import schema_text

    print(schema_text(args.kind), end="")
    return 0
