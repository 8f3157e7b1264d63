"""``segments``: groups of entities that share an archetype, attributes, arrival, variation,
treatment and metric ranges, and the checks of each segment against the window and the metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from ..plan.archetypes import parse_archetype
from .base import Frozen, Identifier, check_unique
from .entities import Arrival, Treatment, check_arrival
from .metrics import Metric

if TYPE_CHECKING:
    from .models import Config

MAX_ENTITIES = 2**31  # entities of one run: ids, the plan's per-entity arrays and row counts stay far from int64 limits


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
            raise ValueError(
                f"segments.{i}.ranges.{name}: [{low}, {high}] must have low < high and lie inside the range [{bottom}, {top}] of {name!r}"
            )


def check_segment_names(config: Config) -> None:
    check_unique("segments", [s.name for s in config.segments])


def check_entity_count(config: Config) -> None:
    if config.entity_count > MAX_ENTITIES:
        raise ValueError(
            f"segments: {config.entity_count:,} entities is more than one run holds ({MAX_ENTITIES:,}, 2^31); "
            "lower the counts, or generate the dataset as several runs with different seeds"
        )


def check_segments(config: Config) -> None:
    """Each segment's ranges, archetype, arrival and treatment, in segment order."""
    names = [m.name for m in config.metrics]
    by_name = {m.name: m for m in config.metrics}
    periods = config.window.periods
    for i, segment in enumerate(config.segments):
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
