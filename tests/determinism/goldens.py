"""Golden per-table digests of the bundled templates: a change to generated data must be deliberate.

``python tests/determinism/goldens.py`` rewrites tests/data/golden_digests.json after a deliberate
data change (say why in CHANGELOG.md). Each column is digested separately, so a failing comparison
names the columns that moved. Columns drawn from Faker's locale data are compared only under the
Faker release the goldens were recorded with (a Faker release may edit its word lists).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import pyarrow as pa

GOLDEN_FILE = Path(__file__).resolve().parents[1] / "data" / "golden_digests.json"
TEMPLATES = ("saas", "hr", "retail", "marketing", "banking", "health")
# Run metadata (generator version, config hash) is not data.
EXCLUDED_TABLES = {"truth_run"}


def column_digest(column: pa.ChunkedArray | pa.Array) -> str:
    """sha256 of a column's Arrow IPC bytes: type, validity and values, whatever its chunking."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    table = pa.table({"c": array})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def warehouse_digests(template: str) -> dict[str, dict]:
    """{table: {"rows": n, "columns": {column: digest}}} of a template's tables and truth tables."""
    from plotsim_dbt import load_template
    from plotsim_dbt.api import generate_arrow

    config = load_template(template)
    tables, state = generate_arrow(config)
    tables |= state.truth
    return {
        name: {"rows": table.num_rows, "columns": {c: column_digest(table.column(c)) for c in table.column_names}}
        for name, table in sorted(tables.items())
        if name not in EXCLUDED_TABLES
    }


def faker_columns(template: str) -> set[tuple[str, str]]:
    """(table, column) pairs whose values come from Faker's locale data."""
    from plotsim_dbt import load_template
    from plotsim_dbt.columns.realistic import RealisticColumn

    schema = load_template(template).schema
    return {
        (t.name, c.name)
        for group in (schema.dimensions, schema.facts, schema.events)
        for t in group
        for c in t.columns
        if isinstance(c, RealisticColumn)
    }


def record() -> dict:
    return {
        "faker": importlib.metadata.version("faker"),
        "templates": {name: warehouse_digests(name) for name in TEMPLATES},
    }


if __name__ == "__main__":
    GOLDEN_FILE.write_text(json.dumps(record(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN_FILE}")
