"""manifest.json: the answer key, built from the plan alone (no clock, no randomness, no I/O)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.calendar import component_probabilities, mixtures
from ..engine.streams import KEY_BLOCK
from ..features import cutoff_period
from ..plan.resolve import Plan

SCHEMA_VERSION = "1"
MAX_SAMPLED_CELLS = 1_000_000  # default cap on trajectory samples (entities x periods)


def _sampled_entities(plan: Plan, sample_rate: float | None) -> np.ndarray:
    """Evenly spaced entity indices, so every segment is represented."""
    total = plan.entity_count
    if sample_rate is None:
        sample_rate = min(1.0, MAX_SAMPLED_CELLS / (total * plan.periods))
    if not 0 < sample_rate <= 1:
        raise ValueError(f"sample_rate must be in (0, 1], got {sample_rate}")
    count = max(1, math.ceil(total * sample_rate))
    return np.unique(np.round(np.linspace(0, total - 1, count)).astype(np.int64))


def manifest_dict(plan: Plan, row_counts: dict[str, int] | None = None, sample_rate: float | None = None, scd_state=None, bridge_state=None) -> dict:
    from .. import __version__

    cfg = plan.config
    sampled = _sampled_entities(plan, sample_rate)
    names = _names_for(plan, sampled)
    segment_of = plan.entity_segment[sampled]
    archetypes = [s.archetype for s in cfg.segments]
    samples = [
        {"entity": name, "period_index": t, "position": round(float(plan.positions[s, t]), 12)}
        for name, s in zip(names, segment_of.tolist())
        for t in range(plan.periods)
    ]
    offsets = plan.segment_offsets
    holdout = cfg.holdout
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "plotsim_dbt", "version": __version__},
        "seed": plan.seed,
        "config_sha256": plan.config_sha256,
        "window": {"start": cfg.window.start, "end": cfg.window.end, "every": cfg.window.every, "periods": plan.periods},
        "entity_count": plan.entity_count,
        # The generated tables only (not holdout splits or feature files), whichever way they were written.
        "table_row_counts": {t: n for t, n in sorted((row_counts or {}).items()) if t in ("dim_date", *cfg.schema.table_names)},
        "segments": [
            {
                "segment": seg.name,
                "archetype": seg.archetype,
                "entity_count": seg.count,
                "first_entity_id": int(offsets[i]) + 1,
                "last_entity_id": int(offsets[i + 1]),
                "seasonal_sensitivity": seg.seasonal_sensitivity,
                "trajectory": [round(float(x), 12) for x in plan.positions[i]],
            }
            for i, seg in enumerate(cfg.segments)
        ],
        "archetype_assignments": [
            {"entity": name, "entity_id": int(e) + 1, "segment": cfg.segments[s].name, "archetype": archetypes[s]}
            for name, e, s in zip(names, sampled.tolist(), segment_of.tolist())
        ],
        "trajectory_sample_rate": round(len(sampled) / plan.entity_count, 12),
        "trajectory_samples": samples,
        "metrics": [
            {
                "name": m.name,
                "family": m.family,
                "params": m.params,
                "centre_range": [m.low, m.high],
                "value_range": [m.clamp_low, None if math.isinf(m.clamp_high) else m.clamp_high],
                "polarity": "negative" if m.negative else "positive",
                "trajectory_loading": round(float(plan.copula.loadings[m.index]), 12),
                "seasonal_sensitivity": m.seasonal_sensitivity,
            }
            for m in plan.metrics
        ],
        "correlations": [asdict(p) for p in plan.copula.pairs],
        "correlation_repair": {
            "repaired": plan.copula.repaired,
            "max_change": round(plan.copula.repair_max_change, 12),
        },
        "lags": [
            {"driver": plan.metrics[m.driver].name, "follower": m.name, "delay": m.delay}
            for m in plan.metrics
            if m.driver is not None
        ],
        "seasonal_factors": [
            {"period_index": t, "month": int(month), "lift": round(float(lift), 12)}
            for t, (month, lift) in enumerate(zip(plan.axis.months, plan.period_lift))
        ],
        "noise": cfg.noise.model_dump(mode="json"),
        "holdout": None
        if holdout is None
        else {"target_metric": holdout.target, "holdout_periods": holdout.periods, "cutoff_period_index": cutoff_period(plan)},
        "calendar": _calendar(plan, sampled, names),
        "scd_events": [] if scd_state is None else _scd_events(plan, scd_state.events),
        "bridge_associations": [] if bridge_state is None else _bridge_associations(plan, bridge_state.links),
    }


def _calendar(plan: Plan, sampled: np.ndarray, names: list[str]) -> dict | None:
    """Components (box and slot probabilities), segment priors, and the mixture weights of the
    sampled entities (the same entities as the trajectory samples)."""
    calendar = plan.config.calendar
    if calendar is None:
        return None
    probabilities = component_probabilities(calendar)
    weights = np.empty((len(sampled), len(calendar.components)))
    for block in np.unique(sampled // KEY_BLOCK):
        start = int(block) * KEY_BLOCK
        here = (sampled // KEY_BLOCK) == block
        weights[here] = mixtures(plan, start, min(start + KEY_BLOCK, plan.entity_count))[sampled[here] - start]
    return {
        "slot_convention": "slot = day_of_week * 24 + hour, Monday 00:00 = 0",
        "concentration": calendar.concentration,
        "components": [
            {"name": c.name, "days": list(c.days), "hours": list(c.hours),
             "slot_probabilities": [round(float(p), 12) for p in probabilities[k]]}
            for k, c in enumerate(calendar.components)
        ],
        "segment_priors": {s.name: [round(a, 12) for a in calendar.mixture_prior(s.name)] for s in plan.config.segments},
        "entity_mixtures": [
            {"entity": name, "entity_id": int(e) + 1, "weights": [round(float(w), 12) for w in row]}
            for name, e, row in zip(names, sampled.tolist(), weights)
        ],
    }


def _scd_events(plan: Plan, events: pa.Table) -> list[dict]:
    """Every tier change: entity, old/new label and dim_row_id, period and trigger position."""
    rows = events.to_pylist()
    names = _names_for(plan, events.column("entity_id").to_numpy() - 1) if rows else []
    return [
        {
            "dim_table": r["dim_table"],
            "entity": name,
            "entity_id": r["entity_id"],
            "period_index": r["period_index"],
            "old_label": r["old_label"],
            "new_label": r["new_label"],
            "old_dim_row_id": r["old_dim_row_id"],
            "new_dim_row_id": r["new_dim_row_id"],
            "trigger_position": round(r["trigger_position"], 12),
        }
        for r, name in zip(rows, names)
    ]


def _bridge_associations(plan: Plan, links: pa.Table) -> list[dict]:
    """One record per (bridge, entity) with the ids it links to."""
    out = []
    for bridge in plan.config.schema.bridges:
        mine = links.filter(pc.equal(links.column("bridge"), bridge.name))
        left = mine.column("left_id").to_numpy()
        right = mine.column("right_id").to_numpy()
        if not len(left):
            continue
        cuts = np.flatnonzero(np.diff(left)) + 1
        firsts = np.concatenate([[0], cuts])
        names = _names_for(plan, left[firsts] - 1)
        for name, entity, targets in zip(names, left[firsts].tolist(), np.split(right, cuts)):
            out.append({"bridge": bridge.name, "entity": name, "entity_id": entity,
                        "targets": targets.tolist(), "cardinality": len(targets)})
    return out


def _names_for(plan: Plan, indices: np.ndarray) -> list[str]:
    names: list[str] = []
    for start in range(0, len(indices), 65536):
        chunk = indices[start : start + 65536]
        lo = int(chunk[0])
        names += plan.entity_names(lo, int(chunk[-1]) + 1).take(pa.array(chunk - lo)).to_pylist()
    return names


def dumps(manifest: dict) -> str:
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
