"""Arrow record batches of every declared table: dim_date and reference dimensions once per run;
entity and sub-entity dimensions (with SCD2 versions), facts, events and bridges per batch of
entities, together with the truth records the batch decided (SCD versions and changes, links)."""

from __future__ import annotations

import calendar

import numpy as np
import pyarrow as pa

from ..config.schema import OPEN_END_DATE, Bridge, Dimension, Event, Fact, key_column, reference_rows
from ..plan.resolve import Plan
from .bridges import links
from .calendar import Placement, mixtures
from .cells import metric_cells
from .columns import Context, Rows, column_array, fake_uniforms, range_values, static_values
from .events import event_cells
from .fake import fake_column
from .scd import Versions, versions
from .streams import Purpose, name_key, stream

VERSION_KEY = "dim_row_id"


def dim_date(plan: Plan) -> pa.Table:
    axis = plan.axis
    years, months, _ = axis.ymd
    return pa.table(
        {
            "date_key": pa.array(axis.date_keys, pa.int32()),
            "date": pa.array(axis.dates, pa.date32()),
            "year": pa.array(years, pa.int16()),
            "quarter": pa.array((months - 1) // 3 + 1, pa.int8()),
            "month": pa.array(months, pa.int8()),
            "month_name": pa.array([calendar.month_name[m] for m in months], pa.string()),
            "week": pa.array(axis.iso_weeks, pa.int8()),
            "period_label": pa.array(axis.labels, pa.string()),
            "period_index": pa.array(np.arange(axis.count), pa.int32()),
        }
    )


def reference_dimension(plan: Plan, dim: Dimension) -> pa.Table:
    """A lookup table: static lists cycle over the rows; other columns draw once per run."""
    rows = reference_rows(dim)

    def draw(key: str, width: int) -> np.ndarray:
        return stream(plan.seed, Purpose.REFERENCE, 0, name_key(dim.name, key)).random((rows, width))

    columns = {}
    for column in dim.columns:
        kind = column.kind
        if kind == "id":
            columns[column.name] = pa.array(np.arange(1, rows + 1), pa.int64())
        elif kind == "static":
            options = static_values(column)
            columns[column.name] = options.take(pa.array(np.arange(rows) % len(options)))
        elif kind == "range":
            columns[column.name] = range_values(column, draw(column.name, 1)[:, 0])
        else:
            columns[column.name] = fake_column(kind, plan.config.locale, fake_uniforms(kind, draw, column.name))
    return pa.table(columns)


def global_tables(plan: Plan) -> dict[str, pa.Table]:
    """Tables that do not grow with the entities: dim_date and the reference dimensions."""
    tables = {"dim_date": dim_date(plan)}
    for dim in plan.config.schema.dimensions:
        if dim.grain == "reference":
            tables[dim.name] = reference_dimension(plan, dim)
    return tables


def _declared(ctx: Context, table: str, role: str, columns, rows: Rows, skip: tuple[str, ...] = ()) -> dict[str, pa.Array]:
    return {c.name: column_array(ctx, table, role, c, rows) for c in columns if c.kind not in skip}


def entity_dimension(ctx: Context, dim: Dimension) -> tuple[dict[str, pa.RecordBatch], Versions | None]:
    n = len(ctx.values)
    rows = Rows.of(dim.name, ctx.start, np.ones(n, dtype=np.int64))
    values = {}
    for column in dim.columns:
        if column.kind == "id":
            values[column.name] = pa.array(rows.entity + 1, pa.int64())
        elif column.kind != "scd":
            values[column.name] = column_array(ctx, dim.name, "entity", column, rows)
    scd = dim.scd_column
    if scd is None:
        return {dim.name: pa.RecordBatch.from_pydict(values)}, None
    found = versions(ctx.plan, scd, ctx.values)
    take = pa.array(found.entity)
    labels = pa.array(scd.tiers, pa.string())
    tier = found.tier[found.entity, found.start]
    dates = pa.array(ctx.plan.axis.dates, pa.date32())
    current = found.end < 0
    valid_to = dates.take(pa.array(np.where(current, 0, found.end), mask=current))
    row_id = pa.array(np.arange(1, len(found.start) + 1), pa.int64())
    columns = {}
    for column in dim.columns:
        columns[column.name] = labels.take(pa.array(tier)) if column.kind == "scd" else values[column.name].take(take)
    open_end = valid_to if dim.open_end == "null" else valid_to.fill_null(pa.scalar(OPEN_END_DATE, pa.date32()))
    columns |= {
        VERSION_KEY: row_id,
        "valid_from": dates.take(pa.array(found.start)),
        "valid_to": open_end,
        "is_current": pa.array(current),
    }
    entity_id = pa.array(found.entity + ctx.start + 1, pa.int64())
    truth_versions = {
        "dim_table": pa.array([dim.name] * len(row_id), pa.string()),
        "entity_id": entity_id,
        VERSION_KEY: row_id,
        "label": columns[scd.name],
        "valid_from": columns["valid_from"],
        "valid_to": valid_to,
        "is_current": columns["is_current"],
        "from_period_index": pa.array(found.start, pa.int32()),
        "to_period_index": pa.array(np.where(current, 0, found.end), pa.int32(), mask=current),
    }
    change = np.flatnonzero(found.start > 0)
    e, t = found.entity[change], found.start[change]
    truth_events = {
        "dim_table": pa.array([dim.name] * len(change), pa.string()),
        "entity_id": pa.array(e + ctx.start + 1, pa.int64()),
        "period_index": pa.array(t, pa.int32()),
        "date_key": pa.array(ctx.plan.axis.date_keys[t], pa.int32()),
        "old_label": labels.take(pa.array(found.tier[e, t - 1])),
        "new_label": labels.take(pa.array(found.tier[e, t])),
        "old_dim_row_id": pa.array(change, pa.int64()),
        "new_dim_row_id": pa.array(change + 1, pa.int64()),
        "trigger_position": pa.array(found.trigger[e, t], pa.float64()),
    }
    return {
        dim.name: pa.RecordBatch.from_pydict(columns),
        "truth_scd_versions": pa.RecordBatch.from_pydict(truth_versions),
        "truth_scd_events": pa.RecordBatch.from_pydict(truth_events),
    }, found


def sub_entity_dimension(ctx: Context, dim: Dimension) -> pa.RecordBatch:
    rows = Rows.of(dim.name, ctx.start, np.full(len(ctx.values), dim.count, dtype=np.int64))
    within = np.arange(len(rows)) - np.repeat(np.cumsum(rows.per_entity) - rows.per_entity, rows.per_entity)
    columns = {}
    for column in dim.columns:
        if column.kind == "id":
            columns[column.name] = pa.array(rows.entity * dim.count + within + 1, pa.int64())
        else:
            columns[column.name] = column_array(ctx, dim.name, "sub_entity", column, rows)
    return pa.RecordBatch.from_pydict(columns)


def _with_version(ctx: Context, table, columns: dict, rows: Rows, found: Versions | None) -> dict:
    """Facts and events that reference the SCD2 dimension carry the version in force at their period."""
    if found is not None and table in ctx.plan.config.schema.versioned_tables:
        columns[VERSION_KEY] = pa.array(found.version_of[rows.local, rows.period] + 1, pa.int64())
    return columns


def fact_table(ctx: Context, fact: Fact, found: Versions | None) -> pa.RecordBatch:
    n, periods = len(ctx.values), ctx.plan.periods
    rows = Rows.of(fact.name, ctx.start, np.full(n, periods, dtype=np.int64), np.tile(np.arange(periods), n))
    return pa.RecordBatch.from_pydict(_with_version(ctx, fact, _declared(ctx, fact.name, "fact", fact.columns, rows), rows, found))


def event_table(ctx: Context, event: Event, found: Versions | None, placement: Placement | None) -> pa.RecordBatch:
    cells = event_cells(ctx.plan, event, ctx.values)
    periods = ctx.plan.periods
    period = np.repeat(np.tile(np.arange(periods), len(cells)), cells.reshape(-1))
    rows = Rows.of(event.name, ctx.start, cells.sum(axis=1), period)
    placed = placement is not None and ctx.plan.config.calendar.places(event.name)
    columns = {}
    for column in event.columns:
        if column.kind == "id":
            columns[column.name] = pa.array(np.arange(1, len(rows) + 1), pa.int64())
        elif column.kind == "timestamp" and placed:
            u = ctx.uniforms(rows, (event.name, column.name), 4)
            seconds = placement.timestamps(rows.local, rows.period, u)
            columns[column.name] = pa.array(seconds * 1_000_000, pa.timestamp("us"))
        else:
            columns[column.name] = column_array(ctx, event.name, "event", column, rows)
    return pa.RecordBatch.from_pydict(_with_version(ctx, event, columns, rows, found))


def bridge_table(ctx: Context, bridge: Bridge) -> dict[str, pa.RecordBatch]:
    schema = ctx.plan.config.schema
    entity, target = links(ctx.plan, bridge, ctx.start, ctx.values)
    right_key = key_column(schema.dimension(bridge.right))
    left = pa.array(entity + ctx.start + 1, pa.int64())
    right = pa.array(target, pa.int64())
    truth = {"bridge": pa.array([bridge.name] * len(left), pa.string()), "left_id": left, "right_id": right}
    return {bridge.name: pa.RecordBatch.from_pydict({schema.entity_key: left, right_key: right}),
            f"truth_bridge_links__{bridge.name}": pa.RecordBatch.from_pydict(truth)}


def entity_batches(plan: Plan, start: int, stop: int) -> dict[str, pa.RecordBatch]:
    """Every per-entity table's rows for entities [start, stop), plus the batch's truth records.
    Row numbers (dim_row_id, event ids) are local to the batch: blocks.renumber makes them global."""
    ctx = Context(plan, start, metric_cells(plan, start, stop))
    schema = plan.config.schema
    out: dict[str, pa.RecordBatch] = {}
    found = None
    for dim in schema.dimensions:
        if dim.grain == "entity":
            tables, found = entity_dimension(ctx, dim)
            out |= tables
        elif dim.grain == "sub_entity":
            out[dim.name] = sub_entity_dimension(ctx, dim)
    for fact in schema.facts:
        out[fact.name] = fact_table(ctx, fact, found)
    placement = None
    if plan.config.calendar is not None:
        theta = mixtures(plan, start, stop)
        placement = Placement(plan, theta)
        out["truth_calendar_mixtures"] = pa.RecordBatch.from_pydict({
            "entity_id": pa.array(np.repeat(np.arange(start + 1, stop + 1), theta.shape[1]), pa.int64()),
            "component": pa.array([c.name for c in plan.config.calendar.components] * (stop - start), pa.string()),
            "weight": pa.array(theta.reshape(-1), pa.float64()),
        })
    for event in schema.events:
        out[event.name] = event_table(ctx, event, found, placement)
    for bridge in schema.bridges:
        out |= bridge_table(ctx, bridge)
    return out
