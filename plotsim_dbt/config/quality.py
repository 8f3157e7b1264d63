"""``quality``: source faults injected into fact and event tables (plotsim_dbt/quality), and the
check that each names a table faults can go into (a fact of any grain or an event)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import Frozen

if TYPE_CHECKING:
    from .models import Config

QUALITY_ISSUES = ("null_injection", "duplicate_rows", "type_mismatch", "late_arrival", "schema_drift", "volume_anomaly")
COLUMN_ISSUES = ("null_injection", "type_mismatch", "schema_drift")  # the issues that corrupt a column's values


class QualityIssue(Frozen):
    """A source fault injected into a fact or event table (plotsim_dbt/quality), recorded with its
    clean value in truth_quality_faults. ``issue:`` is the key, as in the reference generator."""

    issue: Literal[QUALITY_ISSUES] = Field(description="The fault: " + ", ".join(QUALITY_ISSUES) + ".")
    table: str = Field(min_length=1, description="The fact or event table to corrupt.")
    column: str | None = Field(None, description="The column (null_injection, type_mismatch, schema_drift); '*' for every unprotected column.")
    rate: float = Field(ge=0.0, le=1.0, description="Probability that each row is hit (volume_anomaly: each row of the periods).")
    seed_offset: int = Field(0, ge=0, description="Another independent draw of the same fault.")
    mode: Literal["spike", "drop"] | None = Field(None, description="volume_anomaly: copy (spike) or remove (drop) rows.")
    period: int | None = Field(None, ge=0, description="volume_anomaly: the 0-based period.")
    periods: list[Annotated[int, Field(ge=0)]] | None = Field(None, description="volume_anomaly: the 0-based periods.")

    @model_validator(mode="before")
    @classmethod
    def _type_spelling(cls, data: Any) -> Any:
        # `type:` was this project's first spelling of the key; the reference's `issue:` is the one documented.
        if isinstance(data, dict) and "type" in data and "issue" not in data:
            data = {("issue" if k == "type" else k): v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _fields_of_the_issue(self) -> QualityIssue:
        if self.issue in COLUMN_ISSUES and not self.column:
            raise ValueError(f"column: {self.issue} needs the column to corrupt")
        if self.issue not in COLUMN_ISSUES and self.column is not None:
            raise ValueError(f"column: {self.issue} acts on whole rows; remove the column")
        volume = self.issue == "volume_anomaly"
        if volume and (self.mode is None or (self.period is None) == (self.periods is None)):
            raise ValueError("mode: volume_anomaly needs mode (spike or drop) and exactly one of period or periods")
        if not volume and (self.mode is not None or self.period is not None or self.periods is not None):
            raise ValueError("mode: mode, period and periods belong to volume_anomaly only")
        return self

    @property
    def at_periods(self) -> tuple[int, ...]:
        """volume_anomaly: the periods hit, deduplicated and sorted."""
        return tuple(sorted({self.period} if self.period is not None else set(self.periods or ())))


def check_quality(config: Config) -> None:
    faultable = {*config.fact_tables, *(e.name for e in config.schema.events)}
    for i, issue in enumerate(config.quality):
        if issue.table not in faultable:
            raise ValueError(
                f"quality.{i}.table: {issue.table!r} is not a declared fact or event table; "
                "faults go into facts (any grain) and events, not dimensions or bridges"
            )
