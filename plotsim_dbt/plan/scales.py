"""Metrics tied to an attribute of the entity dimension (config ``scaled_by``, see
config/scaling.py): the factor of the label in force multiplies the metric's own value, after it
is drawn, clamped and rounded, and before anything downstream reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config.models import Config
from ..config.scaling import column_labels
from .centres import MetricPlan

if TYPE_CHECKING:
    from ..engine.context import Block


@dataclass(frozen=True)
class MetricScale:
    metric: int  # index of the scaled metric in the cell array
    column: str  # the entity dimension's column whose label sets the factor
    labels: tuple[str, ...]
    factors: np.ndarray  # [labels]
    over_time: bool  # the label is an SCD2 attribute (tier, stage), read per period
    decimals: int | None  # the metric's places: the product is rounded to them again

    def factor_cells(self, block: Block) -> np.ndarray:
        """[entities, periods] (or [entities, 1] for a fixed attribute) factor in force."""
        if self.over_time:
            return self.factors[block.versions.bands[self.column]]
        from ..engine.context import Rows

        table = block.plan.entity_table
        rows = Rows.of(table.name, "entity", block.start, np.ones(len(block), dtype=np.int64))
        text = pc.cast(table.column(self.column).values(block, rows), pa.string())
        if pa.types.is_boolean(table.column(self.column).type):
            text = pc.utf8_lower(text)
        return self.factors[pc.index_in(text, pa.array(self.labels)).to_numpy(zero_copy_only=False)][:, None]

    def apply(self, block: Block, values: np.ndarray) -> None:
        """Scale the metric's cells of ``values`` in place."""
        scaled = values[:, :, self.metric] * self.factor_cells(block)
        values[:, :, self.metric] = scaled if self.decimals is None else np.round(scaled, self.decimals)

    def value_range(self, metric: MetricPlan) -> tuple[float, float]:
        """Bounds of the scaled values."""
        return metric.clamp_low * float(self.factors.min()), metric.clamp_high * float(self.factors.max())


def resolve_scales(config: Config, metrics: tuple[MetricPlan, ...]) -> tuple[MetricScale, ...]:
    scales = []
    for spec, metric in zip(config.metrics, metrics):
        if spec.scaled_by is None:
            continue
        labels, over_time = column_labels(config, spec.scaled_by.column)
        factors = np.array([spec.scaled_by.factors[label] for label in labels])
        scales.append(MetricScale(metric.index, spec.scaled_by.column, tuple(labels), factors, over_time, metric.decimals))
    return tuple(scales)
