"""Bridge links from each entity to rows of a reference dimension.

An entity holds round(min + (max - min) x level) links, where level is its mean realised driver
value as a position on the driver's range (or its mean trajectory position without a driver):
high-engagement companies use more features. Targets are distinct, drawn without replacement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..plan.tables import BridgeTable
from .builders import builds
from .streams import Purpose, key_blocks, name_key, stream

if TYPE_CHECKING:
    from .context import Block


def link_level(block: Block, table: BridgeTable) -> np.ndarray:
    """Each entity's level in [0, 1]."""
    if table.driver is None:
        return np.nanmean(block.positions, axis=1)
    metric = table.driver
    series = block.values[:, :, metric.index]
    observed = ~np.isnan(series)
    mean = np.where(observed, series, 0.0).sum(axis=1) / np.maximum(observed.sum(axis=1), 1)
    return np.clip((mean - metric.low) / (metric.high - metric.low), 0.0, 1.0)


def links(block: Block, table: BridgeTable) -> tuple[np.ndarray, np.ndarray]:
    """(local entity index, right-dimension id) of every link, by entity then id."""
    count = np.rint(table.low + (table.high - table.low) * link_level(block, table)).astype(np.int64)
    right = table.right_rows
    parts = []
    for key_block, first, last in key_blocks(block.start, block.stop):
        keys = stream(block.plan.seed, Purpose.BRIDGES, key_block, name_key(table.name)).random((last - first, right))
        order = np.argsort(keys, axis=1, kind="stable")
        chosen = np.zeros_like(keys, dtype=bool)
        np.put_along_axis(chosen, order, np.arange(right)[None, :] < count[first - block.start : last - block.start, None], axis=1)
        parts.append(chosen)
    chosen = np.concatenate(parts) if len(parts) > 1 else parts[0]
    entity, target = np.nonzero(chosen)
    return entity, target + 1


@builds(BridgeTable)
def bridge_table(block: Block, table: BridgeTable) -> pa.RecordBatch:
    entity, target = block.links(table.name)
    arrays = [pa.array(entity + block.start + 1, pa.int64()), pa.array(target, pa.int64())]
    return pa.RecordBatch.from_arrays(arrays, schema=table.schema)
