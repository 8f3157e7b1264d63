"""Truth about SCD2 history: every version of the entity dimension and every change of its label
(the tier; the lifecycle stage when there is no tier)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..columns.lifecycle import LifecyclePlan
from ..engine.dims import end_columns, version_status
from ..engine.ids import block_ids
from .registry import declare


def _labels(attribute, found) -> pa.Array:
    return pa.array(attribute.accepted_values, pa.string()).take(pa.array(found.labels(attribute.name)))


def _versions(block) -> dict:
    table, found = block.plan.entity_table, block.versions
    if found is None:
        return {
            name: []
            for name in (
                "dim_table",
                "entity_id",
                "dim_row_id",
                "label",
                "stage",
                "valid_from",
                "valid_to",
                "is_current",
                "status",
                "from_period_index",
                "to_period_index",
            )
        }
    dates = pa.array(block.plan.axis.dates, pa.date32())
    current = found.end < 0
    stage = next((t for t in table.tracked if isinstance(t, LifecyclePlan)), None)
    return {
        "dim_table": [table.name] * len(found.start),
        "entity_id": block.start + found.entity + 1,
        "dim_row_id": block_ids(block.start + found.entity),
        "label": _labels(table.scd, found),
        "stage": _labels(stage, found) if stage is not None else pa.nulls(len(current), pa.string()),
        "valid_from": dates.take(pa.array(found.start)),
        "valid_to": dates.take(pa.array(np.where(current, 0, found.end), mask=current)),
        "is_current": current,
        "status": version_status(block, end_columns(block)[0]) if table.ends else pa.nulls(len(current), pa.string()),
        "from_period_index": found.start.astype(np.int32),
        "to_period_index": pa.array(np.where(current, 0, found.end), pa.int32(), mask=current),
    }


declare(
    "truth_scd_versions",
    "Ground truth: every SCD2 version (entity, dim_row_id, label, valid_from, valid_to with a NULL open end).",
    [
        ("dim_table", pa.string(), "The SCD2 dimension (the entity dimension)."),
        ("entity_id", pa.int64(), "The entity."),
        ("dim_row_id", pa.int64(), "The version's surrogate key in the dimension."),
        ("label", pa.string(), "The tier of the version (the lifecycle stage when the dimension has no tier)."),
        ("stage", pa.string(), "The lifecycle stage of the version; NULL without a lifecycle."),
        ("valid_from", pa.date32(), "First date the version is in force (inclusive)."),
        ("valid_to", pa.date32(), "Date the next version starts (exclusive); NULL while current, whatever the dimension's open-end convention."),
        ("is_current", pa.bool_(), "True on the version in force at the end of the window."),
        ("status", pa.string(), "active, or the status an ending event gave the entity (its last version); NULL when no event ends entities."),
        ("from_period_index", pa.int32(), "First period of the version."),
        ("to_period_index", pa.int32(), "Period the next version starts; NULL while current."),
    ],
    per_block=_versions,
)


def _changes(block) -> dict:
    table, found = block.plan.entity_table, block.versions
    if found is None:
        return {
            name: []
            for name in (
                "dim_table",
                "entity_id",
                "period_index",
                "date_key",
                "old_label",
                "new_label",
                "old_dim_row_id",
                "new_dim_row_id",
                "trigger_position",
            )
        }
    labels = pa.array(table.scd.accepted_values, pa.string())
    tier = found.bands[table.scd.name]
    # A change is a later version whose tier differs: not an entity's first version (its arrival)
    # nor the version that only records its end.
    later = found.start > block.paths.first[found.entity]
    moved = tier[found.entity, found.start] != tier[found.entity, np.maximum(found.start - 1, 0)]
    change = np.flatnonzero(later & moved)
    e, t = found.entity[change], found.start[change]
    new_ids = block_ids(block.start + found.entity)[change]
    return {
        "dim_table": [table.name] * len(change),
        "entity_id": e + block.start + 1,
        "period_index": t.astype(np.int32),
        "date_key": block.plan.axis.date_keys[t],
        "old_label": labels.take(pa.array(tier[e, t - 1])),
        "new_label": labels.take(pa.array(tier[e, t])),
        "old_dim_row_id": new_ids - 1,
        "new_dim_row_id": new_ids,
        "trigger_position": found.trigger[e, t],
    }


def _change_records(rows: pa.Table, plan) -> dict:
    names = plan.names_of(rows.column("entity_id").to_numpy() - 1).to_pylist()
    return {
        "scd_events": [
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
            for r, name in zip(rows.to_pylist(), names)
        ]
    }


declare(
    "truth_scd_events",
    "Ground truth: every SCD2 tier change (entity, period, old/new label and dim_row_id, trigger position).",
    [
        ("dim_table", pa.string(), "The SCD2 dimension."),
        ("entity_id", pa.int64(), "The entity."),
        ("period_index", pa.int32(), "Period at which the new version starts."),
        ("date_key", pa.int32(), "That period's date key."),
        ("old_label", pa.string(), "Tier before the change."),
        ("new_label", pa.string(), "Tier after the change."),
        ("old_dim_row_id", pa.int64(), "dim_row_id of the version that ends."),
        ("new_dim_row_id", pa.int64(), "dim_row_id of the version that starts."),
        ("trigger_position", pa.float64(), "The tracked metric at that period as a position on its range: the value that moved the entity."),
    ],
    per_block=_changes,
    manifest=_change_records,
)
