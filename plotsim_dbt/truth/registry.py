"""The truth registry: every ground-truth table declared once, with its columns (name, Arrow type,
meaning), how its rows are made and what it contributes to manifest.json.

Rows are made either per run from the plan (``per_run``) or block by block by the engine
(``per_block``, for tables that grow with the entities, so they stream like facts). The truth
tables, manifest.json and the dbt descriptions are all renderings of these declarations; adding
a truth table is one ``declare(...)`` call in one of this package's modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from ..engine.context import Block
    from ..plan.resolve import Plan

Columns = dict[str, Any]  # column name -> values (numpy, list or Arrow), in declared order


@dataclass(frozen=True)
class TruthTable:
    name: str
    description: str
    columns: tuple[tuple[str, pa.DataType, str], ...]  # (name, type, meaning)
    per_run: Callable[[Plan, Mapping[str, int]], Columns] | None = None  # (plan, table row counts) -> columns
    per_block: Callable[[Block], Columns] | None = None
    # Sections of manifest.json rendered from the table's rows (only sampled entities' rows when it has entity_id).
    manifest: Callable[[pa.Table, Plan], dict[str, Any]] | None = None
    # Per-block renderers that list every sampled entity, rows or not, also take the sampled entities' indices.
    manifest_lists_sample: bool = False
    entity_column: str = "entity_id"  # per-block tables: the column holding each row's entity
    needs_row_counts: bool = False  # per-run tables made from every table's row count (so all are generated)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(name, kind) for name, kind, _ in self.columns])

    @property
    def column_descriptions(self) -> dict[str, str]:
        return {name: meaning for name, _, meaning in self.columns}

    def batch(self, columns: Columns) -> pa.RecordBatch:
        arrays = [columns[name] if isinstance(columns[name], pa.Array) else pa.array(columns[name], kind) for name, kind, _ in self.columns]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def run_table(self, plan: Plan, row_counts: Mapping[str, int]) -> pa.Table:
        return pa.Table.from_batches([self.batch(self.per_run(plan, row_counts))], schema=self.schema)


TRUTH: dict[str, TruthTable] = {}


def declare(name: str, description: str, columns: list[tuple[str, pa.DataType, str]], **how) -> TruthTable:
    if name in TRUTH:
        raise ValueError(f"truth table {name!r} is declared twice")
    if not name.startswith("truth_") or (how.get("per_run") is None) == (how.get("per_block") is None):
        raise ValueError(f"truth table {name!r}: name it truth_* and give exactly one of per_run or per_block")
    TRUTH[name] = TruthTable(name, description, tuple(columns), **how)
    return TRUTH[name]


def block_tables() -> list[TruthTable]:
    return [t for t in TRUTH.values() if t.per_block is not None]


def run_tables() -> list[TruthTable]:
    return [t for t in TRUTH.values() if t.per_run is not None]
