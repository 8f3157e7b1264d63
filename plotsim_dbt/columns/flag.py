"""``flag``: True on every row of a threshold event table, the row that marks the entity's
metric crossing its threshold (the reference generator's ``flag`` column, so a threshold event
can carry its firing as a boolean)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .base import CheckContext, ColumnPlan, ColumnSpec, register


@dataclass(frozen=True)
class FlagPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pa.array(np.ones(len(rows), dtype=bool), pa.bool_())


@register
class FlagColumn(ColumnSpec):
    words = ("flag",)
    roles = frozenset({"event"})
    plan_class, arrow_type = FlagPlan, pa.bool_()
    default_description = "True: the entity's watched metric crossed the event's threshold for the required periods."

    def check(self, ctx: CheckContext) -> None:
        if ctx.event_rule != "threshold":
            raise ValueError(f"{ctx.path}.type: a flag marks a threshold firing; {ctx.table} is a proportional event table")
