"""Truth about source quality faults: every injected fault with the row it hit and the clean value
(plotsim_dbt/quality). Applying the records to the faulted tables gives the clean tables back."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..quality.inject import RECORD_COLUMNS
from .registry import declare


def _faults(block) -> dict:
    found = [block.injected(t).records for t in block.plan.tables.values() if t.faults]
    if not found:
        return {name: [] for name in RECORD_COLUMNS}
    records = {name: pa.concat_arrays([f[name] for f in found]) for name in RECORD_COLUMNS}
    # Entity order (then table, fault and row), so blocks concatenate to the same table at any block size.
    order = pa.array(np.argsort(records["entity_id"].to_numpy(), kind="stable"))
    return {name: values.take(order) for name, values in records.items()}


def _quality_records(rows: pa.Table, plan) -> dict:
    """The reference generator's ``quality_injections`` for the sampled entities: one record per
    issue and column, its rows named by their keys (``row_keys``; the reference lists positions)."""
    groups: dict[tuple, dict] = {}
    for row in rows.to_pylist():
        key = (row["issue_index"], row["issue"], row["table_name"], row["column_name"])
        group = groups.setdefault(key, {"row_keys": [], "clean_values": []})
        group["row_keys"].append(row["row_key"])
        group["clean_values"].append(row["clean_value"])
    return {
        "quality_injections": [
            {"issue_index": index, "issue_type": issue, "table": table, "column": column, **found}
            for (index, issue, table, column), found in sorted(groups.items(), key=lambda item: item[0][0])
        ]
    }


declare(
    "truth_quality_faults",
    "Ground truth: every quality fault injected into a fact (any grain) or event table, with the row it hit and the clean value.",
    [
        ("table_name", pa.string(), "The faulted table."),
        (
            "row_key",
            pa.string(),
            "The row's primary key values as text, joined by '|' in key order "
            "(a per-entity-per-period fact: date_key|entity id; a variable or child fact or an event: its id).",
        ),
        ("entity_id", pa.int64(), "The row's entity."),
        (
            "column_name",
            pa.string(),
            "The column hit; _extra_row (a copied row: remove one copy), _missing_row (a removed row) or _arrival_period (a late row).",
        ),
        ("issue", pa.string(), "null_injection, duplicate_rows, type_mismatch, late_arrival, schema_drift or volume_anomaly."),
        ("issue_index", pa.int32(), "Position of the issue in the config's quality list."),
        (
            "clean_value",
            pa.string(),
            "The clean value as text; a late row: the date key of the period it belongs to; a removed row: the row as JSON; a copied row: null.",
        ),
    ],
    per_block=_faults,
    manifest=_quality_records,
)
