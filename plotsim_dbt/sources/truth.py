"""The entity-resolution answer key: every source key with the entity it stands for, and which of
its columns drifted from the warehouse's values."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..truth.registry import declare
from .builder import covered
from .plan import SourceTable


def _drifted(true: pa.RecordBatch, copy: pa.RecordBatch, columns: list[str]) -> pa.Array:
    """Per row, the drifted columns joined by commas (NULL: none); a drifted value always differs."""
    differs = [pc.fill_null(pc.not_equal(true.column(c), copy.column(c)), False).to_pylist() for c in columns]
    return pa.array([",".join(c for c, d in zip(columns, row) if d) or None for row in zip(*differs)] if differs else [None] * len(copy), pa.string())


def _resolution(block) -> dict:
    parts = []
    for table in (t for t in block.plan.tables.values() if isinstance(t, SourceTable)):
        true, copy = covered(block, table)[0], block.built(table)
        columns = ([table.name_column] if table.name_column else []) + list(table.text_columns)
        parts.append(
            pa.table(
                {
                    "source": pa.array([table.source] * len(copy), pa.string()),
                    "source_table": pa.array([table.name] * len(copy), pa.string()),
                    "source_key": copy.column("source_key"),
                    "entity_id": true.column(table.entity_key).cast(pa.int64()),
                    "drifted_columns": _drifted(true, copy, columns),
                }
            )
        )
    if not parts:
        return {name: pa.array([], kind) for name, kind, _ in RESOLUTION.columns}
    # By entity first, so blocks of any size concatenate to the same table.
    rows = pa.concat_tables(parts).cast(RESOLUTION.schema).sort_by([("entity_id", "ascending"), ("source", "ascending")])
    return {name: rows.column(name).combine_chunks() for name in rows.column_names}


def _mappings(rows: pa.Table, plan) -> dict:
    """The reference generator's ``source_entity_mappings`` for the sampled entities (null without sources)."""
    if not plan.config.sources:
        return {"source_entity_mappings": None}
    names = plan.names_of(rows.column("entity_id").to_numpy() - 1).to_pylist()
    return {
        "source_entity_mappings": [
            {
                "entity": name,
                "source": r["source"],
                "dim_table": r["source_table"],
                "canonical_entity_id": r["entity_id"],
                "source_entity_id": r["source_key"],
                "drifted_fields": r["drifted_columns"].split(",") if r["drifted_columns"] else [],
            }
            for name, r in zip(names, rows.to_pylist())
        ]
    }


RESOLUTION = declare(
    "truth_entity_resolution",
    "Ground truth: the entity-resolution answer key; every row of every source table (sources) with the entity it stands for.",
    [
        ("source", pa.string(), "The source system."),
        ("source_table", pa.string(), "The source's table, <entity dimension>_<source>."),
        ("source_key", pa.string(), "The row's key in that table (its source_key)."),
        ("entity_id", pa.int64(), "The entity the row stands for (the entity dimension's id): the true match."),
        ("drifted_columns", pa.string(), "The columns whose values differ from the entity dimension's, comma-separated (NULL: none)."),
    ],
    per_block=_resolution,
    manifest=_mappings,
)
