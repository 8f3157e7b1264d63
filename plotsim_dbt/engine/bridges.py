"""Bridge links from each entity to rows of a reference dimension.

An entity holds round(min + (max - min) x level) links, where level is its mean realised driver
value as a position on the driver's range (or its mean trajectory position without a driver):
high-engagement companies use more features. Targets are distinct, drawn without replacement."""

from __future__ import annotations

import numpy as np

from ..config.schema import Bridge, reference_rows
from ..plan.resolve import Plan
from .streams import Purpose, key_blocks, name_key, stream


def link_level(plan: Plan, bridge: Bridge, start: int, values: np.ndarray) -> np.ndarray:
    """Each entity's level in [0, 1]."""
    if bridge.driver is None:
        segment = plan.entity_segment[start : start + len(values)]
        return plan.positions.mean(axis=1)[segment]
    metric = plan.metric(bridge.driver)
    series = values[:, :, metric.index]
    observed = ~np.isnan(series)
    mean = np.where(observed, series, 0.0).sum(axis=1) / np.maximum(observed.sum(axis=1), 1)
    return np.clip((mean - metric.low) / (metric.high - metric.low), 0.0, 1.0)


def links(plan: Plan, bridge: Bridge, start: int, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(local entity index, right-dimension id) of every link, by entity then id."""
    low, high = bridge.cardinality
    count = np.rint(low + (high - low) * link_level(plan, bridge, start, values)).astype(np.int64)
    right = reference_rows(plan.config.schema.dimension(bridge.right))
    parts = []
    for block, first, last in key_blocks(start, start + len(values)):
        keys = stream(plan.seed, Purpose.BRIDGES, block, name_key(bridge.name)).random((last - first, right))
        order = np.argsort(keys, axis=1, kind="stable")
        chosen = np.zeros_like(keys, dtype=bool)
        np.put_along_axis(chosen, order, np.arange(right)[None, :] < count[first - start : last - start, None], axis=1)
        parts.append(chosen)
    chosen = np.concatenate(parts) if len(parts) > 1 else parts[0]
    entity, target = np.nonzero(chosen)
    return entity, target + 1
