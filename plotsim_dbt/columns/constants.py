"""Columns that do not depend on the trajectory: ``static.<v>`` (a constant, or a comma list that
reference and period rows cycle through and other rows pick from) and ``range`` (uniform in [min, max])."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from .base import ArgumentColumn, ColumnPlan, ColumnSpec, register


def typed(values: list | tuple) -> pa.Array:
    """Static values keep their type: all ints -> int64, all numbers -> float64, else strings."""
    parsed = [_number(v) for v in values]
    if all(isinstance(v, int) for v in parsed):
        return pa.array(parsed, pa.int64())
    if all(isinstance(v, (int, float)) for v in parsed):
        return pa.array([float(v) for v in parsed], pa.float64())
    return pa.array([str(v) for v in values], pa.string())


def _number(text):
    if not isinstance(text, str):
        return text
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def pick(options: pa.Array, u: np.ndarray) -> pa.Array:
    index = np.minimum((u * len(options)).astype(np.int64), len(options) - 1)
    return options.take(pa.array(index))


@dataclass(frozen=True)
class StaticPlan(ColumnPlan):
    options: pa.Array = None

    def values(self, block, rows) -> pa.Array:
        if rows.role in ("reference", "period"):  # a lookup's rows cycle through the list
            return self.options.take(pa.array(np.arange(len(rows)) % len(self.options)))
        if len(self.options) == 1:
            return pa.repeat(self.options[0], len(rows)) if len(rows) else pa.array([], self.type)
        return pick(self.options, block.uniforms(rows, (rows.table, self.name))[:, 0])


@register
class StaticColumn(ArgumentColumn):
    value: str
    words = ("static",)
    roles = frozenset({"entity", "reference", "sub_entity", "period", "fact", "event", "bridge"})
    argument_hint = "<value>"
    argument_field = "value"
    example = "pro (or a list: static.free,pro)"

    @property
    def options(self) -> list[str]:
        return self.value.split(",")

    def resolve(self, ctx: Any) -> StaticPlan:
        options = typed(self.options)
        return StaticPlan(self.name, options.type, self.description or f"Constant value(s): {self.value}.", options=options)


@dataclass(frozen=True)
class RangePlan(ColumnPlan):
    low: float = 0.0
    high: float = 1.0
    integer: bool = False

    def values(self, block, rows) -> pa.Array:
        u = block.uniforms(rows, (rows.table, self.name))[:, 0]
        if self.integer:
            low, high = int(self.low), int(self.high)
            return pa.array(low + np.minimum((u * (high - low + 1)).astype(np.int64), high - low), pa.int64())
        return pa.array(self.low + u * (self.high - self.low), pa.float64())


@register
class RangeColumn(ColumnSpec):
    min: float = Field(description="range: lower bound (integers give an integer column).")
    max: float = Field(description="range: upper bound, inclusive for integers.")
    words = ("range",)
    roles = frozenset({"entity", "reference", "sub_entity", "period", "fact", "event", "bridge"})

    @model_validator(mode="before")
    @classmethod
    def _bounds_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and (data.get("min") is None or data.get("max") is None):
            raise ValueError(f"min: range column {data.get('name')!r} needs min < max, e.g. {{type: range, min: 1, max: 50}}")
        return data

    @model_validator(mode="after")
    def _ordered(self) -> RangeColumn:
        if not self.min < self.max:
            raise ValueError(f"min: range column {self.name!r} needs min < max, e.g. {{type: range, min: 1, max: 50}}")
        return self

    def resolve(self, ctx: Any) -> RangePlan:
        integer = float(self.min).is_integer() and float(self.max).is_integer()
        return RangePlan(
            self.name,
            pa.int64() if integer else pa.float64(),
            self.description or "Uniform value within the configured range.",
            low=self.min,
            high=self.max,
            integer=integer,
        )
