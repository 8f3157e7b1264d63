"""The SCD2 history a correct ``dbt snapshot`` holds after each batch, from the block's changes.

A snapshot's unique key is a source row's key: the entity for the dimension, (entity, period)
for a per-entity-per-period fact, the row's id for a variable or child fact. Batch n's extract
is the source as the feed has delivered it by the cut of batch n: per key, the change with the
highest ``_seq`` committed so far, absent once that change is a delete. A snapshot run per batch
sees these extracts in turn. The ``timestamp`` strategy opens a version whenever the extract's
row is a later change; ``check`` (check_cols: the columns that change, ``updated_at`` set) only
when the row's values differ from the open version's. A version closes when the next one opens
(valid_to = its updated_at) or, with ``hard_deletes: invalidate`` or ``new_record``, when its
key leaves the extract; ``new_record`` then adds a deletion record in the same run. A deleted
key never returns: its delete is its last change."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..columns.nested import as_json
from .feed import DELETE, Changes, batch_of, batches

STRATEGIES = ("timestamp", "check")
CLOSED_BY = np.array([None, "update", "delete"], dtype=object)
_OPEN, _UPDATE, _DELETE = range(3)


def row_keys(found: Changes) -> tuple[np.ndarray, int]:
    """(index of each change's source row key, number of keys), keys in (entity, row key) order: the row
    key is the row id of a variable or child fact, else the row period (-1 for the dimension)."""
    row = np.where(found.row_id >= 0, found.row_id, found.row_period)
    order = np.lexsort((row, found.entity))
    new = np.r_[True, (np.diff(found.entity[order]) != 0) | (np.diff(row[order]) != 0)] if len(order) else np.zeros(0, bool)
    index = np.empty(len(order), np.int64)
    index[order] = np.cumsum(new) - 1
    return index, int(new.sum())


def signatures(values: pa.Table) -> np.ndarray:
    """One integer per row image, equal for equal images (compared within one key only)."""
    sig = np.zeros(values.num_rows, dtype=np.uint64)
    for column in values.columns:
        column = as_json(column) if pa.types.is_nested(column.type) else column.combine_chunks()  # struct / list: by their JSON text
        codes = pc.dictionary_encode(column).indices.fill_null(-1).to_numpy(zero_copy_only=False)
        sig = sig * np.uint64(1_000_003) + codes.astype(np.uint64)
    return sig


def observed(plan, table, found: Changes, key: np.ndarray, keys: int) -> np.ndarray:
    """[keys, batches + 1] index of the change each batch's extract shows (-1: none yet); column 0 is before batch 1.
    ``key`` gives each change's key index (``row_keys``)."""
    count = batches(plan, table)
    first = batch_of(plan, table, found.commit)
    best = np.full((keys, count + 1), -1, dtype=np.int64)
    order = np.lexsort((found.seq, first, key))  # per key and batch, the highest seq last
    k, b = key[order], np.minimum(first[order], count + 1)
    keep = b <= count
    best[k[keep], b[keep]] = order[keep]  # later (higher seq) assignments win
    # carry the latest delivered change forward: the highest seq among batches so far
    seq_of = np.where(best >= 0, found.seq[np.maximum(best, 0)], -1)
    running = np.maximum.accumulate(seq_of, axis=1)
    pick = np.maximum.accumulate(np.where(seq_of == running, np.arange(count + 1)[None, :], 0), axis=1)
    return np.take_along_axis(best, pick, axis=1)


def versions(plan, table, found: Changes, key: np.ndarray, keys: int, strategy: str) -> dict[str, np.ndarray]:
    """Every snapshot version per key, then its deletion record (``deleted``, opened by the run that
    finds the key gone; ``change`` is the delete): change it holds, first batch, closing batch, how
    and by which change."""
    seen = observed(plan, table, found, key, keys)
    sig = signatures(found.values)
    rows = np.arange(keys)
    current = np.full(keys, -1)  # change held by the open version
    open_version = np.full(keys, -1)
    opened = {k: [] for k in ("key", "change", "first_batch", "deleted")}
    closed = {k: [] for k in ("version", "batch", "by", "change")}
    count = 0
    for n in range(1, seen.shape[1]):
        shown = seen[:, n]
        at = np.maximum(shown, 0)
        live = (shown >= 0) & (found.op[at] != DELETE)
        gone = (shown >= 0) & ~live & (open_version >= 0)
        if strategy == "timestamp":
            opens = live & (shown != current)
        else:
            opens = live & ((current < 0) | (sig[at] != sig[np.maximum(current, 0)]))
        for ends, by in ((opens & (open_version >= 0), _UPDATE), (gone, _DELETE)):
            closed["version"].append(open_version[ends])
            closed["batch"].append(np.full(ends.sum(), n))
            closed["by"].append(np.full(ends.sum(), by))
            closed["change"].append(shown[ends] if by == _UPDATE else np.full(ends.sum(), -1))
        new = opens | gone
        opened["key"].append(rows[new])
        opened["change"].append(shown[new])
        opened["first_batch"].append(np.full(new.sum(), n))
        opened["deleted"].append(gone[new])
        open_version[new] = count + np.arange(new.sum())
        count += new.sum()
        current[opens] = shown[opens]
        open_version[gone] = -1
        current[gone] = -1
    made = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in opened.items()}
    made["deleted"] = made["deleted"].astype(bool)
    ends = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in closed.items()}
    made["closed_batch"] = np.full(count, -1, dtype=np.int64)
    made["closed_change"] = np.full(count, -1, dtype=np.int64)
    by = np.full(count, _OPEN)
    made["closed_batch"][ends["version"]] = ends["batch"]
    made["closed_change"][ends["version"]] = ends["change"]
    by[ends["version"]] = ends["by"]
    made["closed_by"] = CLOSED_BY[by]
    order = np.lexsort((made["deleted"], made["first_batch"], made["key"]))
    return {k: v[order] for k, v in made.items()}
