"""Denormalised wide tables (``output.denormalized``): each fact as ``<fact>_wide``, its rows in
order, every referenced dimension's columns beside them as ``<dimension>__<column>``. A fact that
references the SCD2 dimension carries ``dim_row_id``, the version in force at the row's date, so
the join picks that version, not the current one. Validity columns (valid_from, valid_to,
is_current) and the join keys themselves are not repeated. Works block by block: a block holds
its entities' dimension rows, and the run-wide tables (dim_date, reference dimensions) are given
with it."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import numpy as np
import pyarrow as pa

from .plan.resolve import Plan
from .plan.tables import VERSION_KEY, TablePlan
from .sql import ident

SUFFIX = "_wide"
VALIDITY = ("valid_from", "valid_to", "is_current")
ROW = "__plotsim_row"


def _joins(plan: Plan, fact: TablePlan) -> dict[str, tuple[str, str]]:
    """Referenced dimension -> (fact column, dimension column) to join on; the version key wins."""
    joins: dict[str, tuple[str, str]] = {}
    for column, parent, key in fact.foreign_keys:
        if plan.tables[parent].role != "fact" and (parent not in joins or key == VERSION_KEY):
            joins[parent] = (column, key)
    return joins


def wide_tables(plan: Plan, tables: Mapping[str, pa.RecordBatch | pa.Table]) -> dict[str, pa.Table]:
    """``<fact>_wide`` for every fact among ``tables`` (their dimensions must be there too)."""
    facts = [t for t in plan.fact_tables if t.name in tables]
    if not facts:
        return {}
    out = {}
    with duckdb.connect() as con:
        for fact in facts:
            rows = pa.table(tables[fact.name])
            con.register("fact", rows.append_column(ROW, pa.array(np.arange(rows.num_rows))))
            picks, joins = [], []
            for i, (parent, (column, key)) in enumerate(_joins(plan, fact).items()):
                alias = f"d{i}"
                con.register(alias, tables[parent])
                keys = {k for _, p, k in fact.foreign_keys if p == parent}  # already in the fact
                shown = [c.name for c in plan.tables[parent].columns if c.name not in keys and c.name not in VALIDITY]
                picks += [f"{alias}.{ident(c)} as {ident(f'{parent}__{c}')}" for c in shown]
                joins.append(f"left join {alias} on fact.{ident(column)} = {alias}.{ident(key)}")
            columns = ", ".join([f"fact.{ident(c)}" for c in rows.column_names] + picks)
            out[fact.name + SUFFIX] = con.sql(f"select {columns} from fact {' '.join(joins)} order by fact.{ident(ROW)}").to_arrow_table()
    return out
