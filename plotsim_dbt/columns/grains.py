"""Columns of variable and child facts: ``share.<parent column>`` (a child row's part of its parent
row's amount: the parts of one parent's children add up to it exactly) and the reference to
another fact (``ref.<fact>``): on a child fact its parent's key, elsewhere a sibling's pick of one
of the same entity's rows of that fact, at or before the row's period (NULL when there is none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from .base import ArgumentColumn, CheckContext, ColumnPlan, register
from .metrics import as_floats

MIN_WEIGHT = 0.25  # a share's weight is MIN_WEIGHT + U(0, 1): no child takes (almost) nothing by design


def split_units(units: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Split each group's whole number of units (``units`` repeated on its rows, rows of a group
    consecutive, ``group`` ascending) into parts weighted by ``u``: floors of the weighted parts,
    the last row of each group taking what the floors leave, so every group adds up exactly."""
    if not len(units):
        return units
    starts = np.flatnonzero(np.diff(group, prepend=-1))
    weight = MIN_WEIGHT + u
    total = np.add.reduceat(weight, starts)
    size = np.diff(starts, append=len(group))
    parts = np.floor(units * (weight / np.repeat(total, size))).astype(np.int64)
    last = starts + size - 1
    parts[last] += units[last] - np.add.reduceat(parts, starts)
    return parts


@dataclass(frozen=True)
class SharePlan(ColumnPlan):
    parent: str = ""  # the parent fact
    column: str = ""  # its column split among the children
    places: int = 0  # decimal places of the column (0: whole numbers)

    def values(self, block, rows) -> pa.Array:
        source = block.built(block.plan.tables[self.parent]).column(self.column).take(pa.array(rows.parent_row))
        valid = ~np.asarray(source.is_null())
        amounts = np.nan_to_num(np.asarray(as_floats(source).to_numpy(zero_copy_only=False), dtype=float))
        units = np.rint(amounts * 10**self.places).astype(np.int64)
        parts = split_units(units, rows.parent_row, block.uniforms(rows, (rows.table, self.name))[:, 0])
        mask = None if valid.all() else ~valid
        if pa.types.is_integer(self.type):
            return pa.array(parts, self.type, mask=mask)
        # As for metric columns: the nearest double of a value with `places` decimals casts to it exactly.
        return pa.array(parts / 10**self.places, pa.float64(), mask=mask).cast(self.type)


@register
class ShareColumn(ArgumentColumn):
    column: str
    words = ("share",)
    roles = frozenset({"fact"})
    argument_hint = "<parent column>"
    argument_field = "column"
    example = "amount"

    def check(self, ctx: CheckContext) -> None:
        fact = ctx.facts[ctx.table]
        if fact.parent is None:
            raise ValueError(f"{ctx.path}.type: a share splits the parent row's amount; {ctx.table} is not a child fact (parent)")
        parent = ctx.facts.get(fact.parent)
        if parent is None or parent.name == ctx.table:
            return  # config/grains.py reports the parent
        source = next((c for c in parent.columns if c.name == self.column), None)
        if source is None or source.kind not in ("metric", "share"):
            raise ValueError(f"{ctx.path}.type: {fact.parent} has no metric or share column {self.column!r} to split")

    def resolve(self, ctx: Any) -> SharePlan:
        parent, kind, places = ctx.share_source(ctx.table, self.column)
        text = self.description or (f"This row's part of {parent}.{self.column}: the parts of one {parent} row's children add up to it exactly.")
        return SharePlan(self.name, kind, text, parent=parent, column=self.column, places=places)


@dataclass(frozen=True)
class FactRefPlan(ColumnPlan):
    """A sibling's reference: one of the same entity's rows of the fact, at or before the row's period."""

    table: str = ""

    def values(self, block, rows) -> pa.Array:
        target = block.rows_of(block.plan.tables[self.table])
        counts = np.zeros((len(block), block.plan.periods), dtype=np.int64)
        np.add.at(counts, (target.local, target.period), 1)
        seen = np.cumsum(counts, axis=1)[rows.local, rows.period]  # the entity's rows of the fact up to this period
        first = np.concatenate([[0], np.cumsum(target.per_entity)])[rows.local]
        u = block.uniforms(rows, (rows.table, self.name))[:, 0]
        pick = first + np.minimum((u * seen).astype(np.int64), np.maximum(seen - 1, 0))
        ids = target.ids[pick] if len(target) else np.zeros(len(rows), dtype=np.int64)
        return pa.array(ids, pa.int64(), mask=seen == 0)
