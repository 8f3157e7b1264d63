"""The only place random generators are made.

Every draw comes from ``stream(seed, purpose, key_block)``: a PCG64 generator keyed by the run
seed, what the numbers are for, and which block of KEY_BLOCK entities they serve. Nothing is
drawn sequentially across the run, so output does not depend on batch size, worker count or
which stages ran before. Changing KEY_BLOCK or a Purpose value changes the data: both are part of
the compatibility contract (docs/compatibility.md).
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np

KEY_BLOCK = 1024


class Purpose(IntEnum):
    # 5 (entity attributes) retired: pool columns draw under COLUMNS keyed by attribute name.
    METRICS = 1
    NOISE = 2
    OUTLIERS = 3
    MISSING = 4
    COLUMNS = 6
    REFERENCE = 7
    BRIDGES = 8
    CALENDAR = 9
    TRAJECTORIES = 10
    ARRIVAL = 11
    TREATMENT = 12  # per segment (the key block slot holds the segment index)
    CODES = 13  # per code column (key block 0, keyed by the column name)
    QUALITY = 14  # per fault table row (keyed by table, issue index and seed offset)
    SOURCES = 15  # multi-source copies of the entity dimension (keyed by the source's name)


def name_key(*names: str) -> tuple[int, ...]:
    """A stable sub-key per table/column name, so adding a table never shifts another's draws."""
    return tuple(zlib.crc32(n.encode("utf-8")) for n in names)


def stream(seed: int, purpose: Purpose, key_block: int, sub_key: tuple[int, ...] = ()) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(int(purpose), key_block, *sub_key))))


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


def draw_rows(seed: int, purpose: Purpose, start: int, rows_per_entity: np.ndarray, width: int, sub_key: tuple[int, ...]) -> np.ndarray:
    """Uniforms of shape (rows, width) for a table whose rows are grouped by entity in order
    (``rows_per_entity`` for entities start, start+1, ...); each key block from its own stream."""
    stop = start + len(rows_per_entity)
    ends = np.concatenate([[0], np.cumsum(rows_per_entity)])
    parts = []
    for block, first, last in key_blocks(start, stop):
        rows = int(ends[last - start] - ends[first - start])
        parts.append(stream(seed, purpose, block, sub_key).random((rows, width)))
    return np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else np.empty((0, width))
