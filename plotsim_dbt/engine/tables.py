"""Arrow record batches for the automatic schema: dim_date, dim_<unit>, fct_<unit>."""

from __future__ import annotations

import calendar

import numpy as np
import pyarrow as pa

from ..plan.resolve import Plan
from .cells import metric_cells
from .streams import Purpose, draw


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


def _attribute_names(plan: Plan) -> list[str]:
    names: list[str] = []
    for segment in plan.config.segments:
        names += [k for k in segment.attributes if k not in names]
    return names


def _attribute_column(plan: Plan, name: str, u: np.ndarray, start: int, stop: int) -> pa.Array:
    """One value per entity: the segment's scalar, or a pick from its list by the uniforms ``u``."""
    segments = plan.entity_segment[start:stop]
    values = np.full(stop - start, None, dtype=object)
    kinds: set[type] = set()
    for s, segment in enumerate(plan.config.segments):
        if name not in segment.attributes:
            continue
        choices = segment.attributes[name]
        choices = choices if isinstance(choices, list) else [choices]
        kinds |= {type(c) for c in choices}
        rows = np.flatnonzero(segments == s)
        picks = np.minimum((u[rows] * len(choices)).astype(np.int64), len(choices) - 1)
        options = np.empty(len(choices), dtype=object)
        options[:] = choices
        values[rows] = options[picks]
    values = values.tolist()
    if kinds <= {int} or kinds <= {bool}:
        return pa.array(values)
    if kinds <= {int, float}:
        return pa.array(values, pa.float64())
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def entity_batch(plan: Plan, start: int, stop: int) -> pa.RecordBatch:
    cfg = plan.config
    columns = {
        cfg.entity_key: pa.array(np.arange(start + 1, stop + 1), pa.int64()),
        f"{cfg.unit}_name": plan.entity_names(start, stop),
    }
    names = _attribute_names(plan)
    if names:
        u = draw(plan.seed, Purpose.ATTRIBUTES, start, stop, (len(names),), kind="uniform")
        for i, name in enumerate(names):
            columns[name] = _attribute_column(plan, name, u[:, i], start, stop)
    return pa.RecordBatch.from_pydict(columns)


def fact_batch(plan: Plan, values: np.ndarray, start: int, stop: int) -> pa.RecordBatch:
    cfg = plan.config
    periods = plan.periods
    columns = {
        "date_key": pa.array(np.tile(plan.axis.date_keys, stop - start), pa.int32()),
        cfg.entity_key: pa.array(np.repeat(np.arange(start + 1, stop + 1, dtype=np.int64), periods), pa.int64()),
    }
    for metric in plan.metrics:
        column = values[:, :, metric.index].reshape(-1)
        missing = np.isnan(column)
        if metric.integer:
            filled = np.where(missing, 0, column).astype(np.int64)
            columns[metric.name] = pa.array(filled, pa.int64(), mask=missing if missing.any() else None)
        else:
            columns[metric.name] = pa.array(column, pa.float64(), mask=missing if missing.any() else None)
    return pa.RecordBatch.from_pydict(columns)


def entity_batches(plan: Plan, start: int, stop: int) -> dict[str, pa.RecordBatch]:
    """Every per-entity table's rows for entities [start, stop)."""
    values = metric_cells(plan, start, stop)
    return {
        plan.config.entity_table: entity_batch(plan, start, stop),
        plan.config.fact_table: fact_batch(plan, values, start, stop),
    }
