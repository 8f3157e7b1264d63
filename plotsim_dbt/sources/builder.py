"""Registers the source-table builder with the engine's table-kind seam: each source's rows for a
block are the block's entities it covers, under its own keys, with its drifted text."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.builders import builds
from ..engine.streams import KEY_BLOCK, Purpose, draw_rows, name_key
from .drift import drifted
from .plan import SourceTable

DRAWS_PER_COLUMN = 3  # whether the value drifts, how, and where


def current_entities(block, table: SourceTable) -> pa.RecordBatch:
    """The block's entities as the warehouse holds them now: their current version under SCD2."""
    rows = block.built(block.plan.tables[table.entity_table])
    return rows.filter(rows.column("is_current")) if "is_current" in rows.schema.names else rows


def _uniforms(block, table: SourceTable) -> np.ndarray:
    width = 1 + DRAWS_PER_COLUMN * (1 + len(table.text_columns))
    return draw_rows(block.plan.seed, Purpose.SOURCES, block.start, np.ones(len(block), np.int64), width, name_key(table.source))


def covered(block, table: SourceTable) -> tuple[pa.RecordBatch, pa.Array]:
    """The current entity rows the source holds (a per-entity draw below its coverage) and their
    source keys, in output order: by key within each key block, so row order says nothing about
    which entity a row is, and blocks of any size give the same rows."""
    rows = current_entities(block, table)
    local = rows.column(table.entity_key).to_numpy() - 1 - block.start
    rows = rows.filter(pa.array(_uniforms(block, table)[local, 0] < table.coverage))
    ids = rows.column(table.entity_key).to_numpy()
    keys = source_keys(table, ids)
    order = pa.array(np.lexsort((np.array(keys.to_pylist(), dtype=object).astype(str), (ids - 1) // KEY_BLOCK)))
    return rows.take(order), keys.take(order)


def source_keys(table: SourceTable, entity_ids: np.ndarray) -> pa.Array:
    """Each entity's key in the source: a bijection of its index, so keys never collide and depend
    on nothing but the seed, the source and the entity."""
    index = np.asarray(entity_ids - 1, dtype=object)  # Python integers: the products pass 64 bits
    permuted = (index * table.multiplier + table.offset) % table.modulus
    if table.scheme == "numeric":
        return pa.array([str(table.start * table.modulus + int(p)) for p in permuted], pa.string())
    if table.scheme == "uuid_short":
        return pa.array([f"{_mix(int(p)):08x}" for p in permuted], pa.string())
    return pa.array([f"{table.source.upper()}-{int(p):0{table.width}d}" for p in permuted], pa.string())


def _mix(x: int) -> int:
    """A bijection on 32-bit numbers that scatters neighbouring indices (so keys look random)."""
    x ^= x >> 16
    x = (x * 0x45D9F3B) & 0xFFFFFFFF
    return x ^ (x >> 16)


@builds(SourceTable)
def source_table(block, table: SourceTable) -> pa.RecordBatch:
    rows, keys = covered(block, table)
    u = _uniforms(block, table)[rows.column(table.entity_key).to_numpy() - 1 - block.start]
    # Draw group 0 is the name's (drawn even when there is none), then one per text attribute.
    drifting = [(0, table.name_column, table.name_rate)] + [(1 + j, c, table.attribute_rate) for j, c in enumerate(table.text_columns)]
    own = {"source_key": keys}
    for i, column, rate in drifting:
        if column is None:
            continue
        hit, kind, where = (u[:, 1 + DRAWS_PER_COLUMN * i + k] for k in range(DRAWS_PER_COLUMN))
        values = rows.column(column).to_pylist()
        own[column] = pa.array([drifted(v, kind[r], where[r]) if v is not None and hit[r] < rate else v for r, v in enumerate(values)], pa.string())
    arrays = [own[c.name] if c.name in own else pc.cast(rows.column(c.name), c.type) for c in table.columns]
    return pa.RecordBatch.from_arrays(arrays, schema=table.clean_schema)
