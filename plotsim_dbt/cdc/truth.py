"""Truth of the change feeds: every true change with how it was delivered (replayed by ``_seq``,
the changes give every key's state at every time), and the SCD2 history a correct dbt snapshot
holds after each batch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..truth.registry import declare
from .feed import DELETE, changes_of
from .history import STRATEGIES, row_keys, versions
from .plan import OPS, ChangeTable

MICROS = 1_000_000


def _feeds(block) -> list[ChangeTable]:
    return [t for t in block.plan.tables.values() if isinstance(t, ChangeTable)]


def _superseded(found) -> np.ndarray:
    """Change time of the same key's next change, -1 for its last."""
    key, _ = row_keys(found)
    order = np.lexsort((found.seq, key))
    nxt = np.full(len(key), -1)
    same = key[order][1:] == key[order][:-1]
    nxt[order[:-1][same]] = found.at[order[1:][same]]
    return nxt


def _ts(seconds: np.ndarray) -> pa.Array:
    return pa.array(seconds * MICROS, pa.int64(), mask=seconds < 0).cast(pa.timestamp("us"))


def _changes(block) -> dict:
    parts = []
    for table in _feeds(block):
        found = changes_of(block, table)
        parts.append(
            pa.table(
                {
                    "cdc_table": pa.array([table.name] * len(found.op), pa.string()),
                    "entity_id": block.start + found.entity + 1,
                    "period_index": pa.array(found.row_period, pa.int32(), mask=found.row_period < 0),
                    "row_id": pa.array(found.row_id, pa.int64(), mask=found.row_id < 0),
                    "seq": found.seq,
                    "op": pa.array(OPS, pa.string()).take(pa.array(found.op)),
                    "changed_at": _ts(found.at),
                    "superseded_at": _ts(_superseded(found)),
                    "committed_at": _ts(found.commit),
                    "is_late": found.late,
                    "is_out_of_order": found.out_of_order,
                    "duplicated": found.copy_commit >= 0,
                }
            )
        )
    return _columns(parts, CHANGES, ["entity_id", "cdc_table", "seq"])


def _snapshots(block) -> dict:
    parts = []
    date_keys = block.plan.axis.date_keys
    for table in _feeds(block):
        found = changes_of(block, table)
        key, keys = row_keys(found)
        for strategy in STRATEGIES:
            v = versions(block.plan, table, found, key, keys, strategy)
            change, nxt = v["change"], v["closed_change"]
            period, row_id = found.row_period[change], found.row_id[change]
            parts.append(
                pa.table(
                    {
                        "cdc_table": pa.array([table.name] * len(change), pa.string()),
                        "entity_id": block.start + found.entity[change] + 1,
                        "period_index": pa.array(period, pa.int32(), mask=period < 0),
                        "date_key": pa.array(date_keys[np.maximum(period, 0)], pa.int32(), mask=period < 0),
                        "row_id": pa.array(row_id, pa.int64(), mask=row_id < 0),
                        "strategy": pa.array([strategy] * len(change), pa.string()),
                        "is_deleted": v["deleted"],
                        "seq": found.seq[change],
                        "valid_from": _ts(np.where(v["deleted"], -1, found.at[change])),
                        "valid_to": _ts(np.where(nxt >= 0, found.at[np.maximum(nxt, 0)], -1)),
                        "first_batch": pa.array(v["first_batch"], pa.int32()),
                        "closed_batch": pa.array(v["closed_batch"], pa.int32(), mask=v["closed_batch"] < 0),
                        "closed_by": pa.array(v["closed_by"].tolist(), pa.string()),
                    }
                )
            )
    return _columns(parts, SNAPSHOTS, ["entity_id", "cdc_table", "strategy", "period_index", "row_id", "first_batch", "is_deleted"])


def _columns(parts: list[pa.Table], truth, order: list[str]) -> dict:
    if not parts:
        return {name: pa.array([], kind) for name, kind, _ in truth.columns}
    # rows of a block by entity first, so the blocks of any block size concatenate to the same table
    table = pa.concat_tables(parts).cast(truth.schema).sort_by([(c, "ascending") for c in order])
    return {name: table.column(name).combine_chunks() for name in table.column_names}


CHANGES = declare(
    "truth_cdc_changes",
    "Ground truth: every true change of every change feed (no duplicates), with how the feed delivered it; a key's state "
    "at time t is the change with changed_at <= t < superseded_at (none after a delete).",
    [
        ("cdc_table", pa.string(), "The change feed."),
        ("entity_id", pa.int64(), "The entity whose row changed."),
        (
            "period_index",
            pa.int32(),
            "Facts: the changed row's period (of a per-entity-per-period fact, with entity_id, its key); NULL for the dimension.",
        ),
        ("row_id", pa.int64(), "Variable and child facts: the changed row's id (its key); NULL otherwise."),
        ("seq", pa.int64(), "The change's _seq in the feed."),
        ("op", pa.string(), "insert, update or delete."),
        ("changed_at", pa.timestamp("us"), "When the change happened."),
        ("superseded_at", pa.timestamp("us"), "When the same key changed next; NULL for its last change."),
        ("committed_at", pa.timestamp("us"), "When the feed first delivered it."),
        ("is_late", pa.bool_(), "Delivered late (late_rate)."),
        ("is_out_of_order", pa.bool_(), "Held back within out_of_order_window (out_of_order_rate)."),
        ("duplicated", pa.bool_(), "Delivered twice (duplicate_rate)."),
    ],
    per_block=_changes,
)

SNAPSHOTS = declare(
    "truth_snapshot_versions",
    "Ground truth: the SCD2 versions a correct dbt snapshot of each change feed's extract holds (the entity dimension's: "
    "one row per entity; a per-entity-per-period fact's: one per entity and period; a variable or child fact's: one per row id), "
    "run once per batch (var plotsim_batch) with the timestamp or the check strategy; after batch N keep the rows with "
    "first_batch <= N (and is_deleted only with hard_deletes new_record).",
    [
        ("cdc_table", pa.string(), "The change feed the snapshot reads (its extract)."),
        (
            "entity_id",
            pa.int64(),
            "The entity: the snapshot's unique key (with date_key for a per-entity-per-period fact; a variable or child fact's is row_id).",
        ),
        ("period_index", pa.int32(), "Facts: the row's period (0 = the window's first); NULL for the dimension."),
        (
            "date_key",
            pa.int32(),
            "Facts: the row's date_key (YYYYMMDD), for a per-entity-per-period fact the other half of the snapshot's unique key; "
            "NULL for the dimension.",
        ),
        ("row_id", pa.int64(), "Variable and child facts: the row's id, the snapshot's unique key; NULL otherwise."),
        ("strategy", pa.string(), "timestamp, or check (check_cols: the columns that change, updated_at set)."),
        (
            "is_deleted",
            pa.bool_(),
            "A deletion record: the row hard_deletes new_record adds (dbt_is_deleted) in the run that finds the key gone; "
            "a snapshot with ignore or invalidate has none.",
        ),
        ("seq", pa.int64(), "_seq of the change whose row the version holds (a deletion record: of the delete)."),
        (
            "valid_from",
            pa.timestamp("us"),
            "dbt_valid_from: the updated_at (_changed_at) of that change; NULL for a deletion record (dbt stamps it with the run's clock).",
        ),
        ("valid_to", pa.timestamp("us"), "dbt_valid_to once the next version opens (its updated_at); NULL otherwise."),
        ("first_batch", pa.int32(), "The batch whose snapshot run opens the version."),
        ("closed_batch", pa.int32(), "The batch whose run closes it; NULL while open at the last batch (a deletion record stays open)."),
        (
            "closed_by",
            pa.string(),
            "update (the next version), delete (key left the extract: closed only with hard_deletes invalidate or new_record, "
            "at the run's time), NULL while open.",
        ),
    ],
    per_block=_snapshots,
)

__all__ = ["CHANGES", "DELETE", "SNAPSHOTS"]
