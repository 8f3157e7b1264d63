"""``timestamp``: facts carry their period's start; events a time inside their period (placed by
the weekly calendar when it places the table); dimension rows a time inside the period they came
into being (an entity's arrival, a sub-entity's own start)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .base import ColumnPlan, ColumnSpec, register

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class TimestampPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        axis = block.plan.axis
        if rows.placed:
            seconds = block.placement.timestamps(rows.local, rows.period, block.uniforms(rows, (rows.table, self.name), 4))
            return pa.array(seconds * 1_000_000, pa.timestamp("us"))
        period = rows.period if rows.period is not None else rows.born
        start = axis.dates.astype("datetime64[s]").astype(np.int64)[period]
        if rows.role != "fact":
            u = block.uniforms(rows, (rows.table, self.name))[:, 0]
            start = start + (u * axis.period_days[period] * SECONDS_PER_DAY).astype(np.int64)
        return pa.array(start * 1_000_000, pa.timestamp("us"))


@register
class TimestampColumn(ColumnSpec):
    words = ("timestamp",)
    roles = frozenset({"entity", "sub_entity", "fact", "event"})
    plan_class, arrow_type, default_description = TimestampPlan, pa.timestamp("us"), "Time of the row within its period."
