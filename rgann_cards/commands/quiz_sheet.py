"""`rgann-cards quiz-sheet`: a printable quiz and its answer key, drawn reproducibly by a seed."""

from __future__ import annotations

from .common import add_paths, whole_number

SPACES = ("compact", "normal", "generous")  # as export.answer_space.SPACES, without importing it at start-up

def register(sub) -> None:
    p = sub.add_parser("quiz-sheet", help="write a printable quiz and its answer key",
                       description="Select exercises, then write DIST/quiz-CODE.html (questions, points and "
                                   "answer space) and DIST/answer-key-CODE.html (answers and key points) as a pair, "
                                   "named by the selection's code, so `build` (which writes the full quiz as "
                                   "quiz.html) never overwrites them. The same seed and options always give the "
                                   "same selection, order and bytes.")
    add_paths(p)
    p.add_argument("--seed", type=int, required=True, metavar="N", help="random seed for drawing and shuffling")
    p.add_argument("--count", type=whole_number(1), metavar="K", help="draw K exercises (default: all that match)")
    p.add_argument("--tag", metavar="T", help="only exercises with this tag (e.g. lstm, sheet02, task01)")
    p.add_argument("--deck", metavar="PATTERN",
                   help="only decks matching PATTERN: a glob like '*Task 1*', or text contained in the deck "
                        "name or its file name, e.g. task01 (case-insensitive)")
    p.add_argument("--shuffle", action="store_true", help="shuffle the questions instead of keeping course order")
    p.add_argument("--space", choices=SPACES, default="normal",
                   help="answer space on the quiz: compact, normal (default) or generous")
    p.add_argument("--two-up", action="store_true", help="set the answer key in two columns")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..atomic import commit
    from ..build import quiz_names, render_figures
    from ..export.html import quiz_code, render_answer_key, render_quiz, select
    from ..content.load import load_course
    from ..checks.verify import verify

    course = load_course(args.content)
    # select before running the checks, so a bad --count or --tag is reported at once
    chosen = select(course, seed=args.seed, count=args.count, tag=args.tag, deck=args.deck, shuffle=args.shuffle)
    verification = verify(course)
    verification.raise_on_failure()
    figures = render_figures(course, names={ex.figure for _, ex in chosen if ex.figure})  # the key shows them
    quiz_name, key_name = quiz_names(quiz_code(chosen))
    outputs = {
        args.dist / quiz_name: render_quiz(course, chosen, seed=args.seed, space=args.space),
        args.dist / key_name: render_answer_key(course, verification, chosen, figures, seed=args.seed,
                                                two_up=args.two_up),
    }
    written = commit(outputs)  # quiz and key together, or neither
    points = sum(ex.points for _, ex in chosen)
    print(f"Quiz with {len(chosen)} question{'s' if len(chosen) != 1 else ''} ({points} points), seed {args.seed}:")
    for path in sorted(outputs):
        print(f"  {path} ({'written' if path in written else 'unchanged'})")
    return 0
