"""Truth about bridges: every link of every bridge."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..plan.tables import BridgeTable
from .registry import declare


def _links(block) -> dict:
    """Links of every bridge, by entity, then bridge in declared order, then right id (so any block
    size concatenates to the same table)."""
    bridges = block.plan.tables_of(BridgeTable)
    parts = [(b, *block.links(table.name)) for b, table in enumerate(bridges)]
    which = np.concatenate([np.full(len(entity), b) for b, entity, _ in parts] or [[]]).astype(np.int64)
    left = np.concatenate([entity for _, entity, _ in parts] or [[]]).astype(np.int64) + block.start + 1
    right = np.concatenate([target for _, _, target in parts] or [[]]).astype(np.int64)
    order = np.lexsort((right, which, left))
    names = pa.array([t.name for t in bridges], pa.string())
    return {"bridge": names.take(pa.array(which[order])), "left_id": left[order], "right_id": right[order]}


def _associations(rows: pa.Table, plan) -> dict:
    out = []
    bridge, left, right = (rows.column(c).to_numpy(zero_copy_only=False) for c in ("bridge", "left_id", "right_id"))
    for table in plan.tables_of(BridgeTable):
        mine = bridge == table.name
        ids, targets = left[mine], right[mine]
        order = np.argsort(ids, kind="stable")
        ids, targets = ids[order], targets[order]
        if not len(ids):
            continue
        cuts = np.flatnonzero(np.diff(ids)) + 1
        firsts = ids[np.concatenate([[0], cuts])]
        names = plan.names_of(firsts - 1).to_pylist()
        for name, entity, chosen in zip(names, firsts.tolist(), np.split(targets, cuts)):
            out.append({"bridge": table.name, "entity": name, "entity_id": entity, "targets": chosen.tolist(), "cardinality": len(chosen)})
    return {"bridge_associations": out}


declare(
    "truth_bridge_links",
    "Ground truth: every bridge link (bridge, left entity id, right id).",
    [
        ("bridge", pa.string(), "The bridge table."),
        ("left_id", pa.int64(), "The entity (left side)."),
        ("right_id", pa.int64(), "The right-dimension row it links to."),
    ],
    per_block=_links,
    manifest=_associations,
    entity_column="left_id",
)
