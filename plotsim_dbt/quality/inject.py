"""Apply a table's quality faults to one block of its rows. Each fault draws one row of uniforms
per table row from its own keyed stream (Purpose.QUALITY, keyed by table, issue index and seed
offset, per key block of entities), so a row is hit with probability ``rate`` and the result is the
same at any block size, worker count or runner."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.streams import Purpose, draw_rows, name_key
from ..plan.tables import TablePlan
from .faults import FAULTS, WIDTH, Hits, Rows

RECORD_COLUMNS = ("table_name", "row_key", "entity_id", "column_name", "issue", "issue_index", "clean_value")


@dataclass(frozen=True)
class Injected:
    batch: pa.RecordBatch  # the rows as written
    records: dict[str, pa.Array]  # truth_quality_faults columns (RECORD_COLUMNS)


def row_keys(batch: pa.RecordBatch, key: tuple[str, ...]) -> pa.Array:
    """Each row's primary key as text, the values joined by '|' (as the dbt tests build it)."""
    parts = [pc.cast(batch.column(c), pa.string()) for c in key]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")


def inject(seed: int, start: int, stop: int, table: TablePlan, clean: pa.RecordBatch, date_keys: np.ndarray) -> Injected:
    """The block's rows of ``table`` (entities [start, stop)) with its faults, and their truth records."""
    entity = clean.column(table.entity_column).to_numpy(zero_copy_only=False) - 1
    period = None if table.date_column is None else np.searchsorted(date_keys, clean.column(table.date_column).to_numpy(zero_copy_only=False))
    rows = Rows(clean, clean, entity, period, row_keys(clean, table.primary_key), table.date_column)
    parts: list[dict[str, pa.Array]] = []
    for fault in table.faults:
        per_entity = np.bincount(rows.entity - start, minlength=stop - start)
        key = name_key(table.name, str(fault.index), str(fault.seed_offset))
        u = draw_rows(seed, Purpose.QUALITY, start, per_entity, WIDTH[fault.kind](fault), key)
        seen = rows
        rows, hits = FAULTS[fault.kind](rows, fault, u)
        parts += [_records(table.name, seen, fault.kind, fault.index, h) for h in hits]
    return Injected(rows.batch, {name: pa.concat_arrays([p[name] for p in parts]) for name in RECORD_COLUMNS})


def _records(table: str, rows: Rows, kind: str, index: int, hits: Hits) -> dict[str, pa.Array]:
    n, where = len(hits.rows), pa.array(hits.rows, pa.int64())
    return {
        "table_name": pa.array([table] * n, pa.string()),
        "row_key": rows.keys.take(where),
        "entity_id": pa.array(rows.entity[hits.rows] + 1, pa.int64()),
        "column_name": pa.array([hits.column] * n, pa.string()),
        "issue": pa.array([kind] * n, pa.string()),
        "issue_index": pa.array(np.full(n, index, np.int32)),
        "clean_value": hits.clean,
    }
