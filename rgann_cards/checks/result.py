"""What a check reports. Shared by expression checks, named checks, the runner and every output."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["pass", "fail", "error", "timeout"]


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check.

    status       pass | fail | error (the check itself broke) | timeout
    measured     the measured value(s), human-readable and short, e.g. "rel. error 3.1e-10"
    method       how it was verified, e.g. "SymPy", "finite differences", "Monte Carlo"
    explanation  one line saying why it passed or failed
    seconds      wall time, filled in by the runner
    """

    status: Status
    measured: str
    method: str
    explanation: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "pass"

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("seconds")  # wall time would break byte-reproducible exports
        return data


def passed(measured: str, method: str, explanation: str) -> CheckResult:
    return CheckResult("pass", measured, method, explanation)


def failed(measured: str, method: str, explanation: str) -> CheckResult:
    return CheckResult("fail", measured, method, explanation)


def verdict(ok: bool, measured: str, method: str, explanation: str) -> CheckResult:
    """pass/fail from a boolean, with the same measured text either way."""
    return CheckResult("pass" if ok else "fail", measured, method, explanation)
