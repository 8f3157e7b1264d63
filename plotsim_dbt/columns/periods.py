"""``period_index`` and ``period_label``: the row's period as dim_date numbers and names it
(0-based index; YYYY-MM, YYYY-Www or YYYY-MM-DD), so a fact or event can be read by period
without a join. Both are foreign keys of dim_date's same-named columns."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .base import ColumnPlan, ColumnSpec, register

ROLES = frozenset({"fact", "event"})  # the tables whose rows have a period


@dataclass(frozen=True)
class PeriodIndexPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pa.array(rows.period, pa.int32())


@register
class PeriodIndexColumn(ColumnSpec):
    words = ("period_index",)
    roles = ROLES
    default_description = "0-based index of the row's period in the window (dim_date.period_index)."

    def resolve(self, ctx) -> PeriodIndexPlan:
        return PeriodIndexPlan(self.name, pa.int32(), self.description or self.default_description, ("dim_date", "period_index"), not_null=True)


@dataclass(frozen=True)
class PeriodLabelPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pa.array(block.plan.axis.labels, pa.string()).take(pa.array(rows.period))


@register
class PeriodLabelColumn(ColumnSpec):
    words = ("period_label",)
    roles = ROLES
    default_description = "Label of the row's period: YYYY-MM, YYYY-Www or YYYY-MM-DD (dim_date.period_label)."

    def resolve(self, ctx) -> PeriodLabelPlan:
        return PeriodLabelPlan(self.name, pa.string(), self.description or self.default_description, ("dim_date", "period_label"), not_null=True)
