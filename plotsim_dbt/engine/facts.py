"""Fact tables: one row per entity and period."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..plan.tables import VERSION_KEY, FactTable
from .builders import assemble, builds, version_in_force
from .context import Block, Rows


@builds(FactTable)
def fact_table(block: Block, table: FactTable) -> pa.RecordBatch:
    periods = block.plan.periods
    rows = Rows.of(table.name, "fact", block.start, np.full(len(block), periods, dtype=np.int64), np.tile(np.arange(periods), len(block)))
    own = {VERSION_KEY: version_in_force(block, rows)} if table.versioned else {}
    return assemble(block, table, rows, own)
