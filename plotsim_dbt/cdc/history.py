"""The SCD2 history a correct ``dbt snapshot`` holds after each batch, from the block's changes.

Batch n's extract is the source as the feed has delivered it by the cut of batch n: per key, the
change with the highest ``_seq`` committed so far, absent once that change is a delete. A snapshot
run per batch sees these extracts in turn. The ``timestamp`` strategy opens a version whenever
the extract's row is a later change; ``check`` (check_cols: the columns that change, ``updated_at`` set) only when
the row's values differ from the open version's. A version closes when the next one opens
(valid_to = its updated_at) or, with ``hard_deletes: invalidate``, when its key leaves the extract."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .feed import DELETE, Changes, batch_of, batches

STRATEGIES = ("timestamp", "check")


def signatures(values: pa.Table) -> np.ndarray:
    """One integer per row image, equal for equal images (compared within one entity only)."""
    sig = np.zeros(values.num_rows, dtype=np.uint64)
    for column in values.columns:
        codes = pc.dictionary_encode(column.combine_chunks()).indices.fill_null(-1).to_numpy(zero_copy_only=False)
        sig = sig * np.uint64(1_000_003) + codes.astype(np.uint64)
    return sig


def observed(plan, table, found: Changes, entities: int) -> np.ndarray:
    """[entities, batches + 1] index of the change each batch's extract shows (-1: none yet); column 0 is before batch 1."""
    count = batches(plan, table)
    first = batch_of(plan, table, found.commit)
    best = np.full((entities, count + 1), -1, dtype=np.int64)
    order = np.lexsort((found.seq, first, found.entity))  # per entity and batch, the highest seq last
    e, b = found.entity[order], np.minimum(first[order], count + 1)
    keep = b <= count
    best[e[keep], b[keep]] = order[keep]  # later (higher seq) assignments win
    # carry the latest delivered change forward: the highest seq among batches so far
    seq_of = np.where(best >= 0, found.seq[np.maximum(best, 0)], -1)
    running = np.maximum.accumulate(seq_of, axis=1)
    pick = np.maximum.accumulate(np.where(seq_of == running, np.arange(count + 1)[None, :], 0), axis=1)
    return np.take_along_axis(best, pick, axis=1)


def versions(plan, table, found: Changes, entities: int, strategy: str) -> dict[str, np.ndarray]:
    """Every snapshot version per entity: change it holds, first batch, closing batch and how."""
    seen = observed(plan, table, found, entities)
    sig = signatures(found.values)
    rows = np.arange(entities)
    current = np.full(entities, -1)  # change held by the open version
    open_version = np.full(entities, -1)
    out = {k: [] for k in ("entity", "change", "first_batch")}
    closed_batch, closed_by, closed_change = {}, {}, {}
    count = 0
    for n in range(1, seen.shape[1]):
        shown = seen[:, n]
        live = (shown >= 0) & (found.op[np.maximum(shown, 0)] != DELETE)
        gone = (shown >= 0) & ~live & (open_version >= 0)
        if strategy == "timestamp":
            opens = live & (shown != current)
        else:
            opens = live & ((current < 0) | (sig[np.maximum(shown, 0)] != sig[np.maximum(current, 0)]))
        for v, e in zip(open_version[opens & (open_version >= 0)], rows[opens & (open_version >= 0)]):
            closed_batch[v], closed_by[v], closed_change[v] = n, "update", shown[e]
        for v in open_version[gone]:
            closed_batch[v], closed_by[v] = n, "delete"
        new = rows[opens]
        out["entity"].append(new)
        out["change"].append(shown[opens])
        out["first_batch"].append(np.full(len(new), n))
        open_version[new] = count + np.arange(len(new))
        count += len(new)
        current[opens] = shown[opens]
        open_version[gone] = -1
        current[gone] = -1
    made = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in out.items()}
    ids = np.arange(count)
    made["closed_batch"] = np.array([closed_batch.get(v, -1) for v in ids], dtype=np.int64)
    made["closed_by"] = np.array([closed_by.get(v) for v in ids], dtype=object)
    made["closed_change"] = np.array([closed_change.get(v, -1) for v in ids], dtype=np.int64)
    order = np.lexsort((made["first_batch"], made["entity"]))
    return {k: v[order] for k, v in made.items()}
