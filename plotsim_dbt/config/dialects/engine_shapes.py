"""The reference's engine-direct YAML (``load_config`` -> ``PlotsimConfig``) as input shapes:
structure and value ranges only, so malformed input is reported at the user's own path before
translation (engine.py, engine_tables.py) reads it. Keys the reference requires but we can
default (seed, output, labels, descriptions) are optional here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..base import Frozen
from .shapes import ValueRange

Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
FAMILY = Literal["lognorm", "gamma", "poisson", "beta", "normal", "weibull"]
CURVE = Literal["sigmoid", "exp_decay", "step", "logistic", "plateau", "oscillating", "compound", "sawtooth"]
DTYPE = Literal["int", "float", "string", "date", "boolean", "id", "struct", "array"]


class Domain(Frozen):
    name: str = ""
    description: str = ""
    entity_type: Name
    entity_label: str | None = None


class TimeWindow(Frozen):
    start: str
    end: str
    granularity: Literal["monthly", "weekly", "daily"] = "monthly"

    @field_validator("start", "end", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return str(value)  # YAML reads 2024-01-15 as a date


class CausalLag(Frozen):
    driver: str
    lag_periods: int = Field(ge=1)
    blend_weight: float = Field(1.0, ge=0.0, le=1.0)
    decay: bool = False
    decay_window: int | None = Field(None, ge=1, le=10_000)
    decay_kernel: Literal["geometric", "linear"] = "geometric"

    @model_validator(mode="after")
    def _decay_window(self) -> CausalLag:
        if self.decay != (self.decay_window is not None):
            raise ValueError("decay_window: give decay_window exactly when decay is true")
        return self


class Metric(Frozen):
    name: Name
    label: str | None = None
    distribution: FAMILY
    params: dict[str, Any] = Field(default_factory=dict)
    polarity: Literal["positive", "negative"] = "positive"
    value_range: ValueRange | None = None
    causal_lag: CausalLag | None = None
    seasonal_sensitivity: float = 1.0
    noise_override: Any = None


class CurveSegment(Frozen):
    curve: CURVE
    params: dict[str, float | int | bool] = Field(default_factory=dict)
    start_pct: float = Field(ge=0.0, le=1.0)
    end_pct: float = Field(ge=0.0, le=1.0)


class Archetype(Frozen):
    name: Name
    label: str | None = None
    description: str | None = None
    curve_segments: list[CurveSegment] = Field(min_length=1, max_length=10)
    metric_overrides: dict[str, Any] = Field(default_factory=dict)


class Entity(Frozen):
    name: Name
    archetype: str
    size: int = Field(1, ge=1, le=5_000)
    overrides: dict[str, Any] | None = None
    cross_dim_fks: dict[str, str] = Field(default_factory=dict)
    seasonal_sensitivity: float = 1.0
    start_period: int = Field(0, ge=0)
    treatment_group: str | None = None
    treatment_lift_log_odds: float | None = None
    treatment_start_period: int = Field(0, ge=0)
    treatment_target_metric: str | None = None


class ScdType2(Frozen):
    trigger_metric: str = Field(pattern=r"^[^.]+\.[^.]+$", description="<fact table>.<metric>")
    thresholds: list[float] = Field(min_length=1, max_length=20)
    labels: list[str]


class Column(Frozen):
    name: Name
    dtype: DTYPE
    source: str = Field(min_length=1)
    pii_note: str | None = None
    distribution: Any = None
    allow_outside_window: bool = False
    scd_type2: ScdType2 | None = None
    value_pool: dict[str, list[str | int | float | bool]] | None = None
    narrative: dict[str, Any] | None = None
    nested_schema: dict[str, str] | None = None
    array_element_type: str | None = None
    array_length: int | None = Field(None, ge=1, le=100)


class Table(Frozen):
    name: Name
    type: Literal["dim", "fact", "event"]
    grain: Literal["per_entity", "per_period", "per_reference", "per_entity_per_period", "variable", "per_parent_row"]
    columns: list[Column] = Field(min_length=1, max_length=100)
    primary_key: str | list[str] | None = None
    foreign_keys: list[str] = Field(default_factory=list)
    row_count_source: str | None = None
    count: int = Field(1, ge=1)
    cdc: bool = False
    log_format: str | None = None
    log_filename: str | None = None
    parent_table: str | None = None
    children_per_row: tuple[int, int] | None = None
    pk_prefix: str | None = Field(None, pattern=r"^[A-Za-z][A-Za-z0-9_]{0,11}$")


class Cardinality(Frozen):
    min: int = Field(ge=0)
    max: int = Field(ge=1)


class Bridge(Frozen):
    name: Name
    type: Literal["bridge"] = "bridge"
    connects: list[str] = Field(min_length=2, max_length=2)
    cardinality: Cardinality
    trajectory_driven: bool = True
    directed: bool = True
    metrics: list[dict[str, Any]] = Field(default_factory=list, max_length=20)


class Holdout(Frozen):
    enabled: bool = False
    target_metric: str | None = None
    holdout_periods: int = Field(0, ge=0)
    min_training_periods: int = Field(3, ge=1)


class EntityFeatures(Frozen):
    enabled: bool = False
    metrics: list[str] = Field(default_factory=list)
    include_labels: bool = True


class SeasonalEffect(Frozen):
    months: list[int] = Field(min_length=1, max_length=12)
    strength: float


class EngineConfig(Frozen):
    domain: Domain
    time_window: TimeWindow
    seed: int | None = None
    metrics: list[Metric] = Field(min_length=1)
    archetypes: list[Archetype] = Field(min_length=1)
    entities: list[Entity] = Field(min_length=1)
    tables: list[Table] = Field(default_factory=list)
    correlations: list[dict[str, Any]] = Field(default_factory=list)
    correlation_phases: list[Any] = Field(default_factory=list)
    noise: Any = None
    output: Any = None
    manifest: Any = None
    stages: Any = None
    bridges: list[Bridge] = Field(default_factory=list)
    quality: Any = None
    entity_features: EntityFeatures | None = None
    holdout: Holdout | None = None
    locale: str | list[str] = "en_US"
    seasonal_effects: list[SeasonalEffect] = Field(default_factory=list)
    multi_source: Any = None
    compensate_correlations: bool = False
    generation_mode: Literal["serial", "vectorized", "auto"] = "auto"
