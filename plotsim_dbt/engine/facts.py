"""Fact tables: one row per entity and period of its life."""

from __future__ import annotations

import pyarrow as pa

from ..plan.tables import VERSION_KEY, FactTable
from .builders import assemble, builds, version_in_force
from .context import Block


@builds(FactTable)
def fact_table(block: Block, table: FactTable) -> pa.RecordBatch:
    rows = block.rows_of(table)
    own = {VERSION_KEY: version_in_force(block, rows)} if table.versioned else {}
    return assemble(block, table, rows, own)
