"""Column values for one table's rows within a batch of entities.

Rows are described by ``Rows``: the entity (global index) and period of each row, grouped by
entity in order. Random columns draw from a stream keyed by (table, column) and by the entity's
key block, so a value never depends on batch size or on the other tables. Entity attributes
(``pool.*``) are keyed by the attribute alone: the same entity shows the same value everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..config.schema import FAKE_WORDS, Column, Dimension, reference_rows
from ..plan.resolve import Plan
from .fake import fake_column, uniforms_needed
from .streams import Purpose, draw_rows, name_key

SECONDS_PER_DAY = 86_400
# Person columns of one row share their uniforms (first name, last name, then email extras), so a
# row's name and email describe the same person.
PERSON_KINDS = ("name", "first_name", "last_name", "email")
PERSON_WIDTH = 4


@dataclass(frozen=True)
class Rows:
    """The rows of one table for entities [start, stop)."""

    table: str
    start: int
    entity: np.ndarray  # global entity index of each row, ascending
    period: np.ndarray | None  # period index of each row (facts and events)
    per_entity: np.ndarray  # number of rows of each entity in [start, stop)

    def __len__(self) -> int:
        return len(self.entity)

    @classmethod
    def of(cls, table: str, start: int, per_entity: np.ndarray, period: np.ndarray | None = None) -> Rows:
        entity = np.repeat(np.arange(start, start + len(per_entity), dtype=np.int64), per_entity)
        return cls(table, start, entity, period, per_entity)

    @property
    def local(self) -> np.ndarray:
        return self.entity - self.start

    def one_per_entity(self) -> Rows:
        return Rows.of(self.table, self.start, np.ones(len(self.per_entity), dtype=np.int64))


@dataclass(frozen=True)
class Context:
    """What column values are computed from: the plan and the batch's metric cells."""

    plan: Plan
    start: int
    values: np.ndarray  # [entities in batch, periods, metrics]

    def uniforms(self, rows: Rows, sub_key: tuple[str, ...], width: int = 1) -> np.ndarray:
        return draw_rows(self.plan.seed, Purpose.COLUMNS, rows.start, rows.per_entity, width, name_key(*sub_key))

    def position(self, rows: Rows) -> np.ndarray:
        """Trajectory position of each row: at its period, or the entity's window mean."""
        segment = self.plan.entity_segment[rows.entity]
        if rows.period is None:
            return self.plan.positions.mean(axis=1)[segment]
        return self.plan.positions[segment, rows.period]


def typed(values: list | np.ndarray) -> pa.Array:
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


def static_values(column: Column) -> pa.Array:
    return typed(column.argument.split(","))


def pick(options: pa.Array, u: np.ndarray) -> pa.Array:
    index = np.minimum((u * len(options)).astype(np.int64), len(options) - 1)
    return options.take(pa.array(index))


def pool_column(ctx: Context, attribute: str, rows: Rows) -> pa.Array:
    """The entity's segment attribute: the scalar, or a pick from its list (NULL where a segment lacks it)."""
    per_entity = rows.one_per_entity()
    u = ctx.uniforms(per_entity, ("pool", attribute))[:, 0]
    segments = ctx.plan.entity_segment[per_entity.entity]
    values = np.full(len(segments), None, dtype=object)
    kinds: set[type] = set()
    for s, segment in enumerate(ctx.plan.config.segments):
        if attribute not in segment.attributes:
            continue
        choices = segment.attributes[attribute]
        choices = choices if isinstance(choices, list) else [choices]
        kinds |= {type(c) for c in choices}
        hit = np.flatnonzero(segments == s)
        options = np.empty(len(choices), dtype=object)
        options[:] = choices
        values[hit] = options[np.minimum((u[hit] * len(choices)).astype(np.int64), len(choices) - 1)]
    listed = values.tolist()
    if kinds <= {int} or kinds <= {bool}:
        array = pa.array(listed)
    elif kinds <= {int, float}:
        array = pa.array(listed, pa.float64())
    else:
        array = pa.array([None if v is None else str(v) for v in listed], pa.string())
    return array.take(pa.array(rows.local))


def range_values(column: Column, u: np.ndarray) -> pa.Array:
    if column.integer_range:
        low, high = int(column.min), int(column.max)
        return pa.array(low + np.minimum((u * (high - low + 1)).astype(np.int64), high - low), pa.int64())
    return pa.array(column.min + u * (column.max - column.min), pa.float64())


def timestamp_column(ctx: Context, column: Column, rows: Rows, table: str, within_period: bool) -> pa.Array:
    """Facts carry their period's start; events and dimensions a uniform time inside the period
    (dimensions: inside the first period, read as when the row came into being)."""
    axis = ctx.plan.axis
    period = rows.period if rows.period is not None else np.zeros(len(rows), dtype=np.int64)
    start = axis.dates.astype("datetime64[s]").astype(np.int64)[period]
    if within_period:
        u = ctx.uniforms(rows, (table, column.name))[:, 0]
        start = start + (u * axis.period_days[period] * SECONDS_PER_DAY).astype(np.int64)
    return pa.array(start * 1_000_000, pa.timestamp("us"))


def reference_key(ctx: Context, target: Dimension, rows: Rows, table: str, column: Column) -> pa.Array:
    u = ctx.uniforms(rows, (table, column.name))[:, 0]
    count = reference_rows(target)
    return pa.array(1 + np.minimum((u * count).astype(np.int64), count - 1), pa.int64())


def sub_entity_key(ctx: Context, target: Dimension, rows: Rows, table: str, column: Column) -> pa.Array:
    """A random row of the entity's own sub-entities (sub-entity ids are entity * count + j + 1)."""
    u = ctx.uniforms(rows, (table, column.name))[:, 0]
    count = target.count
    return pa.array(rows.entity * count + 1 + np.minimum((u * count).astype(np.int64), count - 1), pa.int64())


def fake_uniforms(kind: str, draw, column: str) -> np.ndarray:
    """Uniforms for a realistic column; ``draw(key, width)`` makes them."""
    if kind in PERSON_KINDS:
        return draw("person", PERSON_WIDTH)[:, : uniforms_needed(kind)]
    return draw(column, uniforms_needed(kind))


def metric_column(ctx: Context, name: str, rows: Rows, lag: int = 0) -> pa.Array:
    plan_metric = ctx.plan.metric(name)
    m = plan_metric.index
    period = rows.period - lag
    valid = period >= 0
    values = ctx.values[rows.local, np.maximum(period, 0), m]
    missing = np.isnan(values) | ~valid
    mask = missing if missing.any() else None
    if plan_metric.integer:
        return pa.array(np.where(missing, 0, values).astype(np.int64), pa.int64(), mask=mask)
    return pa.array(np.where(missing, 0.0, values), pa.float64(), mask=mask)


def bucket_column(ctx: Context, column: Column, rows: Rows) -> pa.Array:
    labels = pa.array(column.labels, pa.string())
    return pick(labels, np.clip(ctx.position(rows), 0.0, 1.0))


def column_array(ctx: Context, table: str, role: str, column: Column, rows: Rows) -> pa.Array:
    """Values of one declared column (not id, scd or dimension keys, which the table builders own)."""
    plan, kind = ctx.plan, column.kind
    cfg = plan.config
    if kind == "entity_name":
        return plan.entity_names(rows.start, rows.start + len(rows.per_entity)).take(pa.array(rows.local))
    if kind == "segment":
        return pa.array([s.name for s in cfg.segments]).take(pa.array(plan.entity_segment[rows.entity]))
    if kind == "segment.count":
        return pa.array(plan.segment_counts[plan.entity_segment[rows.entity]], pa.int64())
    if kind == "pool":
        return pool_column(ctx, column.argument, rows)
    if kind == "static":
        options = static_values(column)
        if len(options) == 1:
            return pa.repeat(options[0], len(rows)) if len(rows) else pa.array([], options.type)
        return pick(options, ctx.uniforms(rows, (table, column.name))[:, 0])
    if kind == "range":
        return range_values(column, ctx.uniforms(rows, (table, column.name))[:, 0])
    if kind == "bucket":
        return bucket_column(ctx, column, rows)
    if kind == "timestamp":
        return timestamp_column(ctx, column, rows, table, within_period=role != "fact")
    if kind in FAKE_WORDS:
        return fake_column(kind, cfg.locale, fake_uniforms(kind, lambda key, width: ctx.uniforms(rows, (table, key), width), column.name))
    if kind == "metric":
        return metric_column(ctx, column.argument, rows)
    if kind == "lag":
        return metric_column(ctx, column.argument, rows, column.lag_periods)
    if kind == "ref":
        return ref_column(ctx, table, column, rows)
    raise AssertionError(f"column kind {kind!r} is built by its table")


def ref_column(ctx: Context, table: str, column: Column, rows: Rows) -> pa.Array:
    schema = ctx.plan.config.schema
    target = column.argument
    if target == "dim_date":
        return pa.array(ctx.plan.axis.date_keys[rows.period], pa.int32())
    dim = schema.dimension(target)
    if dim.grain == "entity":
        return pa.array(rows.entity + 1, pa.int64())
    if dim.grain == "sub_entity":
        return sub_entity_key(ctx, dim, rows, table, column)
    return reference_key(ctx, dim, rows, table, column)
