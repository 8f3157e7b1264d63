"""Bridge links from each entity to rows of a reference dimension.

An entity holds round(min + (max - min) x level) links, where level is its mean realised driver
value as a position on the driver's range (or its mean trajectory position without a driver):
high-engagement companies use more features. A ``links: uniform`` bridge draws the count
uniformly in [min, max] instead, whatever the entity's story. Targets are distinct, drawn without
replacement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..plan.tables import BridgeTable
from .builders import assemble, builds
from .streams import Purpose, key_blocks, name_key, stream

if TYPE_CHECKING:
    from .context import Block


def mean_value(block: Block, index: int) -> np.ndarray:
    """[entities] each entity's mean realised value of a metric over its observed periods (NaN: none)."""
    series = block.values[:, :, index]
    observed = ~np.isnan(series)
    count = observed.sum(axis=1)
    total = np.where(observed, series, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def link_level(block: Block, table: BridgeTable) -> np.ndarray:
    """Each entity's level in [0, 1]."""
    if table.driver is None:
        return np.nanmean(block.positions, axis=1)
    metric = table.driver
    mean = np.nan_to_num(mean_value(block, metric.index))  # an entity never observed sits at the bottom
    return np.clip((mean - metric.low) / (metric.high - metric.low), 0.0, 1.0)


def link_counts(block: Block, table: BridgeTable) -> np.ndarray:
    """[entities] how many links each entity holds."""
    if not table.uniform:
        return np.rint(table.low + (table.high - table.low) * link_level(block, table)).astype(np.int64)
    parts = [
        stream(block.plan.seed, Purpose.BRIDGES, key_block, name_key(table.name, "links")).integers(table.low, table.high + 1, last - first)
        for key_block, first, last in key_blocks(block.start, block.stop)
    ]
    return np.concatenate(parts).astype(np.int64)


def links(block: Block, table: BridgeTable) -> tuple[np.ndarray, np.ndarray]:
    """(local entity index, right-dimension id) of every link, by entity then id."""
    count = link_counts(block, table)
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
    from .context import Rows  # the context module builds on this one

    entity, target = block.links(table.name)
    rows = Rows.of(table.name, "bridge", block.start, np.bincount(entity, minlength=len(block)))
    keys = {table.left_key: pa.array(entity + block.start + 1, pa.int64()), table.right_key: pa.array(target, pa.int64())}
    return assemble(block, table, rows, keys)
