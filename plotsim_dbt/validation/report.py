"""Validation findings: ``ValidationIssue`` (check, severity, table, message, details) and
``ValidationReport`` (issues, errors, warnings, ok, by_check, the report text), as the reference
generator names them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan.resolve import Plan

SEVERITIES = ("error", "warning")
_LABELS = {"error": "ERROR", "warning": "WARN "}


@dataclass(frozen=True)
class ValidationIssue:
    """One finding. ``severity`` is "error" (the data breaks a rule; the report is not ok) or
    "warning" (legal but suspicious, such as an event table without rows); ``details`` holds the
    finding's numbers by name."""

    check: str
    severity: str
    table: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")

    def lines(self) -> list[str]:
        """The issue as report lines: ``[ERROR] check (table): message``, then one ``key: value`` per detail."""
        head = f"[{_LABELS[self.severity]}] {self.check} ({self.table or '-'}): {self.message}"
        return [head, *(f"        {key}: {value}" for key, value in self.details.items())]


@dataclass(frozen=True)
class ValidationReport:
    """The findings of the checks in ``checks_run``, in check order; ``config_sha256`` and ``seed``
    name the dataset that was checked (None when unknown)."""

    issues: tuple[ValidationIssue, ...] = ()
    checks_run: tuple[str, ...] = ()
    config_sha256: str | None = None
    seed: int | None = None

    @property
    def errors(self) -> tuple[ValidationIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[ValidationIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "warning")

    @property
    def ok(self) -> bool:
        """No errors (warnings do not count)."""
        return not self.errors

    def by_check(self, name: str | None = None):
        """The issues of one check as a tuple; without a name, ``{check: issues}`` for every check run."""
        if name is not None:
            return tuple(i for i in self.issues if i.check == name)
        grouped = {check: () for check in self.checks_run}
        for issue in self.issues:
            grouped[issue.check] = (*grouped.get(issue.check, ()), issue)
        return grouped

    def summary(self) -> str:
        """``VALID - 0 error(s), 1 warning(s)``"""
        return f"{'VALID' if self.ok else 'INVALID'} - {len(self.errors)} error(s), {len(self.warnings)} warning(s)"

    def text(self, plan: Plan | None = None) -> str:
        """The report file: no clock, so the same data gives the same bytes. ``plan`` (optional)
        names the dataset when the report does not."""
        sha = plan.config_sha256 if plan is not None else self.config_sha256
        seed = plan.seed if plan is not None else self.seed
        lines = [
            "plotsim_dbt validation report",
            f"config-sha256: {sha or 'unknown'}",
            f"seed: {'unknown' if seed is None else seed}",
            f"Checks: {len(self.checks_run)} | Errors: {len(self.errors)} | Warnings: {len(self.warnings)} | Total: {len(self.issues)}",
            f"Status: {'VALID' if self.ok else 'INVALID'}",
            "",
        ]
        for issue in self.issues:
            lines += issue.lines()
        if not self.issues:
            lines.append("All checks passed: " + ", ".join(self.checks_run) + ".")
        return "\n".join(lines) + "\n"
