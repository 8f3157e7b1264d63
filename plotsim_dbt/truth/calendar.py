"""Truth about the weekly calendar: each component's slot probabilities and each entity's mixture."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..calendar.slots import HOURS_IN_DAY, TIME_SLOTS
from .registry import declare

SLOT_CONVENTION = "slot = day_of_week * 24 + hour, Monday 00:00 = 0"


def _components(plan, row_counts) -> dict:
    calendar = plan.calendar
    k = 0 if calendar is None else len(calendar.names)
    slots = np.tile(np.arange(TIME_SLOTS), k)
    return {
        "component": pa.array(np.repeat(calendar.names if k else [], TIME_SLOTS).tolist(), pa.string()),
        "slot": slots.astype(np.int32),
        "day_of_week": (slots // HOURS_IN_DAY).astype(np.int8),
        "hour": (slots % HOURS_IN_DAY).astype(np.int8),
        "probability": calendar.probabilities.reshape(-1) if k else np.zeros(0),
    }


def _calendar_record(rows: pa.Table, plan) -> dict:
    calendar = plan.calendar
    if calendar is None:
        return {"calendar": None}
    probability = rows.column("probability").to_numpy().reshape(len(calendar.names), TIME_SLOTS)
    return {
        "calendar": {
            "slot_convention": SLOT_CONVENTION,
            "concentration": calendar.concentration,
            "components": [
                {"name": name, "days": list(days), "hours": list(hours), "slot_probabilities": [round(float(p), 12) for p in probability[k]]}
                for k, (name, (days, hours)) in enumerate(zip(calendar.names, calendar.boxes))
            ],
            "segment_priors": {s.name: [round(float(a), 12) for a in calendar.alpha[i]] for i, s in enumerate(plan.config.segments)},
        }
    }


declare(
    "truth_calendar_components",
    f"Ground truth: each weekly calendar component's probability of every hour-of-week slot ({SLOT_CONVENTION}).",
    [
        ("component", pa.string(), "Component name."),
        ("slot", pa.int32(), "Hour-of-week slot, day_of_week * 24 + hour."),
        ("day_of_week", pa.int8(), "Day of week, 0 = Monday."),
        ("hour", pa.int8(), "Hour of day, 0-23."),
        ("probability", pa.float64(), "Probability of the slot under the component (uniform over its box, summing to 1)."),
    ],
    per_run=_components,
    manifest=_calendar_record,
)


def _mixtures(block) -> dict:
    theta = block.mixtures
    if theta is None:
        return {"entity_id": [], "component": [], "weight": []}
    names = block.plan.calendar.names
    return {
        "entity_id": np.repeat(np.arange(block.start + 1, block.stop + 1), theta.shape[1]),
        "component": pa.array(list(names) * len(block), pa.string()),
        "weight": theta.reshape(-1),
    }


def _mixture_records(rows: pa.Table, plan) -> dict:
    if plan.calendar is None:
        return {}
    k = len(plan.calendar.names)
    ids = rows.column("entity_id").to_numpy()[::k]
    weights = rows.column("weight").to_numpy().reshape(-1, k)
    names = plan.names_of(ids - 1).to_pylist()
    return {
        "calendar": {
            "entity_mixtures": [
                {"entity": name, "entity_id": int(e), "weights": [round(float(w), 12) for w in row]} for name, e, row in zip(names, ids, weights)
            ]
        }
    }


declare(
    "truth_calendar_mixtures",
    "Ground truth: each entity's mixture weight of every calendar component (sums to 1 per entity).",
    [
        ("entity_id", pa.int64(), "The entity."),
        ("component", pa.string(), "Calendar component."),
        ("weight", pa.float64(), "The entity's probability of picking the component for an event."),
    ],
    per_block=_mixtures,
    manifest=_mixture_records,
)
