"""Nested columns, one level deep: ``struct`` (named primitive fields, e.g. an address) and
``array`` (a list of primitives, e.g. tags). They are Arrow struct / list columns, so DuckDB reads
them as STRUCT / LIST and Parquet keeps them natively; CSV writes them as JSON text (sinks/csv_files.py).

Values: ``string`` fields pick from ``options`` (default ``<field>_1`` .. ``<field>_9``), ``int``
fields are in [0, 99], ``float`` fields in [0, 1), ``bool`` fields are true with the row's
trajectory position as probability (the one place the position has an obvious reading; one half
on a reference dimension, whose rows belong to no entity).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from .base import ColumnPlan, ColumnSpec, register

Primitive = Literal["string", "int", "float", "bool"]
ARROW = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
MAX_FIELDS = 20
MAX_LENGTH = 100
INT_VALUES = 100
STRING_VALUES = 9
ROLES = frozenset({"entity", "reference", "sub_entity", "fact", "event"})


def as_json(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Nested values as JSON text (``{"street": "...", "number": 4}``, ``["a", "b"]``), NULL kept."""
    return pa.array([None if v is None else json.dumps(v, separators=(", ", ": ")) for v in values.to_pylist()], pa.string())


def _primitive(kind: str, name: str, options: tuple[str, ...], u: np.ndarray, position: np.ndarray) -> pa.Array:
    """One primitive field from uniforms ``u`` (one per value)."""
    if kind == "int":
        return pa.array(np.minimum((u * INT_VALUES).astype(np.int64), INT_VALUES - 1), pa.int64())
    if kind == "float":
        return pa.array(u, pa.float64())
    if kind == "bool":
        return pa.array(u < position, pa.bool_())
    choices = options or tuple(f"{name}_{k}" for k in range(1, STRING_VALUES + 1))
    return pa.array(choices, pa.string()).take(pa.array(np.minimum((u * len(choices)).astype(np.int64), len(choices) - 1)))


def _position(block, rows) -> np.ndarray:
    return np.nan_to_num(np.clip(block.position(rows), 0.0, 1.0))


@dataclass(frozen=True)
class StructPlan(ColumnPlan):
    fields: tuple[tuple[str, str], ...] = ()  # (name, primitive)
    options: tuple[str, ...] = ()

    def values(self, block, rows) -> pa.Array:
        u = block.uniforms(rows, (rows.table, self.name), len(self.fields))
        position = _position(block, rows)
        children = [_primitive(kind, name, self.options, u[:, f], position) for f, (name, kind) in enumerate(self.fields)]
        return pa.StructArray.from_arrays(children, fields=list(self.type))


@dataclass(frozen=True)
class ArrayPlan(ColumnPlan):
    element: str = "string"
    length: int = 3
    options: tuple[str, ...] = ()

    def values(self, block, rows) -> pa.Array:
        u = block.uniforms(rows, (rows.table, self.name), self.length).ravel()
        position = np.repeat(_position(block, rows), self.length)
        flat = _primitive(self.element, self.name, self.options, u, position)
        return pa.FixedSizeListArray.from_arrays(flat, self.length).cast(self.type)


class _NestedColumn(ColumnSpec):
    options: list[str] | None = Field(None, description="struct / array: the strings string values pick from.")
    roles = ROLES

    @model_validator(mode="after")
    def _options(self) -> _NestedColumn:
        if self.options is not None and (not self.options or len(set(self.options)) != len(self.options)):
            raise ValueError(f"options: nested column {self.name!r} needs distinct strings to pick from")
        return self


@register
class StructColumn(_NestedColumn):
    fields: dict[str, Primitive] = Field(description="struct: {field: string|int|float|bool}, at most 20.")
    words = ("struct",)

    @model_validator(mode="after")
    def _fields(self) -> StructColumn:
        if not 1 <= len(self.fields) <= MAX_FIELDS:
            raise ValueError(f"fields: struct column {self.name!r} needs 1 to {MAX_FIELDS} fields, e.g. {{street: string, number: int}}")
        return self

    def resolve(self, ctx: Any) -> StructPlan:
        kind = pa.struct([(name, ARROW[kind]) for name, kind in self.fields.items()])
        text = self.description or f"Struct of {', '.join(f'{n} ({k})' for n, k in self.fields.items())}."
        return StructPlan(self.name, kind, text, not_null=True, fields=tuple(self.fields.items()), options=tuple(self.options or ()))


@register
class ArrayColumn(_NestedColumn):
    element: Primitive = Field("string", description="array: the element type, string, int, float or bool.")
    length: int = Field(3, ge=1, le=MAX_LENGTH, description="array: elements per row.")
    words = ("array",)

    def resolve(self, ctx: Any) -> ArrayPlan:
        text = self.description or f"List of {self.length} {self.element} values."
        return ArrayPlan(
            self.name, pa.list_(ARROW[self.element]), text, not_null=True, element=self.element, length=self.length, options=tuple(self.options or ())
        )
