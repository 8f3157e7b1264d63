"""Columns read off the entity's segment: ``segment``, ``segment.count``, ``entity_name`` and
``pool.<attribute>`` (the segment attribute, or a pick from its list: by default one that stays the
same for an entity in every table; with ``pick: trajectory`` the choice at the row's trajectory
position, the list read from low to high)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from .base import ArgumentColumn, CheckContext, ColumnPlan, ColumnSpec, register


@dataclass(frozen=True)
class SegmentPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return block.plan.segment_names.take(pa.array(block.plan.entity_segment[rows.entity]))


@register
class SegmentColumn(ColumnSpec):
    words = ("segment",)
    roles = frozenset({"entity", "sub_entity", "fact", "event"})
    plan_class, arrow_type, default_description = SegmentPlan, pa.string(), "Segment the entity belongs to."


@dataclass(frozen=True)
class SegmentCountPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        plan = block.plan
        return pa.array(plan.segment_counts[plan.entity_segment[rows.entity]], pa.int64())


@register
class SegmentCountColumn(ColumnSpec):
    words = ("segment.count",)
    roles = frozenset({"entity"})
    plan_class, arrow_type, default_description = SegmentCountPlan, pa.int64(), "Number of entities in the entity's segment."


@dataclass(frozen=True)
class EntityNamePlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return block.plan.entity_names(rows.start, rows.start + len(rows.per_entity)).take(pa.array(rows.local))


@register
class EntityNameColumn(ColumnSpec):
    words = ("entity_name",)
    roles = frozenset({"entity"})
    plan_class, arrow_type = EntityNamePlan, pa.string()
    default_description = "Name of the entity (<segment>_<NNNN>, numbered from 0000 within its segment), as in the manifest."


@dataclass(frozen=True)
class PoolPlan(ColumnPlan):
    """Per segment, the attribute's choices (None where the segment lacks it)."""

    attribute: str = ""
    choices: tuple[tuple | None, ...] = ()
    by_trajectory: bool = False

    def values(self, block, rows) -> pa.Array:
        if self.by_trajectory:  # choices[min(floor(p*k), k-1)] at the row's own position: no draw
            return self._choose(block.plan.entity_segment[rows.entity], np.clip(block.position(rows), 0.0, 1.0))
        per_entity = rows.one_per_entity()
        # Keyed by the attribute alone, so an entity shows the same value in every table.
        u = block.uniforms(per_entity, ("pool", self.attribute))[:, 0]
        return self._choose(block.plan.entity_segment[per_entity.entity], u).take(pa.array(rows.local))

    def _choose(self, segments: np.ndarray, u: np.ndarray) -> pa.Array:
        """Each row's choice at ``u`` in [0, 1] along its segment's list (null where the segment lacks one)."""
        values = np.full(len(segments), None, dtype=object)
        for s, choices in enumerate(self.choices):
            if choices is None:
                continue
            hit = np.flatnonzero(segments == s)
            options = np.empty(len(choices), dtype=object)
            options[:] = choices
            values[hit] = options[np.minimum((u[hit] * len(choices)).astype(np.int64), len(choices) - 1)]
        listed = values.tolist()
        if pa.types.is_string(self.type):
            listed = [None if v is None else str(v) for v in listed]
        return pa.array(listed, self.type)


def _pool_type(choices: list[tuple | None]) -> pa.DataType:
    kinds = {type(c) for options in choices if options is not None for c in options}
    if kinds <= {int}:
        return pa.int64()
    if kinds <= {bool}:
        return pa.bool_()
    if kinds <= {int, float}:
        return pa.float64()
    return pa.string()


@register
class PoolColumn(ArgumentColumn):
    attribute: str
    pick: Literal["uniform", "trajectory"] = Field(
        "uniform", description="pool: uniform (one draw per entity, the same in every table) or trajectory (the choice at the row's position)."
    )
    words = ("pool",)
    roles = frozenset({"entity", "sub_entity", "fact", "event"})
    argument_hint = "<attribute>"
    argument_field = "attribute"
    example = "region"

    def check(self, ctx: CheckContext) -> None:
        if self.attribute not in ctx.attributes:
            known = ", ".join(sorted(ctx.attributes)) or "none declared"
            raise ValueError(f"{ctx.path}.type: no segment has the attribute {self.attribute!r} (attributes: {known})")

    def resolve(self, ctx: Any) -> PoolPlan:
        choices = []
        for segment in ctx.segments:
            value = segment.attributes.get(self.attribute)
            choices.append(None if value is None else tuple(value if isinstance(value, list) else [value]))
        how = ", the choice at the row's trajectory position (listed low to high)" if self.pick == "trajectory" else ""
        return PoolPlan(
            self.name,
            _pool_type(choices),
            self.description or f"Segment attribute {self.attribute}{how}.",
            attribute=self.attribute,
            choices=tuple(choices),
            by_trajectory=self.pick == "trajectory",
        )
