"""Truth about entities: their segment and archetype, the trajectory position of every period,
and each segment's shared trajectory."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..engine.endings import enders
from ..plan.population import own_parameters
from .registry import declare


def _entities(block) -> dict:
    plan, paths = block.plan, block.paths
    segment = plan.entity_segment[block.start : block.stop]
    populations = plan.population
    shift, amplitude, level = (np.empty(len(block)) for _ in range(3))
    group = np.full(len(block), None, dtype=object)
    lift = np.full(len(block), np.nan)
    for s in np.unique(segment):
        rows = segment == s
        shift[rows], amplitude[rows], level[rows] = own_parameters(populations[s], paths.normals[rows])
        treatment = populations[s].treatment
        if treatment is not None:
            arm = paths.treated[rows]
            group[rows] = np.where(arm, *treatment.labels)
            lift[rows] = np.where(arm, treatment.lift, 0.0)
    segment_array = pa.array(segment)
    segments = plan.config.segments
    found = block.endings
    ended = np.zeros(len(block), dtype=bool) if found is None else found.ended
    ending_events = pa.array([e.name for e in enders(plan)] or [None], pa.string())
    end_event = pa.nulls(len(block), pa.string()) if found is None else ending_events.take(pa.array(found.event, mask=~ended))
    return {
        "entity_id": np.arange(block.start + 1, block.stop + 1),
        "entity_name": plan.entity_names(block.start, block.stop),
        "segment": plan.segment_names.take(segment_array),
        "archetype": pa.array([s.archetype for s in segments], pa.string()).take(segment_array),
        "start_period": paths.first.astype(np.int32),
        "end_period": pa.array(block.last.astype(np.int32), mask=~ended),
        "end_event": end_event,
        "seasonal_sensitivity": pa.array([s.seasonal_sensitivity for s in segments], pa.float64()).take(segment_array),
        "variation": np.array([p.variation for p in populations])[segment],
        "timing_shift": shift,
        "amplitude": amplitude,
        "level_offset": level,
        "treatment_group": pa.array(group.tolist(), pa.string()),
        "treatment_lift_log_odds": pa.array(lift, pa.float64(), from_pandas=True),
    }


def _assignments(rows: pa.Table, plan) -> dict:
    return {
        "archetype_assignments": [
            {"entity": r["entity_name"], "entity_id": r["entity_id"], "segment": r["segment"], "archetype": r["archetype"]} for r in rows.to_pylist()
        ]
    }


declare(
    "truth_entities",
    "Ground truth: every entity with its segment, archetype, start period and seasonal sensitivity.",
    [
        ("entity_id", pa.int64(), "The entity's primary key (the entity dimension's id)."),
        ("entity_name", pa.string(), "Entity name, <segment>_<NNNN> (numbered from 0000 within its segment)."),
        ("segment", pa.string(), "Segment the entity belongs to."),
        ("archetype", pa.string(), "The segment's archetype: the label a classifier should recover."),
        ("start_period", pa.int32(), "First period the entity exists (its arrival; 0: from the start of the window)."),
        ("end_period", pa.int32(), "Last period it exists, when an event ended it (NULL: it lives to the end of the window)."),
        ("end_event", pa.string(), "The event table whose row ended it (NULL: not ended)."),
        ("seasonal_sensitivity", pa.float64(), "The segment's multiplier of seasonal lift."),
        ("variation", pa.float64(), "How far the segment's entities stray from the archetype (0: exactly)."),
        ("timing_shift", pa.float64(), "The entity's own timing: its archetype runs this share of its window late (negative: early)."),
        ("amplitude", pa.float64(), "The entity's own factor on the distance of its position from mid-range."),
        ("level_offset", pa.float64(), "The entity's own offset added to its position."),
        ("treatment_group", pa.string(), "Its arm of the segment's treatment split (NULL without a treatment)."),
        ("treatment_lift_log_odds", pa.float64(), "The true lift it gets (0 in the control arm; NULL without a treatment)."),
    ],
    per_block=_entities,
    manifest=_assignments,
)


def _trajectory(block) -> dict:
    plan = block.plan
    entity, period = np.nonzero(block.alive)
    return {
        "entity_id": entity + block.start + 1,
        "period_index": period.astype(np.int32),
        "date_key": plan.axis.date_keys[period],
        "position": block.positions[entity, period],
    }


def _samples(rows: pa.Table, plan) -> dict:
    names = plan.names_of(rows.column("entity_id").to_numpy() - 1).to_pylist()
    periods = rows.column("period_index").to_pylist()
    positions = rows.column("position").to_pylist()
    return {"trajectory_samples": [{"entity": name, "period_index": t, "position": round(p, 12)} for name, t, p in zip(names, periods, positions)]}


declare(
    "truth_trajectory",
    "Ground truth: the trajectory position (0-1) of every entity in every period of its life.",
    [
        ("entity_id", pa.int64(), "The entity."),
        ("period_index", pa.int32(), "Period, 0-based."),
        ("date_key", pa.int32(), "The period's date key (dim_date.date_key)."),
        ("position", pa.float64(), "Trajectory position in [0, 1] behind every metric of the cell, before lags and polarity."),
    ],
    per_block=_trajectory,
    manifest=_samples,
)


def _segments(plan, row_counts) -> dict:
    segments = plan.config.segments
    offsets = plan.segment_offsets
    return {
        "segment": [s.name for s in segments],
        "archetype": [s.archetype for s in segments],
        "entity_count": [s.count for s in segments],
        "first_entity_id": offsets[:-1] + 1,
        "last_entity_id": offsets[1:],
        "seasonal_sensitivity": [s.seasonal_sensitivity for s in segments],
    }


def _segment_records(rows: pa.Table, plan) -> dict:
    return {"segments": [{**r, "trajectory": [round(float(x), 12) for x in plan.positions[i]]} for i, r in enumerate(rows.to_pylist())]}


declare(
    "truth_segments",
    "Ground truth: every segment with its archetype, entity count and entity id range.",
    [
        ("segment", pa.string(), "Segment name."),
        ("archetype", pa.string(), "The archetype as written (a word, a curve call or a sequence)."),
        ("entity_count", pa.int64(), "Entities in the segment."),
        ("first_entity_id", pa.int64(), "Id of its first entity (ids are contiguous per segment)."),
        ("last_entity_id", pa.int64(), "Id of its last entity."),
        ("seasonal_sensitivity", pa.float64(), "The segment's multiplier of seasonal lift."),
    ],
    per_run=_segments,
    manifest=_segment_records,
)
