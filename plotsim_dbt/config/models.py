"""Typed, immutable configuration. One model serves ``create(**kw)``, builder YAML and the
engine-direct spellings (``params``, ``value_range: {min, max}``) the requirement documents use."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from ..columns import Column
from ..engine.fake import check_locale
from ..plan.archetypes import parse_archetype
from ..plan.periods import period_axis
from .base import DECIMAL_PRECISION, MAX_DECIMALS, MAX_IDENTIFIER, Frozen, Identifier
from .calendar import Calendar
from .entities import DEFAULT_VARIATION, Arrival, Treatment, check_arrival
from .grains import check_shares
from .lifecycle import Lifecycle
from .scaling import ScaledBy, check_scaling
from .schema import (
    ACTIVE_STATUS,
    Bridge,
    Dimension,
    Event,
    Fact,
    Schema,
    automatic_schema,
    check_date_columns,
    check_schema,
    check_table_names,
    table_path,
)
from .sources import MAX_SOURCES, MIN_SOURCES, Source
from .vocabulary import (
    CONNECTION_WORDS,
    DEFAULT_FAMILY,
    FAMILY_ALIASES,
    FAMILY_PARAMS,
    METRIC_TYPES,
    NOISE_ALIASES,
    NOISE_PRESETS,
)

MAX_ENTITIES = 2**31  # entities of one run: ids, the plan's per-entity arrays and row counts stay far from int64 limits
MAX_UNIT = MAX_IDENTIFIER - len("fct_") - len("_holdout")  # the longest name made from the unit fits an identifier


class Window(Frozen):
    start: str = Field(description="First period, YYYY-MM or YYYY-MM-DD.")
    end: str = Field(description="Last period, YYYY-MM or YYYY-MM-DD (inclusive).")
    every: Literal["monthly", "weekly", "daily"] = Field("monthly", description="Period grain.")

    @model_validator(mode="before")
    @classmethod
    def _from_sequence(cls, data: Any) -> Any:
        if isinstance(data, (list, tuple)):
            if len(data) not in (2, 3):
                raise ValueError("write the window as (start, end) or (start, end, every)")
            return dict(zip(("start", "end", "every"), data))
        return data

    @field_validator("start", "end", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return str(value)  # YAML reads 2024-01-15 as a date

    @model_validator(mode="after")
    def _parses(self) -> Window:
        period_axis(self.start, self.end, self.every)
        return self

    @property
    def periods(self) -> int:
        return period_axis(self.start, self.end, self.every).count

class Noise(Frozen):
    gaussian_sigma: float = Field(0.0, ge=0.0, le=5.0, description="Noise sd as a fraction of the value.")
    outlier_rate: float = Field(0.0, ge=0.0, le=1.0)
    mcar_rate: float = Field(0.0, ge=0.0, le=1.0, description="Share of metric cells left empty (NULL).")
    family: Literal["gaussian", "student_t", "laplace"] = "gaussian"
    degrees_of_freedom: float = Field(4.0, ge=1.0)
    scale_with_trajectory: bool = Field(
        False, description="Heteroscedastic noise: sd = gaussian_sigma x the entity's trajectory position x the metric's range span, "
        "so the spread grows with the position (instead of sd = gaussian_sigma x |value|).",
    )

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data: Any) -> Any:
        if isinstance(data, str):
            name = data.strip().lower().replace(" ", "_")
            name = NOISE_ALIASES.get(name, name)
            if name not in NOISE_PRESETS:
                raise ValueError(f"unknown noise preset {data!r}; use {', '.join(NOISE_PRESETS)} or a mapping")
            sigma, outliers, mcar = NOISE_PRESETS[name]
            return {"gaussian_sigma": sigma, "outlier_rate": outliers, "mcar_rate": mcar}
        return data


class Metric(Frozen):
    name: Identifier
    type: Literal["score", "amount", "count", "index"] | None = Field(
        None, description="score (0-1 or a range), amount (money-like, needs range), count, index (needs range)."
    )
    polarity: Literal["positive", "negative"] = Field(
        "positive", description="negative metrics fall as the trajectory rises (churn risk, tickets)."
    )
    label: str | None = None
    range: tuple[float, float] | None = Field(
        None,
        alias="value_range",
        description="[low, high]. Values are clamped into it; for count it is the span of the expected count.",
    )
    follows: str | None = Field(None, description="Metric this one trails; needs delay.")
    delay: int | None = Field(None, ge=1, description="Periods by which this metric trails `follows`.")
    blend_weight: float = Field(
        1.0, ge=0.0, le=1.0, description="Share of the lagged driver in the follower's position; the rest is the entity's own position "
        "(1 = the driver's alone). Needs follows.",
    )
    decay_window: int | None = Field(
        None, ge=1, le=10_000, description="Adstock: the follower reads a weighted mean of the driver over this many periods ending "
        "`delay` periods back, instead of one period. Needs follows.",
    )
    decay_kernel: Literal["geometric", "linear"] = Field(
        "geometric", description="Weights of the decay window, newest first: geometric 1, 1/2, 1/4, ...; linear W, W-1, ..., 1.",
    )
    seasonal_sensitivity: float = Field(1.0, description="Multiplies the seasonal lift: 0 immune, -0.5 inverted.")
    distribution: str | None = Field(None, description="logitnormal, normal, lognormal, beta, gamma, poisson, weibull.")
    distribution_params: dict[str, float] = Field(default_factory=dict, alias="params")
    decimals: int | None = Field(
        None, description=f"Decimal places values are rounded to (0-{MAX_DECIMALS}, ties to even); default 2 for amount, "
        "full precision for score and index; counts are whole numbers.",
    )
    noise: Noise | None = Field(None, description="This metric's own noise, in place of the config's noise (a preset name or a mapping).")
    scaled_by: ScaledBy | None = Field(
        None, description="Tie the metric to an attribute of the entity dimension: its value (range per unit) times the factor of "
        "the label in force (e.g. the plan tier's price).",
    )

    @field_validator("decimals", mode="before")
    @classmethod
    def _places(cls, value: Any) -> Any:
        # Checked by hand: pydantic would take 2.0, "2" and True as 2, and word the error for types.
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS):
            raise ValueError(f"decimal places must be a whole number from 0 to {MAX_DECIMALS}, got {value!r}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _engine_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("range", "value_range"):
                value = data.get(key)
                if isinstance(value, dict):
                    data = {**data, key: (value.get("min"), value.get("max"))}
        return data

    @field_validator("distribution")
    @classmethod
    def _family(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = FAMILY_ALIASES.get(value, value)
        if value not in FAMILY_PARAMS:
            raise ValueError(f"unknown distribution {value!r}; use one of {', '.join(FAMILY_PARAMS)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Metric:
        if self.type is None and self.distribution is None:
            raise ValueError(f"type: metric {self.name!r} needs a type ({', '.join(METRIC_TYPES)}) or a distribution")
        if self.range is not None:
            low, high = self.range
            if low is None or high is None or not low < high:
                raise ValueError(f"range: {self.name!r} needs [low, high] with low < high, got {list(self.range)}")
        elif self.type in ("amount", "index") or (self.type is None and self.distribution != "poisson"):
            raise ValueError(f"range: metric {self.name!r} of type {self.type or self.family} needs a range, e.g. range: [10, 500]")
        if (self.follows is None) != (self.delay is None):
            raise ValueError(f"delay: {self.name!r} needs follows and delay together (follows: other_metric, delay: 2)")
        if self.follows == self.name:
            raise ValueError(f"follows: metric {self.name!r} cannot follow itself")
        if self.follows is None and (self.blend_weight != 1.0 or self.decay_window is not None):
            field = "decay_window" if self.decay_window is not None else "blend_weight"
            raise ValueError(f"{field}: {self.name!r} shapes a lag, so it needs follows and delay; add them or remove {field}")
        if self.places is not None:
            self._check_places()
        allowed = FAMILY_PARAMS[self.family]
        for key, value in self.distribution_params.items():
            if key not in allowed:
                expected = ", ".join(allowed) or "no parameters"
                raise ValueError(f"distribution_params: {self.family} of {self.name!r} takes {expected}, not {key!r}")
            if value <= 0 and not (key == "sigma" and value == 0):
                raise ValueError(f"distribution_params: {self.family} parameter {key} of {self.name!r} must be positive")
        return self

    @property
    def family(self) -> str:
        return self.distribution or DEFAULT_FAMILY[self.type or "score"]

    def _check_places(self) -> None:
        if self.family == "poisson":
            if self.decimals:
                raise ValueError(f"decimals: {self.name!r} is a count (whole numbers); drop decimals or give 0")
            return  # stored as integers, with no upper cap
        low, high = self.bounds
        if max(abs(low), abs(high)) >= 10.0 ** (DECIMAL_PRECISION - self.places):
            digits = DECIMAL_PRECISION - self.places
            raise ValueError(f"decimals: {self.places} decimal places leave {digits} digits before the point "
                             f"(DECIMAL({DECIMAL_PRECISION}, {self.places})), too few for the range {list(self.bounds)} of {self.name!r}")
        lowest, highest = rounded_inward(low, high, self.places)
        if lowest > highest:
            raise ValueError(f"decimals: no value with {self.places} decimal places lies in the range {list(self.bounds)} of {self.name!r}")

    @property
    def places(self) -> int | None:
        """Decimal places values are rounded to: as declared, 0 for counts, 2 for amounts; None keeps full precision."""
        if self.family == "poisson":
            return 0
        if self.decimals is not None:
            return self.decimals
        return 2 if self.type == "amount" else None

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the centre moves across (defaults: score [0, 1], count [0, 10])."""
        if self.range is not None:
            return self.range
        return (0.0, 10.0) if self.family == "poisson" else (0.0, 1.0)


def rounded_inward(low: float, high: float, places: int) -> tuple[float, float]:
    """The smallest and largest values with ``places`` decimals inside [low, high], worked out in
    decimal from the bounds as written, so a rounded value never leaves the declared range."""
    step = Decimal(1).scaleb(-places)
    return (float(Decimal(repr(float(low))).quantize(step, rounding=ROUND_CEILING)),
            float(Decimal(repr(float(high))).quantize(step, rounding=ROUND_FLOOR)))


class Segment(Frozen):
    name: Identifier
    count: int = Field(ge=1, description=f"Number of entities in the segment; all segments together at most {MAX_ENTITIES:,} (2^31).")
    archetype: str = Field(description="A word (growth, decline, ...), a curve call, or 'a > b @ period'.")
    label: str | None = None
    attributes: dict[Identifier, str | int | float | bool | list[str | int | float | bool]] = Field(
        default_factory=dict, description="Columns of the entity dimension; a list draws one value per entity."
    )
    seasonal_sensitivity: float = 1.0
    arrival: Arrival | None = Field(None, description="When entities join: uniform, linear, step or explicit start periods; default all at period 0.")
    variation: float | None = Field(
        None, ge=0.0, le=1.0, description="How far each entity's own trajectory strays from the archetype; default the config's variation."
    )
    treatment: Treatment | None = Field(None, description="An A/B split with a known lift on a metric.")
    ranges: dict[Identifier, tuple[float, float]] = Field(
        default_factory=dict, description="Per metric, [low, high] inside the metric's range: the range this segment's centre moves across."
    )
    baseline: dict[Identifier, Literal["high", "mid", "low"]] = Field(
        default_factory=dict, description="Per metric, the top, middle or bottom third of the metric's range as this segment's range."
    )

    @field_validator("attributes")
    @classmethod
    def _non_empty_lists(cls, value: dict) -> dict:
        for key, item in value.items():
            if isinstance(item, list) and not item:
                raise ValueError(f"attribute {key!r} has an empty list; give at least one value")
        return value

    def range_of(self, metric: Metric) -> tuple[float, float]:
        """The range this segment's centre of ``metric`` moves across: its own, a third of the metric's, or the metric's."""
        if metric.name in self.ranges:
            return self.ranges[metric.name]
        low, high = metric.bounds
        third = BASELINE_THIRDS.get(self.baseline.get(metric.name, ""))
        if third is None:
            return low, high
        span = high - low
        return low + span * third / 3.0, low + span * (third + 1) / 3.0


BASELINE_THIRDS = {"low": 0, "mid": 1, "high": 2}  # which third of the metric's range a baseline word picks


def _check_segment_ranges(segment: Segment, i: int, metrics: dict[str, Metric]) -> None:
    for key, names in (("ranges", segment.ranges), ("baseline", segment.baseline)):
        for name in names:
            where = f"segments.{i}.{key}.{name}"
            if name not in metrics:
                raise ValueError(f"{where}: {name!r} is not a declared metric")
            metric = metrics[name]
            if metric.range is None and metric.type != "score":  # a score's range is [0, 1]; a count's mean has no range
                raise ValueError(f"{where}: metric {name!r} has no range to narrow; give it a range (range: [low, high])")
    both = sorted(segment.ranges.keys() & segment.baseline.keys())
    if both:
        raise ValueError(f"segments.{i}.baseline.{both[0]}: {both[0]!r} has both a range and a baseline; keep one")
    for name, (low, high) in segment.ranges.items():
        top, bottom = metrics[name].bounds[1], metrics[name].bounds[0]
        if not bottom <= low < high <= top:
            raise ValueError(f"segments.{i}.ranges.{name}: [{low}, {high}] must have low < high and lie inside the range "
                             f"[{bottom}, {top}] of {name!r}")


class Connection(Frozen):
    metric_a: str
    metric_b: str
    coefficient: float = Field(ge=-1.0, le=1.0)
    word: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _forms(cls, data: Any) -> Any:
        if isinstance(data, str):
            parts = data.split()
            if len(parts) != 3:
                raise ValueError(f"write a connection as 'a WORD b' or 'a 0.42 b', got {data!r}")
            data = list(parts)
        if isinstance(data, (list, tuple)):
            if len(data) != 3:
                raise ValueError(f"a connection list has three items [a, WORD, b], got {list(data)}")
            a, middle, b = data
            data = {"metric_a": a, "metric_b": b, "relationship": middle}
        if isinstance(data, dict) and "relationship" in data:
            data = dict(data)
            middle = data.pop("relationship")
            if "coefficient" in data:
                raise ValueError("give a relationship word or a coefficient, not both")
            if isinstance(middle, bool):
                raise ValueError("a connection needs a word or a number between -1 and 1, not true/false")
            if isinstance(middle, str) and middle in CONNECTION_WORDS:
                data.update(coefficient=CONNECTION_WORDS[middle], word=middle)
            else:
                try:
                    data["coefficient"] = float(middle)
                except (TypeError, ValueError):
                    raise ValueError(
                        f"unknown relationship {middle!r}; use a number in [-1, 1] or one of {', '.join(CONNECTION_WORDS)}"
                    ) from None
        return data


class ConnectionPhase(Frozen):
    """Connections that hold over periods [start_period, end_period] (0-based, both inclusive) in
    place of the config's ``connections``, which hold in every period outside the phases."""

    start_period: int = Field(ge=0, description="First period of the phase (0-based).")
    end_period: int = Field(ge=0, description="Last period of the phase (inclusive).")
    connections: list[Connection] = Field(min_length=1, description="The connections in force during the phase (pairs not listed are "
                                          "independent in it; write 'a independent b' for a phase of no connection).")

    @model_validator(mode="after")
    def _ordered(self) -> ConnectionPhase:
        if self.end_period < self.start_period:
            raise ValueError(f"end_period: the phase ends ({self.end_period}) before it starts ({self.start_period})")
        return self


class SeasonalEffect(Frozen):
    months: list[int] = Field(min_length=1)
    strength: float = Field(gt=-1.0, description="Relative lift of the centre in those months: 0.3 is +30%.")

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= m <= 12 for m in value) or len(set(value)) != len(value):
            raise ValueError("months must be distinct numbers from 1 to 12")
        return value




class Output(Frozen):
    format: Literal["csv", "parquet", "jsonl", "sql", "duckdb"] = Field(
        "csv", description="csv, parquet or jsonl (a file per table), sql (one data.sql script), or duckdb (one warehouse.duckdb).")
    directory: str = "output"
    sql_dialect: Literal["postgresql", "mysql", "sqlite"] = Field(
        "postgresql", description="sql format: the dialect of data.sql (identifier quoting, string escapes, column types).")
    denormalized: bool = Field(False, description="Also write <fact>_wide per fact: its rows with every referenced dimension's "
                               "columns (the SCD2 version in force at the row's date) as <dimension>__<column>.")
    partition_by: str | None = Field(
        None, description="parquet format: a column; every table holding it is written as hive-style folders <table>/<column>=<value>/.")

    @model_validator(mode="before")
    @classmethod
    def _word(cls, data: Any) -> Any:
        return {"format": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _format_options(self) -> Output:
        if self.sql_dialect != "postgresql" and self.format != "sql":
            raise ValueError(f"sql_dialect applies to format sql, not {self.format}; set format: sql or remove it")
        if self.partition_by is not None and self.format != "parquet":
            raise ValueError(f"partition_by writes Parquet folders, not {self.format}; set format: parquet or remove it")
        return self


class Holdout(Frozen):
    target: str = Field(description="Metric a model will predict; its features are dropped from entity features.")
    periods: int = Field(ge=1, description="Trailing periods held out.")
    min_training_periods: int = Field(3, ge=1)


class EntityFeatures(Frozen):
    metrics: list[str] = Field(default_factory=list, description="Metrics to aggregate; empty means all.")
    include_labels: bool = True

    @model_validator(mode="before")
    @classmethod
    def _flag(cls, data: Any) -> Any:
        return {} if data is True else data


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


class Config(Frozen):
    about: str = Field(description="What the dataset is about; free text.")
    unit: Identifier = Field(description="The entity, e.g. account: names dim_account, fct_account, account_id.")
    window: Window
    metrics: list[Metric] = Field(min_length=1, max_length=200)
    segments: list[Segment] = Field(min_length=1)
    connections: list[Connection] = Field(default_factory=list)
    connection_phases: list[ConnectionPhase] = Field(
        default_factory=list, max_length=64,
        description="Time-varying connections: each phase's connections replace `connections` over its periods.",
    )
    seasonality: list[SeasonalEffect] = Field(default_factory=list)
    noise: Noise = Field(default_factory=Noise)
    seed: int = Field(0, ge=0, lt=2**63, description="Same config and seed give byte-identical output.")
    output: Output = Field(default_factory=Output)
    holdout: Holdout | None = None
    entity_features: EntityFeatures | None = None
    quality: list[QualityIssue] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(
        default_factory=list, description="Declared dimensions; with no tables declared the schema is dim_<unit> + fct_<unit>."
    )
    facts: list[Fact] = Field(default_factory=list, description="Per-entity-per-period fact tables.")
    events: list[Event] = Field(default_factory=list, description="Event tables (proportional or threshold).")
    bridges: list[Bridge] = Field(default_factory=list, description="Many-to-many links from the entity dimension to a reference dimension.")
    date_columns: list[Column] = Field(
        default_factory=list, description="Typed columns added to dim_date: {name, type: date|int|string|float, sql: a DuckDB expression "
        "over dim_date's columns}."
    )
    locale: str | list[str] = Field(
        "en_US",
        description="Faker locale whose names, companies and cities realistic columns draw from; a list gives each entity one of "
        "them (picked per entity, the same in every table), with geo columns from that locale's places.",
    )
    calendar: Calendar | None = Field(None, description="Hour-of-week placement of event timestamps (weekly patterns per entity).")
    lifecycle: Lifecycle | None = Field(
        None, description="Stages entities pass through as a tracked metric crosses thresholds (an SCD2 attribute of the entity dimension)."
    )
    sources: list[Source] = Field(
        default_factory=list, max_length=MAX_SOURCES,
        description="Source systems (2-5) that each keep their own copy of the entity dimension, keyed and drifted their own way.",
    )
    variation: float = Field(
        DEFAULT_VARIATION, ge=0.0, le=1.0,
        description="How far each entity's trajectory strays from its archetype (timing, amplitude, level, wiggle): 0 = every entity "
        "of a segment follows it exactly; higher makes segments overlap and ML fixtures harder.",
    )

    @field_validator("entity_features", mode="before")
    @classmethod
    def _features_off(cls, value: Any) -> Any:
        return None if value is False else value

    @field_validator("seasonality", "sources", mode="before")
    @classmethod
    def _list_none(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def locales(self) -> tuple[str, ...]:
        """The config's locales, in order."""
        return (self.locale,) if isinstance(self.locale, str) else tuple(self.locale)

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        names = [m.name for m in self.metrics]
        _check_unique("metrics", names)
        _check_unique("segments", [s.name for s in self.segments])
        if len(self.sources) == 1:
            raise ValueError(f"sources: one source gives nothing to resolve; give {MIN_SOURCES} to {MAX_SOURCES}, or none")
        _check_unique("sources", [s.name for s in self.sources])
        if self.entity_count > MAX_ENTITIES:
            raise ValueError(f"segments: {self.entity_count:,} entities is more than one run holds ({MAX_ENTITIES:,}, 2^31); "
                             "lower the counts, or generate the dataset as several runs with different seeds")
        if not self.declares_schema and len(self.unit) > MAX_UNIT:
            raise ValueError(f"unit: {self.unit!r} is {len(self.unit)} characters; give at most {MAX_UNIT}, so the names made "
                             f"from it (dim_{{unit}}, fct_{{unit}}_holdout) fit the {MAX_IDENTIFIER}-character identifiers of DuckDB and Postgres")
        _check_locales(self.locale)
        periods = self.window.periods
        by_name = {m.name: m for m in self.metrics}
        for i, segment in enumerate(self.segments):
            _check_segment_ranges(segment, i, by_name)
            try:
                parse_archetype(segment.archetype, periods)
            except ValueError as err:
                raise ValueError(f"segments.{i}.archetype: {err}") from None
            if segment.arrival is not None:
                try:
                    check_arrival(segment.arrival, segment.count, periods)
                except ValueError as err:  # the message starts with its field inside arrival
                    raise ValueError(f"segments.{i}.{err}") from None
            treatment = segment.treatment
            if treatment is not None:
                if treatment.target_metric is not None and treatment.target_metric not in names:
                    raise ValueError(f"segments.{i}.treatment.target_metric: {treatment.target_metric!r} is not a declared metric")
                if treatment.start_period >= periods:
                    raise ValueError(f"segments.{i}.treatment.start_period: the window has periods 0..{periods - 1}")
        faultable = {f.name for f in self.schema.facts if f.grain == "entity_period"} | {e.name for e in self.schema.events}
        for i, issue in enumerate(self.quality):
            if issue.table not in faultable:
                # Variable and child facts stay clean: a fault would break their children and sums.
                grained = issue.table in self.fact_tables
                what = "a variable or child fact; faults go into per-entity-per-period facts and events" if grained else \
                    "not a declared fact or event table"
                raise ValueError(f"quality.{i}.table: {issue.table!r} is {what}")
        for i, metric in enumerate(self.metrics):
            if metric.follows is not None and metric.follows not in names:
                raise ValueError(f"metrics.{i}.follows: {metric.follows!r} is not a declared metric")
        _check_no_cycles(self.metrics)
        _check_connections("connections", self.connections, names)
        _check_phases(self.connection_phases, names, periods)
        if self.holdout is not None:
            if self.holdout.target not in names:
                raise ValueError(f"holdout.target: {self.holdout.target!r} is not a declared metric")
            if periods - self.holdout.periods < self.holdout.min_training_periods:
                raise ValueError(
                    f"holdout.periods: holding out {self.holdout.periods} of {periods} periods leaves fewer than "
                    f"{self.holdout.min_training_periods} training periods"
                )
        if self.entity_features is not None:
            for metric in self.entity_features.metrics:
                if metric not in names:
                    raise ValueError(f"entity_features.metrics: {metric!r} is not a declared metric")
        if self.calendar is not None:
            _check_calendar(self)
        if self.declares_schema and not any(f.grain == "entity_period" for f in self.facts):
            raise ValueError("facts: a declared schema needs at least one fact table (per entity per period)")
        schema = self.schema
        where = (lambda name: f"{table_path(schema, name)}.name") if self.declares_schema else (lambda name: "unit")
        check_table_names(schema, where, self.holdout is not None, "rename your table" if self.declares_schema else "choose another unit")
        check_date_columns(self.date_columns)
        if self.declares_schema:
            check_schema(self.schema, names, periods, {a for s in self.segments for a in s.attributes}, self.entity_count,
                         tuple(s.name for s in self.segments), self.locales)
            check_shares(self.facts, {m.name: m.places for m in self.metrics})
        if self.lifecycle is not None:
            _check_lifecycle(self)
        if any(m.scaled_by is not None for m in self.metrics):
            check_scaling(self)
        return self

    @property
    def declares_schema(self) -> bool:
        return bool(self.dimensions or self.facts or self.events or self.bridges)

    @cached_property
    def schema(self) -> Schema:
        """The tables to build: as declared, or the automatic dim_<unit> + fct_<unit>."""
        if self.declares_schema:
            return Schema(dimensions=self.dimensions, facts=self.facts, events=self.events, bridges=self.bridges)
        attributes = list(dict.fromkeys(a for s in self.segments for a in s.attributes))
        return automatic_schema(self.unit, [m.name for m in self.metrics], attributes)

    @property
    def entity_count(self) -> int:
        return sum(s.count for s in self.segments)

    @property
    def entity_table(self) -> str:
        return self.schema.entity_dimension.name

    @property
    def entity_key(self) -> str:
        return self.schema.entity_key

    @property
    def fact_tables(self) -> list[str]:
        return [f.name for f in self.schema.facts]


def _check_lifecycle(config: Config) -> None:
    lifecycle = config.lifecycle
    if lifecycle.track not in [m.name for m in config.metrics]:
        raise ValueError(f"lifecycle.track: {lifecycle.track!r} is not a declared metric")
    if lifecycle.ends_entity and lifecycle.stages[-1].name == ACTIVE_STATUS:
        raise ValueError(f"lifecycle.stages: the final stage ends entities, so it is their status; {ACTIVE_STATUS!r} is the status of "
                         "entities that have not ended: rename the stage")
    taken = {c.name.lower() for c in config.schema.entity_dimension.columns}
    if lifecycle.column.lower() in taken:
        raise ValueError(f"lifecycle.column: {config.schema.entity_dimension.name} already has a column {lifecycle.column!r}; "
                         "name the stage column otherwise (lifecycle.column)")


def _check_connections(path: str, connections: list[Connection], names: list[str]) -> None:
    seen: set[frozenset[str]] = set()
    for i, conn in enumerate(connections):
        for end in (conn.metric_a, conn.metric_b):
            if end not in names:
                raise ValueError(f"{path}.{i}: {end!r} is not a declared metric")
        if conn.metric_a == conn.metric_b:
            raise ValueError(f"{path}.{i}: a metric cannot be connected to itself ({conn.metric_a})")
        pair = frozenset((conn.metric_a, conn.metric_b))
        if pair in seen:
            raise ValueError(f"{path}.{i}: {conn.metric_a} and {conn.metric_b} are connected twice")
        seen.add(pair)


def _check_phases(phases: list[ConnectionPhase], names: list[str], periods: int) -> None:
    taken = np.full(periods, -1)
    for i, phase in enumerate(phases):
        if phase.end_period >= periods:
            raise ValueError(f"connection_phases.{i}.end_period: the window has periods 0 to {periods - 1}, not {phase.end_period}")
        overlap = taken[phase.start_period : phase.end_period + 1]
        if (overlap >= 0).any():
            raise ValueError(f"connection_phases.{i}: it overlaps phase {int(overlap[overlap >= 0][0])}; phases must not share periods")
        taken[phase.start_period : phase.end_period + 1] = i
        _check_connections(f"connection_phases.{i}.connections", phase.connections, names)


def _check_unique(field: str, names: list[str]) -> None:
    """Names unique ignoring case: they become SQL identifiers (or parts of them), which ignore case."""
    first: dict[str, str] = {}
    for i, name in enumerate(names):
        seen = first.setdefault(name.lower(), name)
        if seen != name or names.index(name) != i:
            also = "" if seen == name else f" (as {seen!r}: SQL names ignore case)"
            raise ValueError(f"{field}.{i}.name: {name!r} is declared twice{also}; names must be unique")


def _check_calendar(config: Config) -> None:
    calendar = config.calendar
    if config.window.every == "daily":
        raise ValueError("calendar: hour-of-week placement needs monthly or weekly periods (a daily period holds one weekday)")
    segments = {s.name for s in config.segments}
    for name in calendar.segments:
        if name not in segments:
            raise ValueError(f"calendar.segments: {name!r} is not a declared segment")
    events = {e.name for e in config.events}
    for name in calendar.events or []:
        if name not in events:
            raise ValueError(f"calendar.events: {name!r} is not a declared event table")
    if not config.events:
        raise ValueError("calendar: it places event timestamps, but the config declares no events")


def _check_no_cycles(metrics: list[Metric]) -> None:
    follows = {m.name: m.follows for m in metrics}
    for start in follows:
        path, current = [start], follows[start]
        while current is not None:
            if current in path:
                cycle = " -> ".join(path[path.index(current) :] + [current])
                raise ValueError(f"metrics: follows makes a cycle ({cycle}); a metric cannot trail itself")
            path.append(current)
            current = follows[current]


def _check_locales(locale: str | list[str]) -> None:
    locales = [locale] if isinstance(locale, str) else locale
    if not locales or len(set(locales)) != len(locales):
        raise ValueError("locale: give a locale such as en_US, or a list of distinct locales")
    for one in locales:
        check_locale(one)
