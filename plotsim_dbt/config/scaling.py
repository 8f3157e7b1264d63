"""``scaled_by``: a metric tied to an attribute of the entity dimension. Each cell is the metric's
own value (its declared range is per unit: seats, units, hours) times the factor of the
attribute's label in force for that entity and period: the SCD2 tier or lifecycle stage of the
version in force, or a fixed attribute (segment, pool). MRR that follows the price of the plan
tier is ``scaled_by: {column: plan_tier, factors: {free: 0, starter: 49, pro: 199, enterprise: 899}}``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from .base import DECIMAL_PRECISION, Frozen, Identifier

if TYPE_CHECKING:
    from .models import Config


class ScaledBy(Frozen):
    column: Identifier = Field(description="A column of the entity dimension: an scd tier, the lifecycle stage, segment or a pool attribute.")
    factors: dict[str, float] = Field(min_length=1, description="Label -> factor (finite, >= 0) the metric's own value is multiplied by.")

    @field_validator("factors", mode="before")
    @classmethod
    def _labels_as_text(cls, value: Any) -> Any:
        # YAML reads pool labels such as 1 or true as numbers: compare labels as text.
        return {str(k).lower() if isinstance(k, bool) else str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("factors")
    @classmethod
    def _finite(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not math.isfinite(v) or v < 0}
        if bad:
            raise ValueError(f"factors must be finite and >= 0, got {bad}")
        return value


def column_labels(config: Config, column: str) -> tuple[list[str], bool] | None:
    """(labels the entity dimension's ``column`` can hold, whether they change over time), or None
    when the column has no fixed set of labels."""
    from ..columns.scd import ScdColumn
    from ..columns.segments import PoolColumn, SegmentColumn

    lifecycle = config.lifecycle
    if lifecycle is not None and lifecycle.column == column:
        return [s.name for s in lifecycle.stages], True
    spec = next((c for c in config.schema.entity_dimension.columns if c.name == column), None)
    if isinstance(spec, ScdColumn):
        return list(spec.tiers), True
    if isinstance(spec, SegmentColumn):
        return [s.name for s in config.segments], False
    if isinstance(spec, PoolColumn):
        values = []
        for segment in config.segments:
            value = segment.attributes.get(spec.attribute)
            if value is None:
                return None  # some entities have no value: no label to price
            values += value if isinstance(value, list) else [value]
        return list(dict.fromkeys(str(v).lower() if isinstance(v, bool) else str(v) for v in values)), False
    return None


def _unscalable(config: Config) -> dict[str, str]:
    """Metric -> why it cannot be scaled: what reads it before scaling, or whose truth assumes it unscaled."""
    from ..columns.scd import ScdColumn

    before = "reads it before it is scaled (the attributes are made from the metrics)"
    why: dict[str, str] = {}
    for c in config.schema.entity_dimension.columns:
        if isinstance(c, ScdColumn):
            why[c.tracks] = f"the scd column {c.name} {before}"
    if config.lifecycle is not None:
        why[config.lifecycle.track] = f"the lifecycle {before}"
    for e in config.schema.events:
        if e.ends_entity:
            why[e.source_metric] = f"the terminal event {e.name} {before}"
    for b in config.schema.bridges:
        if b.driver is not None:
            why[b.driver] = f"the bridge {b.name} reads it on its declared range"
    for s in config.segments:
        if s.treatment is not None and s.treatment.target_metric is not None:
            why[s.treatment.target_metric] = f"the treatment of segment {s.name} targets it (its truth is on the unscaled metric)"
    return why


def check_scaling(config: Config) -> None:
    if all(m.scaled_by is None for m in config.metrics):
        return
    why = _unscalable(config)
    entity = config.schema.entity_dimension.name
    for i, metric in enumerate(config.metrics):
        scale = metric.scaled_by
        if scale is None:
            continue
        where = f"metrics.{i}.scaled_by"
        found = column_labels(config, scale.column)
        if found is None:
            raise ValueError(
                f"{where}.column: {scale.column!r} is not a column of {entity} with a fixed set of labels "
                "(an scd tier, the lifecycle stage, segment, or a pool attribute every segment declares)"
            )
        labels, _ = found
        missing = [label for label in labels if label not in scale.factors]
        if missing:
            raise ValueError(f"{where}.factors: no factor for {', '.join(map(repr, missing))} (labels of {scale.column}: {', '.join(labels)})")
        unknown = sorted(set(scale.factors) - set(labels))
        if unknown:
            raise ValueError(f"{where}.factors: {', '.join(map(repr, unknown))} is not a label of {scale.column} ({', '.join(labels)})")
        places = metric.places or 0
        largest = max(abs(b) for b in metric.bounds) * max(scale.factors.values())
        if largest >= 10.0 ** (DECIMAL_PRECISION - places):
            raise ValueError(
                f"{where}.factors: {metric.name!r} reaches {largest:.3g}, more than DECIMAL({DECIMAL_PRECISION}, {places}) "
                "holds; use smaller factors or a smaller range"
            )
        if metric.name in why:
            raise ValueError(f"{where}: {metric.name!r} cannot be scaled: {why[metric.name]}; scale another metric or point that at another")
