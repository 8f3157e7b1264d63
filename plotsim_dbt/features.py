"""ML views of the fact tables: one-row-per-entity features, and the temporal holdout split."""

from __future__ import annotations

import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns.metrics import as_floats
from .engine.trajectories import positions_of
from .plan.resolve import Plan
from .plan.tables import FactTable

FEATURE_SUFFIXES = ("mean", "std", "slope", "first", "last", "peak_period")


def split_holdout(plan: Plan, rows: pa.RecordBatch | pa.Table, fact: str) -> tuple:
    """(train, holdout) rows of a per-entity-per-period fact, split at the cutoff period."""
    cutoff_key = int(plan.axis.date_keys[plan.cutoff_period])
    train = pc.less(rows.column(plan.tables[fact].date_column), cutoff_key)
    return rows.filter(train), rows.filter(pc.invert(train))


def _dense(plan: Plan, fact: FactTable, rows: pa.Table, column: str, entities: np.ndarray, periods: int) -> np.ndarray:
    """[entities, periods] matrix of one metric column; absent or null cells are NaN."""
    ids = rows.column(fact.entity_column).to_numpy()
    period = np.searchsorted(plan.axis.date_keys, rows.column(fact.date_column).to_numpy())
    row = np.searchsorted(entities, ids)
    values = as_floats(rows.column(column)).to_numpy(zero_copy_only=False)
    out = np.full((len(entities), periods), np.nan)
    keep = period < periods
    out[row[keep], period[keep]] = values[keep]
    return out


def _stats(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-row statistics ignoring missing cells; a row with no values gives NaN throughout."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing rows are expected to give NaN
        return _row_stats(x)


def _row_stats(x: np.ndarray) -> dict[str, np.ndarray]:
    valid = ~np.isnan(x)
    count = valid.sum(axis=1)
    t = np.where(valid, np.arange(x.shape[1], dtype=np.float64), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(x, axis=1) if x.size else np.full(len(x), np.nan)
        t_mean = np.nanmean(t, axis=1)
        dt = t - t_mean[:, None]
        slope = np.nansum(dt * (x - mean[:, None]), axis=1) / np.nansum(dt * dt, axis=1)
    slope[count < 2] = np.nan
    rows = np.arange(len(x))
    first_idx = np.argmax(valid, axis=1)
    last_idx = x.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1)
    peak = np.argmax(np.where(valid, x, -np.inf), axis=1).astype(np.float64)
    empty = count == 0
    first, last = x[rows, first_idx], x[rows, last_idx]
    peak[empty] = np.nan
    return {
        "mean": mean,
        "std": np.sqrt(np.nanmean((x - mean[:, None]) ** 2, axis=1)) if x.size else mean,
        "slope": slope,
        "first": np.where(empty, np.nan, first),
        "last": np.where(empty, np.nan, last),
        "peak_period": peak,
    }


def feature_metrics(plan: Plan) -> dict[str, str]:
    """metric -> the first fact table holding it, for the metrics entity features aggregate
    (the holdout target's are left out, so no feature sees the future)."""
    cfg = plan.config
    settings = cfg.entity_features
    wanted = settings.metrics if settings and settings.metrics else [m.name for m in cfg.metrics]
    target = cfg.holdout.target if cfg.holdout is not None else None
    sources: dict[str, str] = {}
    for fact in plan.fact_tables:
        for name in fact.metric_columns:
            sources.setdefault(name, fact.name)
    return {name: sources[name] for name in wanted if name != target and name in sources}


def entity_features(plan: Plan, facts: dict[str, pa.Table | pa.RecordBatch]) -> pa.Table:
    """One row per entity present in the fact tables ``facts`` (name -> rows). Aggregates only the
    training window and leaves out the holdout target's columns."""
    cfg = plan.config
    facts = {n: pa.table(t) if isinstance(t, pa.RecordBatch) else t for n, t in facts.items() if n in plan.tables}
    periods = plan.periods if plan.cutoff_period is None else plan.cutoff_period
    # Entities with a row in the training window (one that arrives later is unknown at training
    # time), and the last period each has one: an entity exists exactly while it has fact rows.
    ids, seen = [], []
    for name, rows in facts.items():
        fact = plan.tables[name]
        period = np.searchsorted(plan.axis.date_keys, rows.column(fact.date_column).to_numpy())
        ids.append(rows.column(fact.entity_column).to_numpy()[period < periods])
        seen.append(period[period < periods])
    ids_all = np.concatenate(ids) if ids else np.array([], dtype=np.int64)
    entities, inverse = np.unique(ids_all, return_inverse=True)
    last_seen = np.full(len(entities), -1)
    np.maximum.at(last_seen, inverse, np.concatenate(seen) if seen else np.array([], dtype=np.int64))
    columns: dict[str, object] = {plan.entity_table.key: pa.array(entities, pa.int64())}
    for name, fact in feature_metrics(plan).items():
        if fact not in facts:
            continue
        for suffix, values in _stats(_dense(plan, plan.tables[fact], facts[fact], name, entities, periods)).items():
            columns[f"{name}_{suffix}"] = pa.array(values, pa.float64(), from_pandas=True)
    settings = cfg.entity_features
    if settings is None or settings.include_labels:
        segment = plan.entity_segment[entities - 1]
        archetypes = pa.array([s.archetype for s in cfg.segments])
        columns["archetype"] = archetypes.take(pa.array(segment))
        # the position at the entity's last training period (an ended entity's at its end)
        final = positions_of(plan, entities - 1)[np.arange(len(entities)), last_seen]
        columns["final_trajectory_position"] = pa.array(final, pa.float64(), from_pandas=True)
    return pa.table(columns)
