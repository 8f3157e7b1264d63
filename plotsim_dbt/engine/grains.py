"""Variable and child facts: a variable fact has round(driver x scale) rows per entity and period
(the driver's realised value); a child fact has U{min..max} rows under each row of its parent (any
fact), with the parent's entity and period. Rows are grouped by entity, so their keys are block ids."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
from scipy import special

from ..plan.grains import GrainFactTable
from ..plan.tables import FactTable
from .builders import assemble, builds
from .context import Block, Rows
from .families import poisson_quantiles, quantile
from .firings import proportional_cells
from .ids import block_ids

ROW_ROLE = "grain"  # not "fact": a row's timestamp falls inside its period, as an event's does
_EDGE = 1e-12  # uniforms kept off 0 and 1 before the normal quantile


def grain_rows(block: Block, table: GrainFactTable | FactTable) -> Rows:
    if isinstance(table, FactTable):  # a per-entity-per-period fact, its own or a child's parent
        period = np.nonzero(block.alive)[1]
        rows = Rows.of(table.name, "fact", block.start, block.alive.sum(axis=1), period)
        return replace(rows, ids=rows.entity * block.plan.periods + period + 1)  # unique (entity, period): any id column's key
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


def row_values(block: Block, rows: Rows, index: int) -> np.ndarray:
    """A metric on a variable or child fact: each row draws it afresh around its entity-period's
    centre (the cell's family, clamp and rounding), so amounts vary per row and follow the
    trajectory; NULL where the cell is. A metric tied to a dimension (scaled_by) keeps the cell."""
    plan = block.plan
    cells = block.values[rows.local, rows.period, index]
    if any(scale.metric == index for scale in plan.scales):
        return cells
    metric = plan.metrics[index]
    centre = block.centres[rows.local, rows.period, index]
    z = special.ndtri(np.clip(block.uniforms(rows, (rows.table, metric.name, "row draw"))[:, 0], _EDGE, 1 - _EDGE))
    if metric.family == "poisson":
        values = poisson_quantiles(centre, z, plan.poisson_grids.get(index))
    else:
        values = quantile(metric.family, metric.params, centre, z, metric.low, metric.high)
    values = np.clip(values, metric.clamp_low, metric.clamp_high)
    if metric.decimals is not None:
        values = np.round(values, metric.decimals)
    return np.where(np.isnan(cells), np.nan, values)
