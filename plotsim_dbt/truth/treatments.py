"""Truth about treatments: per treated segment and lifted metric, the arms, the lift and the effect
a difference-in-differences estimates, computed from the plan's centre functions (not from data).

A difference-in-differences takes each entity's mean after ``start_period`` minus its mean before,
then the treated arm's average change minus the control arm's. The arms are drawn from the same
segment, so the control arm's change is, in expectation, what the treated arm's would have been
without the lift, and the estimate's expectation is the treated arm's average of (its post-period
mean with the lift - the same without it), each entity weighted once, over the treated entities
that exist before ``start_period`` (only they have a change). That is ``expected_effect``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..engine.context import Block
from ..engine.streams import KEY_BLOCK
from ..plan.centres import centre_field, effective_positions
from ..plan.correlation import expected_values
from ..plan.population import TreatmentPlan
from .registry import declare

if TYPE_CHECKING:
    from ..plan.resolve import Plan


def lifted_metrics(plan: Plan, treatment: TreatmentPlan) -> list[tuple[int, bool]]:
    """(metric index, lifted directly) of every metric a treatment moves: the target and every
    metric trailing it through lags (a lift on a driver reaches its followers), or every metric.
    A scaled metric is left out: its effect depends on the labels in force, not on the plan alone."""
    scaled = {s.metric for s in plan.scales}
    if treatment.target is None:
        return [(m.index, True) for m in plan.metrics if m.index not in scaled]
    out = []
    for m in plan.metrics:
        if m.index in scaled:
            continue
        root = m
        while root.index != treatment.target and root.driver is not None:
            root = plan.metrics[root.driver]
        if root.index == treatment.target:
            out.append((m.index, m.index == treatment.target))
    return out


def _effects(plan: Plan, s: int, treatment: TreatmentPlan, metrics: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(expected effect, centre effect) per lifted metric of segment ``s``: treated entities' mean
    over the post-start periods they exist in of lifted - unlifted, averaged over those that also
    exist before the start; NaN when none does. Computed key block by key block (an entity's path
    is keyed by its block)."""
    first_id, stop_id = int(plan.segment_offsets[s]), int(plan.segment_offsets[s + 1])
    start = treatment.start_period
    sums, centre_sums, entities = np.zeros(len(metrics)), np.zeros(len(metrics)), 0
    for first in range(first_id - first_id % KEY_BLOCK, stop_id, KEY_BLOCK):
        block = Block(plan, first, min(first + KEY_BLOCK, plan.entity_count))
        paths, ids = block.paths, np.arange(block.start, block.stop)
        post = block.alive[:, start:]  # an ending can cut the post period short
        keep = (ids >= first_id) & (ids < stop_id) & paths.treated & (paths.first < start) & post.any(axis=1)
        if not keep.any():
            continue
        unlifted = effective_positions(paths.positions[keep], list(plan.metrics), list(plan.order), paths.first[keep])
        season, ranges = plan.seasonal_lift[np.full(int(keep.sum()), s)], plan.ranges[np.full(int(keep.sum()), s)]
        with_lift = centre_field(block.effective[keep], season, list(plan.metrics), plan.loadings, ranges)[:, start:]
        without = centre_field(unlifted, season, list(plan.metrics), plan.loadings, ranges)[:, start:]
        lived, periods = post[keep], post[keep].sum(axis=1)
        for j, m in enumerate(metrics):
            metric = plan.metrics[m]
            low, high = plan.ranges[s, m]
            gap = expected_values(metric, with_lift[..., m], low, high) - expected_values(metric, without[..., m], low, high)
            sums[j] += (np.where(lived, gap, 0.0).sum(axis=1) / periods).sum()
            centre_sums[j] += (np.where(lived, with_lift[..., m] - without[..., m], 0.0).sum(axis=1) / periods).sum()
        entities += int(keep.sum())
    if entities == 0:
        return np.full(len(metrics), np.nan), np.full(len(metrics), np.nan)
    return sums / entities, centre_sums / entities


def _treatments(plan, row_counts) -> dict:
    columns: dict[str, list] = {name: [] for name, _, _ in TREATMENT_COLUMNS}
    for s, population in enumerate(plan.population):
        treatment = population.treatment
        if treatment is None:
            continue
        lifted = lifted_metrics(plan, treatment)
        effects, centre_effects = _effects(plan, s, treatment, [m for m, _ in lifted])
        config = plan.config.segments[s].treatment
        for (m, direct), effect, centre_effect in zip(lifted, effects, centre_effects):
            row = {
                "segment": plan.config.segments[s].name,
                "metric": plan.metrics[m].name,
                "direct": direct,
                "fraction": config.fraction,
                "treated": treatment.treated,
                "control": population.count - treatment.treated,
                "lift_log_odds": treatment.lift,
                "start_period": treatment.start_period,
                "start_date_key": int(plan.axis.date_keys[treatment.start_period]),
                "treatment_label": treatment.labels[0],
                "control_label": treatment.labels[1],
                "expected_effect": None if np.isnan(effect) else float(effect),
                "centre_effect": None if np.isnan(centre_effect) else float(centre_effect),
            }
            for name, value in row.items():
                columns[name].append(value)
    return columns


def _cohorts(rows: pa.Table, plan) -> dict:
    return {"treatment_cohorts": [{k: round(v, 12) if isinstance(v, float) else v for k, v in r.items()} for r in rows.to_pylist()]}


TREATMENT_COLUMNS = [
    ("segment", pa.string(), "The treated segment."),
    ("metric", pa.string(), "A metric the treatment moves."),
    ("direct", pa.bool_(), "The lift is added to this metric's own position (false: it arrives through the metric it follows)."),
    ("fraction", pa.float64(), "Share of the segment asked for in the treatment arm."),
    ("treated", pa.int64(), "Entities in the treatment arm: exactly round(fraction x segment count)."),
    ("control", pa.int64(), "Entities in the control arm (the rest of the segment)."),
    ("lift_log_odds", pa.float64(), "Log-odds added to the effective position of the treated entities' lifted metrics."),
    ("start_period", pa.int32(), "First period with the lift, 0-based."),
    ("start_date_key", pa.int32(), "Its date key: rows at or after it are post-treatment."),
    ("treatment_label", pa.string(), "truth_entities.treatment_group of the treated arm."),
    ("control_label", pa.string(), "truth_entities.treatment_group of the control arm."),
    (
        "expected_effect",
        pa.float64(),
        "The effect a difference-in-differences estimates, in the metric's units: over treated entities that exist before "
        "start_period, the mean of each one's post-period mean value with the lift minus without it (expected values before "
        "noise and outliers); NULL when no treated entity exists before start_period.",
    ),
    (
        "centre_effect",
        pa.float64(),
        "The same average of the change of the cell centre (equal to expected_effect for families whose mean is their centre).",
    ),
]

declare(
    "truth_treatments",
    "Ground truth: one row per treated segment and metric the treatment moves, with the arms, the lift and the effect a "
    "difference-in-differences estimates; no row without a treatment.",
    TREATMENT_COLUMNS,
    per_run=_treatments,
    manifest=_cohorts,
)
