"""``code``: a display code per entity, ``<PREFIX>-<NNNNN>`` (``COM-04817``). The number is a keyed
affine permutation of the entity index over every ``width``-digit number, so codes are unique,
carry no segment name and do not follow segment order, yet any block computes its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from ..engine.streams import Purpose, name_key, stream
from ..plan.permutation import AffinePermutation
from .base import CheckContext, ColumnPlan, ColumnSpec, register

MIN_WIDTH, MAX_WIDTH = 5, 9  # 9 digits keep stride x index inside int64


def default_width(entities: int) -> int:
    return max(MIN_WIDTH, len(str(entities)))


@dataclass(frozen=True)
class CodePlan(ColumnPlan):
    prefix: str = ""
    width: int = MIN_WIDTH

    def values(self, block, rows) -> pa.Array:
        # Keyed by the run seed and the column name: the same entity has the same code in every
        # table and every block, and a new seed reshuffles the codes.
        order = AffinePermutation.keyed(10**self.width, stream(block.plan.seed, Purpose.CODES, 0, name_key(self.name)))
        digits = pc.utf8_lpad(pc.cast(pa.array(order(rows.entity)), pa.string()), self.width, "0")
        return pc.binary_join_element_wise(pa.scalar(self.prefix), digits, "-")


@register
class CodeColumn(ColumnSpec):
    prefix: str | None = Field(
        None, pattern=r"^[A-Za-z0-9]{1,12}$", description="code: letters before the dash; default the unit's first three, upper-cased."
    )
    width: int | None = Field(
        None, ge=MIN_WIDTH, le=MAX_WIDTH, description=f"code: digits after the dash ({MIN_WIDTH}-{MAX_WIDTH}); default enough for the entities."
    )
    words = ("code",)
    roles = frozenset({"entity", "sub_entity", "fact", "event"})

    def check(self, ctx: CheckContext) -> None:
        if self.width is not None and 10**self.width < ctx.entities:
            raise ValueError(f"{ctx.path}.width: {self.width} digits number fewer codes than the {ctx.entities} entities")

    def resolve(self, ctx: Any) -> CodePlan:
        prefix = self.prefix or ctx.config.unit[:3].upper()
        width = self.width or default_width(ctx.config.entity_count)
        text = self.description or (
            f"Display code of the {ctx.config.unit} ({prefix}-{'N' * width}): unique per {ctx.config.unit}, "
            "shuffled so it reveals neither segment nor order."
        )
        return CodePlan(self.name, pa.string(), text, not_null=True, prefix=prefix, width=width)
