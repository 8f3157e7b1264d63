"""Denormalised wide tables (``output.denormalized``): each fact as ``<fact>_wide``, its rows in
order, every referenced dimension's columns beside them as ``<dimension>__<column>``. A fact that
references the SCD2 dimension carries ``dim_row_id``, the version in force at the row's date, so
the join picks that version, not the current one. Validity columns (valid_from, valid_to,
is_current) and the join keys themselves are not repeated. Works block by block: a block holds
its entities' dimension rows, and the run-wide tables (dim_date, reference dimensions) are given
with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from .plan.resolve import Plan
from .plan.tables import VERSION_KEY, TablePlan
from .sql import ident

SUFFIX = "_wide"
VALIDITY = ("valid_from", "valid_to", "is_current")
ROW = "__plotsim_row"


@dataclass(frozen=True)
class WideJoin:
    """One referenced dimension of a wide table: joined on ``fact.fact_column = dimension.key``
    (the version key for the SCD2 dimension), its ``columns`` shown as ``<dimension>__<column>``."""

    dimension: str
    fact_column: str
    key: str
    columns: tuple[str, ...]


def wide_joins(plan: Plan, fact: TablePlan) -> list[WideJoin]:
    """The dimensions ``<fact>_wide`` joins, in column order; the version key wins over the natural key."""
    joins: dict[str, tuple[str, str]] = {}
    for column, parent, key in fact.foreign_keys:
        if plan.tables[parent].role != "fact" and (parent not in joins or key == VERSION_KEY):
            joins[parent] = (column, key)
    out = []
    for parent, (column, key) in joins.items():
        keys = {k for _, p, k in fact.foreign_keys if p == parent}  # already in the fact
        shown = tuple(c.name for c in plan.tables[parent].columns if c.name not in keys and c.name not in VALIDITY)
        out.append(WideJoin(parent, column, key, shown))
    return out


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
            for i, join in enumerate(wide_joins(plan, fact)):
                alias = f"d{i}"
                con.register(alias, tables[join.dimension])
                picks += [f"{alias}.{ident(c)} as {ident(f'{join.dimension}__{c}')}" for c in join.columns]
                joins.append(f"left join {alias} on fact.{ident(join.fact_column)} = {alias}.{ident(join.key)}")
            columns = ", ".join([f"fact.{ident(c)}" for c in rows.column_names] + picks)
            out[fact.name + SUFFIX] = con.sql(f"select {columns} from fact {' '.join(joins)} order by fact.{ident(ROW)}").to_arrow_table()
    return out
