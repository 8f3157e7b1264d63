"""Ground-truth tables: everything the engine decided, as Arrow tables for SQL (dbt models)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from .. import __version__
from ..calendar.slots import HOURS_IN_DAY, TIME_SLOTS
from ..engine.calendar import component_probabilities
from ..features import cutoff_period
from ..plan.resolve import Plan
from .state import GenerationState

TRUTH_TABLES = (
    "truth_run", "truth_entities", "truth_trajectory", "truth_centres", "truth_metrics", "truth_correlations", "truth_lags",
    "truth_scd_versions", "truth_scd_events", "truth_bridge_links", "truth_holdout",
    "truth_calendar_components", "truth_calendar_mixtures",
)


def truth_run(plan: Plan, row_counts: dict[str, int]) -> pa.Table:
    """One row per generated table: its row count, with the run's seed, config hash and version."""
    names = sorted(row_counts)
    n = len(names)
    return pa.table(
        {
            "table_name": pa.array(names, pa.string()),
            "row_count": pa.array([row_counts[t] for t in names], pa.int64()),
            "seed": pa.array([plan.seed] * n, pa.int64()),
            "config_sha256": pa.array([plan.config_sha256] * n, pa.string()),
            "generator_version": pa.array([__version__] * n, pa.string()),
            "entity_count": pa.array([plan.entity_count] * n, pa.int64()),
            "period_count": pa.array([plan.periods] * n, pa.int32()),
        }
    )


def truth_entities(plan: Plan) -> pa.Table:
    cfg = plan.config
    segment = pa.array(plan.entity_segment)
    return pa.table(
        {
            "entity_id": pa.array(np.arange(1, plan.entity_count + 1), pa.int64()),
            "entity_name": plan.entity_names(0, plan.entity_count),
            "segment": pa.array([s.name for s in cfg.segments]).take(segment),
            "archetype": pa.array([s.archetype for s in cfg.segments]).take(segment),
            "start_period": pa.array(np.zeros(plan.entity_count, dtype=np.int32)),
            "seasonal_sensitivity": pa.array([s.seasonal_sensitivity for s in cfg.segments], pa.float64()).take(segment),
        }
    )


def truth_trajectory(plan: Plan) -> pa.Table:
    """Trajectory position of every entity and period."""
    entities, periods = plan.entity_count, plan.periods
    return pa.table(
        {
            "entity_id": pa.array(np.repeat(np.arange(1, entities + 1), periods), pa.int64()),
            "period_index": pa.array(np.tile(np.arange(periods, dtype=np.int32), entities)),
            "date_key": pa.array(np.tile(plan.axis.date_keys, entities)),
            "position": pa.array(plan.positions[plan.entity_segment].reshape(-1)),
        }
    )


def truth_centres(plan: Plan) -> pa.Table:
    """Per segment, period and metric: effective position (after lag) and the planned centre."""
    segments, periods, metrics = plan.centres.shape
    seg = np.repeat(np.arange(segments), periods * metrics)
    per = np.tile(np.repeat(np.arange(periods), metrics), segments)
    met = np.tile(np.arange(metrics), segments * periods)
    cfg = plan.config
    return pa.table(
        {
            "segment": pa.array([s.name for s in cfg.segments]).take(pa.array(seg)),
            "archetype": pa.array([s.archetype for s in cfg.segments]).take(pa.array(seg)),
            "period_index": pa.array(per.astype(np.int32)),
            "date_key": pa.array(plan.axis.date_keys[per]),
            "metric": pa.array([m.name for m in plan.metrics]).take(pa.array(met)),
            "position": pa.array(plan.positions[seg, per]),
            "effective_position": pa.array(plan.effective.reshape(-1)),
            "seasonal_lift": pa.array(plan.seasonal_lift.reshape(-1)),
            "centre": pa.array(plan.centres.reshape(-1)),
        }
    )


def truth_metrics(plan: Plan) -> pa.Table:
    metrics = plan.metrics
    return pa.table(
        {
            "metric": [m.name for m in metrics],
            "family": [m.family for m in metrics],
            "polarity": ["negative" if m.negative else "positive" for m in metrics],
            "min_value": pa.array([m.clamp_low for m in metrics], pa.float64()),
            "max_value": pa.array([None if math.isinf(m.clamp_high) else m.clamp_high for m in metrics], pa.float64()),
            "trajectory_loading": pa.array(plan.copula.loadings, pa.float64()),
            "follows": [None if m.driver is None else metrics[m.driver].name for m in metrics],
            "delay": pa.array([m.delay if m.driver is not None else None for m in metrics], pa.int32()),
        }
    )


def truth_correlations(plan: Plan) -> pa.Table:
    pairs = plan.copula.pairs
    schema = pa.schema(
        [("metric_a", pa.string()), ("metric_b", pa.string()), ("word", pa.string()), ("declared", pa.float64()),
         ("trajectory_contribution", pa.float64()), ("planned_copula", pa.float64()), ("copula", pa.float64()),
         ("delivered", pa.float64()), ("reachable", pa.bool_())]
    )
    rows = [
        (p.metric_a, p.metric_b, p.word, p.declared, p.trajectory_contribution, p.planned, p.copula, p.delivered, p.reachable)
        for p in pairs
    ]
    return pa.Table.from_pylist([dict(zip(schema.names, r)) for r in rows], schema=schema)


def truth_lags(plan: Plan) -> pa.Table:
    """Every causal lag, with the total delay to its root driver (chains add up)."""
    rows = []
    for m in plan.metrics:
        if m.driver is None:
            continue
        root, total = m, 0
        while root.driver is not None:
            total += root.delay
            root = plan.metrics[root.driver]
        rows.append({"driver": plan.metrics[m.driver].name, "follower": m.name, "delay": m.delay, "root_driver": root.name, "total_delay": total})
    schema = pa.schema([("driver", pa.string()), ("follower", pa.string()), ("delay", pa.int32()), ("root_driver", pa.string()), ("total_delay", pa.int32())])
    return pa.Table.from_pylist(rows, schema=schema)


def truth_holdout(plan: Plan) -> pa.Table:
    """The temporal holdout: one row (none without a holdout). Periods from the cutoff on are held out."""
    holdout, cutoff = plan.config.holdout, cutoff_period(plan)
    rows = [] if holdout is None else [{
        "target_metric": holdout.target,
        "holdout_periods": holdout.periods,
        "cutoff_period_index": cutoff,
        "cutoff_date_key": int(plan.axis.date_keys[cutoff]),
    }]
    schema = pa.schema([("target_metric", pa.string()), ("holdout_periods", pa.int32()),
                        ("cutoff_period_index", pa.int32()), ("cutoff_date_key", pa.int32())])
    return pa.Table.from_pylist(rows, schema=schema)


def truth_calendar_components(plan: Plan) -> pa.Table:
    """Every calendar component's probability of each of the 168 hour-of-week slots."""
    calendar = plan.config.calendar
    schema = pa.schema([("component", pa.string()), ("slot", pa.int32()), ("day_of_week", pa.int8()),
                        ("hour", pa.int8()), ("probability", pa.float64())])
    if calendar is None:
        return schema.empty_table()
    probabilities = component_probabilities(calendar)
    k = len(calendar.components)
    slots = np.tile(np.arange(TIME_SLOTS), k)
    return pa.table({
        "component": pa.array(np.repeat([c.name for c in calendar.components], TIME_SLOTS).tolist(), pa.string()),
        "slot": pa.array(slots, pa.int32()),
        "day_of_week": pa.array(slots // HOURS_IN_DAY, pa.int8()),
        "hour": pa.array(slots % HOURS_IN_DAY, pa.int8()),
        "probability": pa.array(probabilities.reshape(-1), pa.float64()),
    }, schema=schema)


def truth_tables(state: GenerationState, row_counts: dict[str, int]) -> dict[str, pa.Table]:
    plan = state.plan
    return {
        "truth_run": truth_run(plan, row_counts),
        "truth_entities": truth_entities(plan),
        "truth_trajectory": truth_trajectory(plan),
        "truth_centres": truth_centres(plan),
        "truth_metrics": truth_metrics(plan),
        "truth_correlations": truth_correlations(plan),
        "truth_lags": truth_lags(plan),
        "truth_scd_versions": state.scd.versions,
        "truth_scd_events": state.scd.events,
        "truth_bridge_links": state.bridges.links,
        "truth_holdout": truth_holdout(plan),
        "truth_calendar_components": truth_calendar_components(plan),
        "truth_calendar_mixtures": state.calendar_mixtures,
    }
