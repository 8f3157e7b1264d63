"""How the entities of a segment differ from each other: when they arrive, how far each one's own
trajectory strays from the segment's archetype (``variation``), and which of them are treated.
The reference generator's spellings (``arrival: {kind: ...}``, ``treatment: {...}``) are ours."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from .base import Frozen

MIN_ACTIVE_PERIODS = 2  # an entity that arrives lives at least this many periods
DEFAULT_VARIATION = 0.3


class UniformArrival(Frozen):
    """Start periods drawn uniformly from [start, end) (end: the last period that leaves two active ones)."""

    kind: Literal["uniform"]
    start: int = Field(0, ge=0)
    end: int | None = Field(None, ge=1, description="Exclusive; default periods - 1, so every entity has 2+ active periods.")


class LinearArrival(Frozen):
    """Start periods with a density rising (``increasing``: most arrive late) or falling across [start, end)."""

    kind: Literal["linear"]
    start: int = Field(0, ge=0)
    end: int | None = Field(None, ge=1)
    direction: Literal["increasing", "decreasing"] = "increasing"


class StepBlock(Frozen):
    period: int = Field(ge=0)
    fraction: float = Field(gt=0.0, le=1.0)


class StepArrival(Frozen):
    """Cohorts: a share of the segment arrives at each listed period (in entity order; the last block takes the rest)."""

    kind: Literal["step"]
    blocks: list[StepBlock] = Field(min_length=1)

    @model_validator(mode="after")
    def _shares(self) -> StepArrival:
        total = sum(b.fraction for b in self.blocks)
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"blocks: the fractions must sum to 1, got {total:g}")
        return self


class ExplicitArrival(Frozen):
    """Every entity's start period, in entity order (as many as the segment's count)."""

    kind: Literal["explicit"]
    start_periods: list[int] = Field(min_length=1)


ARRIVALS = {"uniform": UniformArrival, "linear": LinearArrival, "step": StepArrival, "explicit": ExplicitArrival}


def _arrival_kind(data: Any) -> str:
    kind = data.get("kind") if isinstance(data, dict) else getattr(data, "kind", None)
    if kind not in ARRIVALS:
        raise ValueError(f"kind: unknown arrival kind {kind!r}; use one of {', '.join(ARRIVALS)}")
    return f"arrival[{kind}]"  # the brackets keep the tag out of error paths (config/errors.py)


def _known_kind(data: Any) -> Any:
    _arrival_kind(data)
    return data


Arrival = Annotated[
    Union[tuple(Annotated[kind, Tag(f"arrival[{name}]")] for name, kind in ARRIVALS.items())],  # noqa: UP007
    Discriminator(_arrival_kind),
    BeforeValidator(_known_kind),
]


def arrival_window(arrival: UniformArrival | LinearArrival, periods: int) -> tuple[int, int]:
    """[start, end) of the start periods a random arrival draws from."""
    return arrival.start, periods - MIN_ACTIVE_PERIODS + 1 if arrival.end is None else arrival.end


def check_arrival(arrival, count: int, periods: int) -> None:
    """Rules that need the window and the segment size; raises ValueError('<field>: message')."""
    latest = periods - MIN_ACTIVE_PERIODS
    if isinstance(arrival, (UniformArrival, LinearArrival)):
        start, end = arrival_window(arrival, periods)
        if not start < end <= latest + 1:
            raise ValueError(
                f"arrival.end: start periods are drawn from [start, end) with start < end <= {latest + 1} "
                f"(each entity needs {MIN_ACTIVE_PERIODS} active periods), got [{start}, {end})"
            )
    elif isinstance(arrival, StepArrival):
        late = [b.period for b in arrival.blocks if b.period > latest]
        if late:
            raise ValueError(f"arrival.blocks: periods must be at most {latest} (each entity needs {MIN_ACTIVE_PERIODS} active periods), got {late}")
    else:
        if len(arrival.start_periods) != count:
            raise ValueError(f"arrival.start_periods: give one start period per entity ({count}), got {len(arrival.start_periods)}")
        outside = sorted({p for p in arrival.start_periods if not 0 <= p <= latest})
        if outside:
            raise ValueError(f"arrival.start_periods: start periods must lie in 0..{latest}, got {outside[:5]}")


class Treatment(Frozen):
    """An A/B split of a segment: ``fraction`` of its entities get a known lift (in log-odds of
    the trajectory position) on ``target_metric`` (every metric when omitted) from ``start_period``."""

    fraction: float = Field(gt=0.0, le=1.0, description="Share of the segment in the treatment arm (exactly round(fraction x count) entities).")
    lift_log_odds: float = Field(description="The true effect: added to the logit of the metric's effective position.")
    start_period: int = Field(0, ge=0, description="First period with the lift.")
    treatment_label: str = "treatment"
    control_label: str = "control"
    target_metric: str | None = Field(None, description="The metric lifted; default every metric.")

    @model_validator(mode="after")
    def _finite(self) -> Treatment:
        if not math.isfinite(self.lift_log_odds) or abs(self.lift_log_odds) >= 1e6:
            raise ValueError(f"lift_log_odds: give a finite lift below 1e6 in size, got {self.lift_log_odds}")
        if self.treatment_label == self.control_label:
            raise ValueError("treatment_label: the treatment and control labels must differ")
        return self
