"""Key columns: ``id`` (the table's row key, numbered by its table) and ``ref.<table>`` (a
reference dimension's row picked uniformly, or by ``weights`` keyed by its key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import Field

from .base import ArgumentColumn, CheckContext, ColumnPlan, ColumnSpec, register


@dataclass(frozen=True)
class IdPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pa.array(rows.ids, pa.int64())


@register
class IdColumn(ColumnSpec):
    words = ("id",)
    # On a per-entity-per-period fact (keyed by date and entity) it is a surrogate key beside that key.
    roles = frozenset({"entity", "reference", "sub_entity", "period", "fact", "event"})

    def resolve(self, ctx: Any) -> IdPlan:
        return IdPlan(self.name, pa.int64(), self.description or "Primary key.", not_null=True)  # numbered by its table


@dataclass(frozen=True)
class DateRefPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pa.array(block.plan.axis.date_keys[rows.period], pa.int32())


@dataclass(frozen=True)
class EntityRefPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pa.array(rows.entity + 1, pa.int64())


@dataclass(frozen=True)
class SubEntityRefPlan(ColumnPlan):
    """A random one of the entity's sub-entities that exist at the row's period (their ids are
    entity * count + j + 1, and the ones that exist form a prefix of j)."""

    table: str = ""
    count: int = 1

    def values(self, block, rows) -> pa.Array:
        u = block.uniforms(rows, (rows.table, self.name))[:, 0]
        starts = block.sub_starts(block.plan.tables[self.table])[rows.local]
        existing = (starts <= rows.period[:, None]).sum(axis=1) if rows.period is not None else self.count
        pick = np.minimum((u * existing).astype(np.int64), existing - 1)
        return pa.array(rows.entity * self.count + 1 + pick, pa.int64())


@dataclass(frozen=True)
class PeriodRefPlan(ColumnPlan):
    """The period dimension's row of the row's own period (its ids are 1..periods)."""

    def values(self, block, rows) -> pa.Array:
        return pa.array(rows.period + 1, pa.int64())


@dataclass(frozen=True)
class ReferenceRefPlan(ColumnPlan):
    """A row of a reference dimension: uniform, or by inverse CDF over its keys' weights."""

    count: int = 1
    cdf: tuple[float, ...] | None = None  # cumulative weight share of keys 1..count, the last exactly 1

    def values(self, block, rows) -> pa.Array:
        u = block.uniforms(rows, (rows.table, self.name))[:, 0]
        if self.cdf is None:
            pick = (u * self.count).astype(np.int64)
        else:  # side="right" skips keys of weight 0 (a flat step of the CDF)
            pick = np.searchsorted(np.asarray(self.cdf), u, side="right")
        return pa.array(1 + np.minimum(pick, self.count - 1), pa.int64())


@register
class RefColumn(ArgumentColumn):
    target: str
    weights: dict[int, float] | None = Field(
        None, description="ref to a reference dimension: {key: weight}, the share of rows pointing at each key (unlisted keys: 0)."
    )
    words = ("ref",)
    roles = frozenset({"entity", "sub_entity", "period", "fact", "event"})
    argument_hint = "<table>"
    argument_field = "target"
    example = "dim_plan"

    def check(self, ctx: CheckContext) -> None:
        target, dims = self.target, ctx.dimensions
        if self.weights is not None and target in ctx.facts:
            self._check_weights(ctx)  # refused: weights pick reference rows
        if target in ctx.facts and ctx.role == "fact" and target != ctx.table:
            return  # a parent or sibling fact: config/grains.py checks it has row keys
        if target != "dim_date" and target not in dims:
            where = "dimension (or dim_date)" if ctx.role != "fact" else "dimension, dim_date or fact with row keys"
            raise ValueError(f"{ctx.path}.type: {target!r} is not a declared {where}")
        if target == ctx.table:
            raise ValueError(f"{ctx.path}.type: {ctx.table} cannot reference itself")
        dimension_role = ctx.role in ("entity", "sub_entity")
        if dimension_role and target in dims and dims[target].grain != "reference" and not (ctx.role == "sub_entity" and target == ctx.entity_table):
            raise ValueError(f"{ctx.path}.type: a dimension may reference only reference dimensions (and a sub_entity its entity)")
        if dimension_role and target == "dim_date":
            raise ValueError(f"{ctx.path}.type: dimensions do not reference dim_date; use a timestamp column")
        if ctx.role == "period" and target != "dim_date":
            raise ValueError(f"{ctx.path}.type: a period dimension references only dim_date (its period's date_key), not {target!r}")
        if self.weights is not None:
            self._check_weights(ctx)

    def _check_weights(self, ctx: CheckContext) -> None:
        from ..config.schema import reference_rows  # the schema module imports this one

        where = f"{ctx.path}.weights"
        dim = ctx.dimensions.get(self.target)
        if dim is None or dim.grain != "reference":
            raise ValueError(f"{where}: weights pick rows of a reference dimension; {self.target} is not one (remove weights)")
        rows = reference_rows(dim)
        outside = sorted(k for k in self.weights if not 1 <= k <= rows)
        if outside:
            raise ValueError(f"{where}: key {outside[0]} is not a row of {self.target} (its keys are 1..{rows})")
        if any(not np.isfinite(w) or w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError(f"{where}: weights are finite numbers >= 0, at least one above 0")

    def resolve(self, ctx: Any) -> ColumnPlan:
        if self.target == "dim_date":
            return DateRefPlan(self.name, pa.int32(), self._describe("date_key"), ("dim_date", "date_key"), not_null=True)
        if self.target in ctx.facts:
            return ctx.fact_reference(self)
        parent = ctx.dimension(self.target)
        key = parent.key
        fk = (self.target, key)
        if parent.grain == "entity":
            return EntityRefPlan(self.name, pa.int64(), self._describe(key), fk, not_null=True)
        if parent.grain == "period":
            return PeriodRefPlan(
                self.name, pa.int64(), self.description or f"Foreign key to {self.target}.{key}: the row of the row's own period.", fk, not_null=True
            )
        if parent.grain == "sub_entity":
            return SubEntityRefPlan(self.name, pa.int64(), self._describe(key), fk, not_null=True, table=self.target, count=parent.count)
        return ReferenceRefPlan(self.name, pa.int64(), self._describe(key), fk, not_null=True, count=parent.rows, cdf=self._cdf(parent.rows))

    def _cdf(self, rows: int) -> tuple[float, ...] | None:
        if self.weights is None:
            return None
        cdf = np.cumsum([self.weights.get(k, 0.0) for k in range(1, rows + 1)])
        return tuple((cdf / cdf[-1]).tolist())

    def _describe(self, key: str) -> str:
        return self.description or f"Foreign key to {self.target}.{key}."
