"""Truth about lifecycles: each entity's stage history, one row per spell in a stage."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..columns.lifecycle import LifecyclePlan
from .registry import declare

_COLUMNS = ("entity_id", "stage", "stage_index", "from_period_index", "to_period_index", "valid_from", "valid_to")


def _spells(block) -> dict:
    stage = next((t for t in block.plan.entity_table.tracked if isinstance(t, LifecyclePlan)), None)
    if stage is None:
        return {name: [] for name in _COLUMNS}
    path, alive = block.versions.bands[stage.name], block.alive
    periods = path.shape[1]
    # A spell starts at the entity's first period and wherever the stage changes while it lives.
    starts = alive.copy()
    starts[:, 1:] &= (path[:, 1:] != path[:, :-1]) | ~alive[:, :-1]
    entity, start = np.nonzero(starts)
    after = np.full(len(start), periods)
    same = entity[1:] == entity[:-1]
    after[:-1][same] = start[1:][same]
    after = np.minimum(after, block.last[entity] + 1)  # an ended entity's last spell closes after its end period
    current = after >= periods
    dates = pa.array(block.plan.axis.dates, pa.date32())
    index = path[entity, start]
    return {
        "entity_id": block.start + entity + 1,
        "stage": pa.array(stage.accepted_values, pa.string()).take(pa.array(index)),
        "stage_index": index.astype(np.int8),
        "from_period_index": start.astype(np.int32),
        "to_period_index": pa.array(np.where(current, 0, after), pa.int32(), mask=current),
        "valid_from": dates.take(pa.array(start)),
        "valid_to": dates.take(pa.array(np.where(current, 0, after), mask=current)),
    }


declare(
    "truth_lifecycle",
    "Ground truth: each entity's lifecycle history, one row per spell in a stage (empty without a lifecycle).",
    [
        ("entity_id", pa.int64(), "The entity."),
        ("stage", pa.string(), "The stage."),
        ("stage_index", pa.int8(), "Position of the stage in the lifecycle, 0-based."),
        ("from_period_index", pa.int32(), "First period in the stage."),
        (
            "to_period_index",
            pa.int32(),
            "Period after the last one in the stage (the next stage's first, or the one after the end); "
            "NULL while the stage lasts to the end of the window.",
        ),
        ("valid_from", pa.date32(), "Date the spell starts."),
        ("valid_to", pa.date32(), "Date the spell ends (exclusive); NULL while it lasts to the end of the window."),
    ],
    per_block=_spells,
)
