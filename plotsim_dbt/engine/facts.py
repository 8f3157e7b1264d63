"""Fact tables: one row per entity and period of its life."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..plan.tables import VERSION_KEY, FactTable
from .builders import assemble, builds, version_in_force
from .context import Block, Rows


@builds(FactTable)
def fact_table(block: Block, table: FactTable) -> pa.RecordBatch:
    alive = block.alive
    rows = Rows.of(table.name, "fact", block.start, alive.sum(axis=1), np.nonzero(alive)[1])
    own = {VERSION_KEY: version_in_force(block, rows)} if table.versioned else {}
    return assemble(block, table, rows, own)
