"""One block function: the rows of every per-entity table (and per-block truth table) for a range
of entities, or only of the tables asked for. Any block range, generated alone, gives exactly the
rows a full run gives; blocks concatenate in entity order."""

from __future__ import annotations

from collections.abc import Collection

import pyarrow as pa

from ..cdc import builder as _cdc  # noqa: F401  (registers the change-feed builder)
from ..plan.resolve import Plan
from ..quality import clean_name
from ..sources import builder as _sources  # noqa: F401  (registers the source-table builder)
from ..truth import block_tables
from . import bridges, dims, events, facts, grains  # noqa: F401  (register the table builders)
from .builders import BUILDERS
from .context import Block


def build_block(plan: Plan, start: int, stop: int, names: Collection[str] | None = None) -> dict[str, pa.RecordBatch]:
    """{table: RecordBatch} for entities [start, stop): data tables in build order, then truth tables.
    A table with quality faults comes with its clean rows too, under ``clean_name(table)``, for the
    views computed from clean values."""
    block = Block(plan, start, stop)
    out = {}
    for table in plan.tables.values():
        if table.per_entity and (names is None or table.name in names):
            out[table.name] = block.table(table)
            if table.faults:
                out[clean_name(table.name)] = block.built(table)
    for truth in block_tables():
        if names is None or truth.name in names:
            out[truth.name] = truth.batch(truth.per_block(block))
    return out


def global_tables(plan: Plan, names: Collection[str] | None = None) -> dict[str, pa.Table]:
    """Tables made once per run (dim_date, reference dimensions)."""
    block = Block(plan, 0, 0)
    return {
        table.name: pa.Table.from_batches([BUILDERS[type(table)](block, table)])
        for table in plan.tables.values()
        if not table.per_entity and (names is None or table.name in names)
    }
