"""ML views of the fact table: one-row-per-entity features, and the temporal holdout split."""

from __future__ import annotations

import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .plan.resolve import Plan

FEATURE_SUFFIXES = ("mean", "std", "slope", "first", "last", "peak_period")


def cutoff_period(plan: Plan) -> int | None:
    """First held-out period index, or None without a holdout."""
    holdout = plan.config.holdout
    return None if holdout is None else plan.periods - holdout.periods


def _metrics_in(plan: Plan, fact: str) -> list[str]:
    columns = next(f for f in plan.config.schema.facts if f.name == fact).columns
    return [c.name for c in columns if c.kind == "metric"]


def split_holdout(plan: Plan, facts: pa.RecordBatch | pa.Table, fact: str | None = None) -> tuple:
    """(train, holdout) rows of a per-entity-per-period fact, split at the cutoff period."""
    date_column = plan.config.schema.fact_keys(fact or plan.config.fact_tables[0])[0]
    cutoff_key = int(plan.axis.date_keys[cutoff_period(plan)])
    train = pc.less(facts.column(date_column), cutoff_key)
    return facts.filter(train), facts.filter(pc.invert(train))


def _dense(plan: Plan, fact: str, facts: pa.Table, column: str, entities: np.ndarray, periods: int) -> np.ndarray:
    """[entities, periods] matrix of one metric column; absent or null cells are NaN."""
    date_column, key = plan.config.schema.fact_keys(fact)
    ids = facts.column(key).to_numpy()
    period = np.searchsorted(plan.axis.date_keys, facts.column(date_column).to_numpy())
    row = np.searchsorted(entities, ids)
    values = facts.column(column).to_numpy(zero_copy_only=False).astype(np.float64)
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


def entity_features(plan: Plan, facts: dict[str, pa.Table | pa.RecordBatch]) -> pa.Table:
    """One row per entity present in the fact tables ``facts`` (name -> rows); each metric is read
    from the first fact holding it. Aggregates only the training window and leaves out the holdout
    target's columns, so no feature sees the future."""
    cfg = plan.config
    facts = {n: pa.table(t) if isinstance(t, pa.RecordBatch) else t for n, t in facts.items() if n in cfg.fact_tables}
    settings = cfg.entity_features
    names = (settings.metrics if settings and settings.metrics else [m.name for m in cfg.metrics])
    cutoff = cutoff_period(plan)
    periods = plan.periods if cutoff is None else cutoff
    if cfg.holdout is not None:
        names = [n for n in names if n != cfg.holdout.target]
    sources = {}
    for fact in reversed(list(facts)):
        sources |= dict.fromkeys(_metrics_in(plan, fact), fact)
    entity_ids = [facts[f].column(plan.config.schema.fact_keys(f)[1]).to_numpy() for f in facts]
    entities = np.unique(np.concatenate(entity_ids)) if entity_ids else np.array([], dtype=np.int64)
    columns: dict[str, object] = {cfg.entity_key: pa.array(entities, pa.int64())}
    for name in names:
        if name not in sources:
            continue
        fact = sources[name]
        for suffix, values in _stats(_dense(plan, fact, facts[fact], name, entities, periods)).items():
            columns[f"{name}_{suffix}"] = pa.array(values, pa.float64(), from_pandas=True)
    if settings is None or settings.include_labels:
        segment = plan.entity_segment[entities - 1]
        archetypes = pa.array([s.archetype for s in cfg.segments])
        columns["archetype"] = archetypes.take(pa.array(segment))
        columns["final_trajectory_position"] = pa.array(plan.positions[segment, periods - 1], pa.float64())
    return pa.table(columns)
