"""Row keys that are computable inside a block: a row's id is its key block's number times 2**32
plus its 1-based position among that key block's rows. Generating any block range, or one table
alone, therefore gives exactly the ids of a full run; runs of fewer than 1,024 entities (one key
block) number their rows 1, 2, 3, ..."""

from __future__ import annotations

import numpy as np

from .streams import KEY_BLOCK

ID_STRIDE = 2**32


def block_ids(entity: np.ndarray) -> np.ndarray:
    """Ids of rows grouped by entity in ascending order (``entity`` holds each row's global entity index)."""
    key_block = entity // KEY_BLOCK
    first = np.flatnonzero(np.diff(key_block, prepend=-1))  # first row of each key block present
    ordinal = np.arange(len(entity), dtype=np.int64) - np.repeat(first, np.diff(first, append=len(entity)))
    if len(ordinal) and ordinal.max() >= ID_STRIDE - 1:
        raise ValueError(f"a block of {KEY_BLOCK} entities made more than {ID_STRIDE - 1:,} rows of one table; lower an event scale")
    return key_block * ID_STRIDE + ordinal + 1
