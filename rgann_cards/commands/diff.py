"""`rgann-cards diff`: before importing, what will the new package do to a previous release or to your collection?

Exit codes: 0 the import is safe, 3 something would be lost, skipped or left in
the wrong deck, 1 a file cannot be read, 2 bad usage.
"""

from __future__ import annotations

from pathlib import Path

from .common import add_paths

EXIT_UNSAFE = 3


def register(sub) -> None:
    p = sub.add_parser("diff", help="preview what importing the new deck does to an old one or to your collection",
                       description="Compare the new package (DIST/rgann.apkg, or --new) with a previous release "
                                   "(OLD.apkg) or with your own Anki collection (--collection, opened read-only; "
                                   "close Anki first). Prints a summary and one line per note; exits 3 when the "
                                   "import would lose or skip something.")
    add_paths(p, content=False)
    p.add_argument("old", nargs="?", type=Path, metavar="OLD.apkg", help="a previous release of the package")
    p.add_argument("--collection", type=Path, metavar="PATH",
                   help="your Anki collection, e.g. ~/.local/share/Anki2/User 1/collection.anki2")
    p.add_argument("--new", type=Path, metavar="APKG", help="the new package (default: DIST/rgann.apkg)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..build import APKG_NAME
    from ..errors import UsageError
    from ..lifecycle.diff import compare, render
    from ..lifecycle.sides import read_notes, read_package

    if (args.old is None) == (args.collection is None):
        raise UsageError("give either OLD.apkg or --collection PATH (exactly one)")
    new_path = args.new or args.dist / APKG_NAME
    for path in (new_path, args.old or args.collection):
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    new = read_package(new_path)
    old = read_package(args.old) if args.old else read_notes(args.collection)
    diff = compare(new, old, new_name=str(new_path), old_name=str(args.old or args.collection),
                   against="package" if args.old else "collection")
    print(diff.to_json() if args.json else render(diff), end="" if args.json else "\n")
    return 0 if diff.safe else EXIT_UNSAFE
