"""Plans of variable and child facts: their table plan, the references between facts and the
source of a child's share columns (resolved once, like every table)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pyarrow as pa

from ..columns import ColumnPlan
from ..columns.grains import FactRefPlan, SharePlan
from ..columns.metrics import metric_type
from ..config.grains import share_metric
from ..config.schema import Fact, key_column, ref_column
from .tables import TablePlan

if TYPE_CHECKING:
    from ..columns.keys import RefColumn
    from .tables import ResolveContext


@dataclass(frozen=True, kw_only=True)
class GrainFactTable(TablePlan):
    key: str
    entity_column: str
    date_column: str
    driver: int | None = None  # variable grain: the driver metric's index in the cell array
    scale: float = 1.0  # rows = round(driver value x scale) per entity and period
    parent: str | None = None  # child grain: the parent fact, its rows' key in parent_column
    parent_column: str | None = None
    low: int = 1  # children per parent row, uniform in [low, high]
    high: int = 1
    parent_keys: tuple[tuple[str, str], ...] = ()  # (column here, column of the parent) pairs that find a row's parent row

    @property
    def shares(self) -> list[SharePlan]:
        """The share columns of a child fact."""
        return [c for c in self.columns if isinstance(c, SharePlan)]


def grain_fact(ctx: ResolveContext, fact: Fact, entity: str) -> GrainFactTable:
    own = replace(ctx, table=fact.name)
    columns = tuple(c.resolve(own) for c in fact.columns)
    unit, common = ctx.config.unit, dict(key=key_column(fact), entity_column=ref_column(fact, entity), date_column=ref_column(fact, "dim_date"))
    if fact.proportional is not None:
        rule = fact.proportional
        how = f"round({rule.driver} x {rule.scale:g}) rows per {unit} and period"
        grain = dict(driver=ctx.metric(rule.driver).index, scale=rule.scale)
    else:
        low, high = fact.children_per_row
        how = f"{low}-{high} rows under each row of {fact.parent}, with its {unit} and period"
        parent = ctx.facts[fact.parent]
        keyed = parent.grain != "entity_period"  # else the parent row is the one of the child's own date and entity
        keys = (
            ((ref_column(fact, parent.name), key_column(parent)),)
            if keyed
            else tuple((ref_column(fact, target), ref_column(parent, target)) for target in ("dim_date", entity))
        )
        grain = dict(parent=fact.parent, parent_column=keys[0][0] if keyed else None, low=low, high=high, parent_keys=keys)
    return GrainFactTable(
        name=fact.name,
        role="fact",
        description=fact.description or f"{how.capitalize()}.",
        columns=columns,
        primary_key=(common["key"],),
        **common,
        **grain,
    )


def fact_reference(ctx: ResolveContext, column: RefColumn) -> ColumnPlan:
    """A child's parent key (made by the table's builder), or a sibling's pick of a row of the fact."""
    target = ctx.facts[column.target]
    fk = (target.name, key_column(target))
    if ctx.facts[ctx.table].parent == target.name:
        text = column.description or f"Foreign key to {target.name}: the parent row this row details."
        return ColumnPlan(column.name, pa.int64(), text, fk, not_null=True)
    text = column.description or (
        f"Foreign key to {target.name}: a row of the same {ctx.config.unit} at or before this row's period (NULL when there is none)."
    )
    return FactRefPlan(column.name, pa.int64(), text, fk, table=target.name)


def share_source(ctx: ResolveContext, table: str, column: str) -> tuple[str, pa.DataType, int]:
    """(parent fact, Arrow type, decimal places) of a share of ``column`` in ``table``'s parent."""
    metric = ctx.metric(share_metric(ctx.facts, ctx.facts[table], column))
    return ctx.facts[table].parent, metric_type(metric), metric.decimals  # decimals set: config/grains.py checks it
