"""Truth about events: how many rows each event table holds for every entity and period. The
event tables carry the same counts; this table is their answer key (it stays clean when faults
are injected into the event tables)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..engine.firings import event_cells
from ..plan.tables import EventTable
from .registry import declare

COLUMNS = ("entity_id", "event_table", "period_index", "date_key", "events")


def _firings(block) -> dict:
    plan = block.plan
    tables = plan.tables_of(EventTable)
    if not tables:
        return {name: [] for name in COLUMNS}
    counts = np.stack([event_cells(table, block.values) for table in tables], axis=1)  # [entities, tables, periods]
    entity, table, period = np.nonzero(counts)  # entity, then table, then period order
    return {
        "entity_id": block.start + entity + 1,
        "event_table": pa.array([t.name for t in tables], pa.string()).take(pa.array(table)),
        "period_index": period.astype(np.int32),
        "date_key": plan.axis.date_keys[period],
        "events": counts[entity, table, period],
    }


def _firing_records(rows: pa.Table, plan, entities: np.ndarray) -> dict:
    """Every sampled entity x every event table, with the periods it fired in (empty lists kept)."""
    tables = [t.name for t in plan.tables_of(EventTable)]
    fired: dict[tuple[int, str], list[int]] = {}
    for entity_id, table, period in zip(*(rows.column(c).to_pylist() for c in ("entity_id", "event_table", "period_index"))):
        fired.setdefault((entity_id, table), []).append(period)
    names = plan.names_of(entities).to_pylist()
    return {
        "event_firings": [
            {"entity": name, "table": table, "period_indices": fired.get((int(index) + 1, table), [])}
            for index, name in zip(entities, names)
            for table in tables
        ]
    }


declare(
    "truth_event_firings",
    "Ground truth: how many rows each event table holds for each entity and period (no row where there are none).",
    [
        ("entity_id", pa.int64(), "The entity."),
        ("event_table", pa.string(), "The event table."),
        ("period_index", pa.int32(), "Period, 0-based."),
        ("date_key", pa.int32(), "The period's date key (dim_date.date_key)."),
        ("events", pa.int64(), "Rows of the event table for this entity and period (at least 1)."),
    ],
    per_block=_firings,
    manifest=_firing_records,
    manifest_lists_sample=True,
)
