"""The clean rows of faulted tables that checks read as the other side of a relation (a foreign
key's target, a child fact and its parent): quality faults drop, copy and change rows of the
source as written, while references and children are made from the clean rows. Taken from the
tables given under ``clean_name(table)``, else generated again from the plan without its faults."""

from __future__ import annotations

import duckdb

from ..pipeline import generate_into
from ..plan.grains import GrainFactTable
from ..plan.resolve import Plan, resolve_plan
from ..quality import clean_name, without_faults
from ..sinks import MemorySink
from ..sql import ident


def _read(plan: Plan) -> set[str]:
    """Tables the relation checks read as a target or as a child and its parent."""
    targets = {parent for table in plan.tables.values() for _, parent, _ in table.foreign_keys}
    families = {name for child in plan.tables_of(GrainFactTable) if child.parent is not None for name in (child.name, child.parent)}
    return targets | families


def _held(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    try:
        con.execute(f"select 1 from {ident(relation)} limit 0")
    except duckdb.CatalogException:
        return False
    return True


def clean_relations(plan: Plan, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{table: the relation holding its clean rows} for the faulted tables the checks read, each
    defined on ``con`` (generated once, together, when missing)."""
    faulted = sorted(name for name in _read(plan) if plan.tables[name].faults)
    missing = [name for name in faulted if not _held(con, clean_name(name))]
    if missing:
        with MemorySink() as sink:
            generate_into(resolve_plan(without_faults(plan.config), plan.seed), sink, names=missing)
        for name in missing:
            con.register(clean_name(name), sink.tables[name])
    return {name: clean_name(name) for name in faulted}
