"""Checks the quality-fault tests share: a hit count within its binomial tolerance, and the clean
table restored from a faulted one and its truth records (as docs/quality.md describes)."""

from __future__ import annotations

import json
from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from plotsim_dbt.quality.faults import EXTRA_ROW, MISSING_ROW
from plotsim_dbt.quality.inject import row_keys


def within(hits: int, n: int, rate: float) -> None:
    sd = (n * rate * (1 - rate)) ** 0.5
    assert abs(hits - n * rate) <= 4 * sd + 1, f"{hits} hits of {n} rows at rate {rate}"


def restore(raw: pa.Table, faults: pa.Table, clean_schema: pa.Schema, key: tuple[str, ...]) -> pa.Table:
    """The clean table from the faulted one and its truth records, as the docs describe."""
    faults = faults.to_pylist()
    extra = Counter(f["row_key"] for f in faults if f["column_name"] == EXTRA_ROW)
    cells = {(f["row_key"], f["column_name"]): f["clean_value"] for f in faults if f["issue"] in ("null_injection", "type_mismatch", "schema_drift")}
    text = pa.table({name: pc.cast(raw[name], pa.string()) for name in clean_schema.names})
    rows = []
    for k, row in zip(row_keys(raw, key).to_pylist(), text.to_pylist()):
        if extra[k] and rows and rows[-1][0] == k:  # a copy follows its row
            extra[k] -= 1
            continue
        rows.append((k, {c: cells.get((k, c), v) for c, v in row.items()}))
    restored = [row for _, row in rows]
    restored += [
        {c: None if v is None else str(v) for c, v in json.loads(f["clean_value"]).items()} for f in faults if f["column_name"] == MISSING_ROW
    ]
    table = pa.Table.from_pylist(restored, pa.schema([(n, pa.string()) for n in clean_schema.names])).cast(clean_schema)
    return table.sort_by([(c, "ascending") for c in key])
