"""Run every check in the course and turn failures into located problems."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .result import CheckResult
from ..errors import ContentError, Problem
from ..content.model import Check, Course, Exercise


@dataclass(frozen=True)
class Verification:
    """Every check that ran with its exercise and result, in course order."""

    items: list[tuple[Exercise, Check, CheckResult]]

    @cached_property
    def results(self) -> dict[str, list[CheckResult]]:
        """Check results per exercise id, in the order the checks are written."""
        per_exercise: dict[str, list[CheckResult]] = {}
        for ex, _, result in self.items:
            per_exercise.setdefault(ex.id, []).append(result)
        return per_exercise

    @property
    def failures(self) -> list[tuple[Exercise, Check, CheckResult]]:
        return [item for item in self.items if not item[2].ok]

    def problems(self) -> list[Problem]:
        return [
            Problem(check.loc, f"check failed: {check.claim}: {result.explanation}"
                    + ("" if result.status == "fail" else f" [{result.status}]"))
            for _, check, result in self.failures
        ]

    def raise_on_failure(self) -> None:
        if self.failures:
            raise ContentError(self.problems())

    def verified_line(self, exercise_id: str, language: str = "en") -> str:
        """'Verified: 3 checks (finite differences, SymPy); computed: 2 arithmetic checks' -- empty without checks.

        Checks marked ``kind: arithmetic`` only recompute a stated number, so they are
        reported as computed and never counted as verified.
        """
        from ..i18n import messages

        items = [(check, result) for ex, check, result in self.items if ex.id == exercise_id]
        if not items or not all(r.ok for _, r in items):
            return ""
        t = messages(language)
        verified = [r for c, r in items if not c.arithmetic]
        computed = len(items) - len(verified)
        parts = []
        if verified:
            methods = list(dict.fromkeys(t.method(r.method) for r in verified))
            parts.append(t.n("verified", len(verified), methods=", ".join(methods)))
        if computed:
            parts.append(t.n("computed" if verified else "computed_alone", computed))
        return "; ".join(parts)


def will_run(exercises, *, cache_dir: Path | None = None) -> bool:
    """Whether verifying these exercises runs any check, i.e. not every one is a pass in the cache."""
    from . import cache as stored

    directory = cache_dir or stored.default_dir()
    return any(stored.load(check, directory) is None for ex in exercises for check in ex.checks)


def verify(course: Course, *, only: set[str] | None = None, timeout: float = 30.0, jobs: int = 2,
           cache: bool = True, cache_dir: Path | None = None, figures=None) -> Verification:
    """Run the course's checks (or those of the exercises in ``only``) under a per-check time limit.

    With ``cache``, a check that passed before with the same definition, code and library
    versions is not run again (checks/cache.py; ``cache_dir`` defaults to the user cache).
    ``figures`` (a ``diagrams.shared.FigureQueue``) lets a worker with no checks left draw figures.
    """
    from . import cache as stored

    selected = [(ex, check) for _, ex in course.exercises() if only is None or ex.id in only for check in ex.checks]
    directory = (cache_dir or stored.default_dir()) if cache else None
    results: list[CheckResult | None] = [stored.load(c, directory) if directory else None for _, c in selected]
    missing = [i for i, result in enumerate(results) if result is None]
    if missing:
        from .runner import run_checks

        ran = run_checks([selected[i][1] for i in missing], timeout=timeout, jobs=jobs, figures=figures)
        for i, result in zip(missing, ran):
            results[i] = result
            if directory:
                stored.store(selected[i][1], result, directory)
    return Verification([(ex, check, result) for (ex, check), result in zip(selected, results)])

