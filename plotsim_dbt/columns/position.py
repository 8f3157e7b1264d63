"""``bucket``: a label chosen by the row's trajectory position (labels run from low to high)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from .base import ColumnPlan, ColumnSpec, register
from .constants import pick


@dataclass(frozen=True)
class BucketPlan(ColumnPlan):
    def values(self, block, rows) -> pa.Array:
        return pick(pa.array(self.accepted_values, pa.string()), np.clip(block.position(rows), 0.0, 1.0))


@register
class BucketColumn(ColumnSpec):
    labels: list[str] | None = Field(None, description="bucket: labels from low to high trajectory position.")
    words = ("bucket",)
    roles = frozenset({"entity", "fact"})

    @model_validator(mode="after")
    def _labels(self) -> BucketColumn:
        if not self.labels or len(self.labels) < 2 or len(set(self.labels)) != len(self.labels):
            raise ValueError(f"labels: bucket column {self.name!r} needs at least two distinct labels")
        return self

    def resolve(self, ctx: Any) -> BucketPlan:
        return BucketPlan(
            self.name, pa.string(), self.description or "Label of the entity's trajectory position.", accepted_values=tuple(self.labels)
        )
