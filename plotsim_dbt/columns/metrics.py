"""Metric columns: ``metric.<name>`` (the cell of the row's entity and period; on a bridge, the
entity's mean) and ``lag.<name>:periods:<n>`` (the cell n periods earlier, NULL where the window
does not reach)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config.base import DECIMAL_PRECISION
from .base import ArgumentColumn, CheckContext, ColumnPlan, ColumnSpec, register

if TYPE_CHECKING:
    from ..plan.centres import MetricPlan

_LAG = re.compile(r"^([A-Za-z_]\w*):periods:(\d+)$")


@dataclass(frozen=True)
class MetricColumnPlan(ColumnPlan):
    index: int = 0  # the metric's position in the cell array
    integer: bool = False
    lag: int = 0

    def values(self, block, rows) -> pa.Array:
        period = rows.period - self.lag
        valid = period >= 0
        cells = block.values[rows.local, np.maximum(period, 0), self.index]
        if rows.role == "grain" and not self.lag:  # a row of a variable or child fact draws its own value
            from ..engine.grains import row_values

            cells = row_values(block, rows, self.index)
        missing = np.isnan(cells) | ~valid
        mask = missing if missing.any() else None
        if self.integer:
            return pa.array(np.where(missing, 0, cells).astype(np.int64), pa.int64(), mask=mask)
        # Cells are already rounded to the column's places, so the cast to decimal is exact.
        return pa.array(np.where(missing, 0.0, cells), pa.float64(), mask=mask).cast(self.type)


def metric_type(metric: MetricPlan) -> pa.DataType:
    """int64 for counts, decimal128(18, d) for metrics rounded to d places, else float64."""
    if metric.integer:
        return pa.int64()
    return pa.float64() if metric.decimals is None else pa.decimal128(DECIMAL_PRECISION, metric.decimals)


def as_floats(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A metric column as float64. Decimals go through their text, which gives the nearest double
    (the cells' own value); Arrow's direct cast scales by 10^-d and can land one ulp off (10.04 ->
    10.040000000000001)."""
    if pa.types.is_decimal(column.type):
        column = pc.cast(column, pa.string())
    return pc.cast(column, pa.float64())


def _known_metric(ctx: CheckContext, metric: str) -> None:
    if metric not in ctx.metrics:
        raise ValueError(f"{ctx.path}.type: {metric!r} is not a declared metric")


@dataclass(frozen=True)
class MeanMetricPlan(ColumnPlan):
    """A bridge row's metric: its entity's mean realised value over the periods it was observed
    (NULL when it has none), the same on each of the entity's links."""

    index: int = 0

    def values(self, block, rows) -> pa.Array:
        from ..engine.bridges import mean_value  # the engine imports the column kinds

        mean = mean_value(block, self.index)[rows.local]
        missing = np.isnan(mean)
        return pa.array(np.where(missing, 0.0, mean), pa.float64(), mask=missing if missing.any() else None)


@register
class MetricColumn(ArgumentColumn):
    metric: str
    words = ("metric",)
    roles = frozenset({"fact", "event", "bridge"})
    argument_hint = "<name>"
    argument_field = "metric"
    example = "mrr"

    def check(self, ctx: CheckContext) -> None:
        _known_metric(ctx, self.metric)
        if self.name != self.metric and ctx.role != "bridge":  # a bridge's mean is not the metric's cells: any name
            # One name per metric everywhere: features, truth tables and dbt tests find it by name.
            raise ValueError(f"{ctx.path}.name: name the column after its metric ({self.metric}), not {self.name!r}")

    def resolve(self, ctx: Any) -> MetricColumnPlan | MeanMetricPlan:
        metric = ctx.metric(self.metric)
        if ctx.role == "bridge":
            text = self.description or f"The {ctx.config.unit}'s mean realised {self.metric} over the periods it was observed."
            return MeanMetricPlan(self.name, pa.float64(), text, index=metric.index)
        return MetricColumnPlan(
            self.name,
            metric_type(metric),
            self.description or ctx.metric_description(self.metric),
            metric=self.metric,
            index=metric.index,
            integer=metric.integer,
        )


@register
class LagColumn(ColumnSpec):
    metric: str
    periods: int
    words = ("lag",)
    roles = frozenset({"fact"})
    argument_hint = "<metric>:periods:<n>"
    encoded = ("metric", "periods")

    @classmethod
    def parse_type(cls, word: str, argument: str) -> dict[str, Any]:
        match = _LAG.match(argument)
        if match is None:
            raise ValueError(f"type: write a lag as lag.<metric>:periods:<n>, got {word}.{argument}")
        return {"metric": match.group(1), "periods": int(match.group(2))}

    @property
    def type(self) -> str:
        return f"lag.{self.metric}:periods:{self.periods}"

    def check(self, ctx: CheckContext) -> None:
        _known_metric(ctx, self.metric)
        if not 1 <= self.periods < ctx.periods:
            raise ValueError(f"{ctx.path}.type: a lag needs 1 to {ctx.periods - 1} periods, got {self.periods}")

    def resolve(self, ctx: Any) -> MetricColumnPlan:
        metric = ctx.metric(self.metric)
        text = self.description or f"The metric {self.metric} {self.periods} period(s) earlier (NULL before the window allows)."
        return MetricColumnPlan(self.name, metric_type(metric), text, index=metric.index, integer=metric.integer, lag=self.periods)
