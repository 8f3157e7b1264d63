"""The reference's shapes of the blocks our translators read through a model of their own
(arrival, treatment, quality, phases, sources, stages, overrides, narrative, nested): validated here
so a malformed block is reported as such before it is translated or refused. Checks that
need the rest of the config (declared metrics and tables) are made by the translators."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ..base import Frozen
from ..errors import ConfigError, from_validation_error
from ..quality import QUALITY_ISSUES


def check(model: type[Frozen], data: Any, path: str) -> Frozen:
    """Validate ``data`` as ``model``; errors name the field under ``path``."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        error = from_validation_error(err)
        raise ConfigError(".".join(filter(None, (path, error.field))), error.message) from None


# ---------------------------------------------------------------- builder: segments


class UniformArrival(Frozen):
    kind: Literal["uniform"]
    start: int = Field(0, ge=0)
    end: int | None = Field(None, ge=0)


class LinearArrival(Frozen):
    kind: Literal["linear"]
    start: int = Field(0, ge=0)
    end: int | None = Field(None, ge=0)
    direction: Literal["increasing", "decreasing"] = "increasing"


class StepBlock(Frozen):
    period: int = Field(ge=0)
    fraction: float = Field(ge=0.0, le=1.0)


class StepArrival(Frozen):
    kind: Literal["step"]
    blocks: list[StepBlock] = Field(min_length=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> StepArrival:
        if abs(sum(b.fraction for b in self.blocks) - 1.0) > 1e-3:
            raise ValueError("blocks: the fractions must add up to 1")
        return self


class ExplicitArrival(Frozen):
    kind: Literal["explicit"]
    start_periods: list[Annotated[int, Field(ge=0)]] = Field(min_length=1)


ARRIVALS = {"uniform": UniformArrival, "linear": LinearArrival, "step": StepArrival, "explicit": ExplicitArrival}


def check_arrival(data: Any, path: str) -> Frozen:
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in ARRIVALS:
        raise ConfigError(join_path(path, "kind"), f"arrival kind is {', '.join(ARRIVALS)}, got {kind!r}")
    return check(ARRIVALS[kind], data, path)


def join_path(*parts: str) -> str:
    return ".".join(p for p in parts if p)


class Treatment(Frozen):
    fraction: float = Field(ge=0.0, le=1.0)
    lift_log_odds: float
    start_period: int = Field(0, ge=0)
    treatment_label: str = "treatment"
    control_label: str = "control"
    target_metric: str | None = None

    @field_validator("lift_log_odds")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value) or abs(value) >= 1e6:
            raise ValueError("lift_log_odds must be a finite number below 1e6 in size")
        return value


Baseline = dict[str, Literal["high", "mid", "low"]]


class BaselineShape(Frozen):
    baseline: Baseline


# ---------------------------------------------------------------- engine quality; builder phases, sources


class EngineQualityIssue(Frozen):
    type: Literal[QUALITY_ISSUES]
    target_table: str = Field(min_length=1)
    target_columns: list[str] = Field(default_factory=lambda: ["*"])
    rate: float = Field(ge=0.0, le=1.0)
    seed_offset: int = Field(0, ge=0)
    mode: Literal["spike", "drop"] | None = None
    target_period: int | None = Field(None, ge=0)
    target_periods: list[Annotated[int, Field(ge=0)]] | None = None


class EngineQuality(Frozen):
    quality_issues: list[EngineQualityIssue] = Field(default_factory=list, max_length=50)


class CorrelationPair(Frozen):
    metric_a: str
    metric_b: str
    coefficient: float = Field(ge=-1.0, le=1.0)


class CorrelationPhase(Frozen):
    start_period: int = Field(ge=0)
    end_period: int = Field(ge=0)
    correlations: list[CorrelationPair] = Field(default_factory=list)


class Source(Frozen):
    name: str = Field(min_length=1)
    key_scheme: Literal["prefix_padded", "numeric", "uuid_short"] = "prefix_padded"
    name_drift_rate: float = Field(0.0, ge=0.0, le=1.0)
    attribute_drift_rate: float = Field(0.0, ge=0.0, le=1.0)


class Sources(Frozen):
    sources: list[Source] = Field(max_length=5)


# ---------------------------------------------------------------- engine: stages, overrides, columns


class StageDefinition(Frozen):
    name: str = Field(min_length=1)
    threshold_enter: float = Field(ge=0.0, le=1.0)
    threshold_exit: float | None = Field(None, ge=0.0, le=1.0)


class StageSequence(Frozen):
    field: str = Field(min_length=1)
    sequence: list[StageDefinition] = Field(min_length=2, max_length=10)
    enforce_order: bool = False
    downgrade_delay: int | None = Field(None, ge=1, le=120)


class ValueRange(Frozen):
    min: float | None = None
    max: float | None = None


class MetricOverride(Frozen):
    distribution: Literal["lognorm", "gamma", "poisson", "beta", "normal", "weibull"] | None = None
    params: dict[str, float] | None = None
    value_range: ValueRange | None = None


class MetricOverrides(Frozen):
    metric_overrides: dict[str, MetricOverride]


class EntityOverrides(Frozen):
    inflection_month: int | None = Field(None, ge=0)


class Narrative(Frozen):
    template: str = Field(min_length=1, max_length=1000)
    lexicons: dict[str, dict[str, dict[str, list[str]]]]
    bands: list[str] = Field(default_factory=lambda: ["low", "mid", "high"], min_length=2, max_length=20)


class Nested(Frozen):
    nested_schema: dict[str, str] | None = None
    array_element_type: str | None = None
    array_length: int | None = Field(None, ge=1, le=100)
