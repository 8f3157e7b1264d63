"""Variable and child facts: a variable fact has round(driver x scale) rows per entity and period
(the driver's realised value); a child fact has U{min..max} rows under each row of its parent (any
fact), with the parent's entity and period. Rows are grouped by entity, so their keys are block ids."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa

from ..plan.grains import GrainFactTable
from ..plan.tables import FactTable
from .builders import assemble, builds
from .context import Block, Rows
from .firings import proportional_cells
from .ids import block_ids

ROW_ROLE = "grain"  # not "fact": a row's timestamp falls inside its period, as an event's does


def grain_rows(block: Block, table: GrainFactTable | FactTable) -> Rows:
    if isinstance(table, FactTable):  # a child's per-entity-per-period parent: its rows as fact_table makes them
        return Rows.of(table.name, "fact", block.start, block.alive.sum(axis=1), np.nonzero(block.alive)[1])
    if table.parent is None:
        cells = proportional_cells(block.values[:, :, table.driver], table.scale)
        period = np.repeat(np.tile(np.arange(block.plan.periods), len(cells)), cells.reshape(-1))
        rows = Rows.of(table.name, ROW_ROLE, block.start, cells.sum(axis=1), period)
    else:
        parent = block.rows_of(block.plan.tables[table.parent])
        u = block.uniforms(parent, (table.name, "children"))[:, 0]
        span = table.high - table.low + 1
        children = table.low + np.minimum((u * span).astype(np.int64), span - 1)
        per_entity = np.bincount(parent.local, weights=children, minlength=len(block)).astype(np.int64)
        parent_row = np.repeat(np.arange(len(parent)), children)
        rows = Rows.of(table.name, ROW_ROLE, block.start, per_entity, parent.period[parent_row], parent_row=parent_row)
    return replace(rows, ids=block_ids(rows.entity))


@builds(GrainFactTable)
def grain_fact_table(block: Block, table: GrainFactTable) -> pa.RecordBatch:
    rows = block.rows_of(table)
    own = {}
    if table.parent_column is not None:
        parent = block.rows_of(block.plan.tables[table.parent])
        own[table.parent_column] = pa.array(parent.ids[rows.parent_row], pa.int64())
    return assemble(block, table, rows, own)
