"""The six fault kinds, one function each, registered by name. A fault sees the table's rows (and
their clean values) and one row of uniforms per table row, drawn for it alone; it returns the rows
as changed and a truth record for every row it hit."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .plan import ARRIVAL_COLUMN, DRIFT_SUFFIX, FaultPlan

EXTRA_ROW = "_extra_row"  # truth column of a copied row (duplicate_rows, volume spike): remove one copy
MISSING_ROW = "_missing_row"  # truth column of a removed row (volume drop): the clean value is the row as JSON
LATE_DELAYS = 3  # a late row arrives 1 to 3 periods after its own


@dataclass(frozen=True)
class Rows:
    """A block's rows of one table, as faulted so far, grouped by entity in order."""

    batch: pa.RecordBatch
    clean: pa.RecordBatch  # the clean rows aligned with ``batch`` (cell faults run before any copy)
    entity: np.ndarray  # global entity index of each row
    period: np.ndarray | None  # period index of each row (tables with a date column)
    keys: pa.Array  # each row's primary key as text
    date_column: str | None  # the table's period column (date_key)


@dataclass(frozen=True)
class Hits:
    """Truth records of one fault: rows (indices into the rows the fault saw), column, clean value as text."""

    rows: np.ndarray
    column: str
    clean: pa.Array


Fault = Callable[[Rows, FaultPlan, np.ndarray], tuple[Rows, list[Hits]]]
FAULTS: dict[str, Fault] = {}
WIDTH: dict[str, Callable[[FaultPlan], int]] = {}  # uniforms each row needs


def fault(kind: str, width: Callable[[FaultPlan], int]) -> Callable[[Fault], Fault]:
    def register(function: Fault) -> Fault:
        FAULTS[kind], WIDTH[kind] = function, width
        return function

    return register


def _text(values: pa.Array) -> pa.Array:
    # Arrow writes a float in its shortest round-trip form, so the text casts back to the same value.
    return values if pa.types.is_string(values.type) else pc.cast(values, pa.string())


def _set(batch: pa.RecordBatch, column: str, values: pa.Array) -> pa.RecordBatch:
    i = batch.schema.get_field_index(column)
    return batch.set_column(i, pa.field(column, values.type), values)


def _cell_hits(rows: Rows, hit: np.ndarray, column: str, clean_from: str | None = None) -> Hits:
    """Records of the hit rows: ``column`` with the clean value of ``clean_from`` (default: the column)."""
    where = np.flatnonzero(hit)
    return Hits(where, column, _text(rows.clean.column(clean_from or column)).take(pa.array(where)))


@fault("null_injection", lambda f: len(f.columns))
def null_injection(rows: Rows, plan: FaultPlan, u: np.ndarray) -> tuple[Rows, list[Hits]]:
    batch, hits = rows.batch, []
    for j, column in enumerate(plan.columns):
        hit = u[:, j] < plan.rate
        values = batch.column(column)
        batch = _set(batch, column, pc.if_else(pa.array(hit), pa.nulls(len(values), values.type), values))
        hits.append(_cell_hits(rows, hit, column))
    return replace(rows, batch=batch), hits


def _junk(text: str | None, style: int) -> str | None:
    """A value as a careless export writes it: with thousands separators, or padded with spaces
    (also a value the separators leave as it is: below 1,000, or not a number). Trimming and
    removing commas gives the value back."""
    if text is None:
        return None
    try:
        grouped = f"{Decimal(text):,}" if style else text
    except ArithmeticError:  # a date or another non-number
        grouped = text
    return grouped if grouped != text else f"  {text} "


@fault("type_mismatch", lambda f: 2 * len(f.columns))
def type_mismatch(rows: Rows, plan: FaultPlan, u: np.ndarray) -> tuple[Rows, list[Hits]]:
    batch, hits = rows.batch, []
    for j, column in enumerate(plan.columns):
        hit = u[:, 2 * j] < plan.rate
        text = _text(batch.column(column)).to_pylist()
        styles = (u[:, 2 * j + 1] * 2).astype(np.int64)
        for i in np.flatnonzero(hit):
            text[i] = _junk(text[i], styles[i])
        batch = _set(batch, column, pa.array(text, pa.string()))
        hits.append(_cell_hits(rows, hit, column))
    return replace(rows, batch=batch), hits


@fault("schema_drift", lambda f: len(f.columns))
def schema_drift(rows: Rows, plan: FaultPlan, u: np.ndarray) -> tuple[Rows, list[Hits]]:
    batch, hits = rows.batch, []
    for j, column in enumerate(plan.columns):
        hit = u[:, j] < plan.rate
        values, mask = batch.column(column), pa.array(hit)
        empty = pa.nulls(len(values), values.type)
        batch = _set(batch, column, pc.if_else(mask, empty, values))
        batch = batch.append_column(pa.field(column + DRIFT_SUFFIX, values.type), pc.if_else(mask, values, empty))
        hits.append(_cell_hits(rows, hit, column))
    return replace(rows, batch=batch), hits


@fault("late_arrival", lambda f: 2)
def late_arrival(rows: Rows, plan: FaultPlan, u: np.ndarray) -> tuple[Rows, list[Hits]]:
    hit = u[:, 0] < plan.rate
    arrival = rows.period + 1 + (u[:, 1] * LATE_DELAYS).astype(np.int64)
    batch = rows.batch.append_column(pa.field(ARRIVAL_COLUMN, pa.int32()), pa.array(arrival, pa.int32(), mask=~hit))
    # The clean value of a late row is the date key of the period it belongs to.
    return replace(rows, batch=batch), [_cell_hits(rows, hit, ARRIVAL_COLUMN, clean_from=rows.date_column)]


def _copies(rows: Rows, hit: np.ndarray) -> tuple[Rows, list[Hits]]:
    """Each hit row followed by a copy of itself (rows stay grouped by entity)."""
    take = np.repeat(np.arange(len(hit)), 1 + hit)
    indices = pa.array(take)
    copied = Rows(
        rows.batch.take(indices),
        rows.clean.take(indices),
        rows.entity[take],
        None if rows.period is None else rows.period[take],
        rows.keys.take(indices),
        rows.date_column,
    )
    where = np.flatnonzero(hit)
    return copied, [Hits(where, EXTRA_ROW, pa.nulls(len(where), pa.string()))]


@fault("duplicate_rows", lambda f: 1)
def duplicate_rows(rows: Rows, plan: FaultPlan, u: np.ndarray) -> tuple[Rows, list[Hits]]:
    return _copies(rows, u[:, 0] < plan.rate)


@fault("volume_anomaly", lambda f: 1)
def volume_anomaly(rows: Rows, plan: FaultPlan, u: np.ndarray) -> tuple[Rows, list[Hits]]:
    hit = (u[:, 0] < plan.rate) & np.isin(rows.period, plan.periods)
    if plan.mode == "spike":
        return _copies(rows, hit)
    where = np.flatnonzero(hit)
    removed = rows.clean.take(pa.array(where)).to_pylist()
    record = Hits(where, MISSING_ROW, pa.array([json.dumps(r, default=str) for r in removed], pa.string()))
    keep = np.flatnonzero(~hit)
    kept = pa.array(keep)
    return Rows(rows.batch.take(kept), rows.clean.take(kept), rows.entity[keep], rows.period[keep], rows.keys.take(kept), rows.date_column), [record]
