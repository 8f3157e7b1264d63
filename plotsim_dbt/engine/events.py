"""Event tables: the rows of the cells that fire (see firings), with ids and the version in force."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa

from ..plan.tables import VERSION_KEY, EventTable
from .builders import assemble, builds, version_in_force
from .context import Block, Rows
from .firings import event_cells
from .ids import block_ids


@builds(EventTable)
def event_table(block: Block, table: EventTable) -> pa.RecordBatch:
    cells = event_cells(table, block.values)
    period = np.repeat(np.tile(np.arange(block.plan.periods), len(cells)), cells.reshape(-1))
    rows = Rows.of(table.name, "event", block.start, cells.sum(axis=1), period, placed=table.placed)
    rows = replace(rows, ids=block_ids(rows.entity))
    own = {VERSION_KEY: version_in_force(block, rows)} if table.versioned else {}
    return assemble(block, table, rows, own)
