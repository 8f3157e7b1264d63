"""The only place random generators are made.

Every draw comes from ``stream(seed, purpose, key_block)``: a PCG64 generator keyed by the run
seed, what the numbers are for, and which block of KEY_BLOCK entities they serve. Nothing is
drawn sequentially across the run, so output does not depend on batch size, worker count or
which stages ran before. Changing KEY_BLOCK or a Purpose value changes the data: both are part of
the compatibility contract (docs/compatibility.md).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

KEY_BLOCK = 1024


class Purpose(IntEnum):
    METRICS = 1
    NOISE = 2
    OUTLIERS = 3
    MISSING = 4
    ATTRIBUTES = 5


def stream(seed: int, purpose: Purpose, key_block: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(int(purpose), key_block))))


def key_blocks(start: int, stop: int) -> list[tuple[int, int, int]]:
    """(key block, first entity, one past last entity) for entities [start, stop); start is aligned."""
    if start % KEY_BLOCK:
        raise ValueError(f"batches must start on a multiple of {KEY_BLOCK} entities")
    return [(start // KEY_BLOCK + i, s, min(s + KEY_BLOCK, stop)) for i, s in enumerate(range(start, stop, KEY_BLOCK))]


def draw(seed: int, purpose: Purpose, start: int, stop: int, per_entity: tuple[int, ...], kind: str = "normal") -> np.ndarray:
    """Draws of shape (stop - start, *per_entity), each key block from its own stream."""
    parts = []
    for block, first, last in key_blocks(start, stop):
        rng = stream(seed, purpose, block)
        shape = (last - first, *per_entity)
        parts.append(rng.standard_normal(shape) if kind == "normal" else rng.random(shape))
    return np.concatenate(parts) if len(parts) > 1 else parts[0]
