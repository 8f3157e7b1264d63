"""Checks of child facts against their parents: every parent row holds between min and max
children (none missing, no child without a parent row) and each share column adds up to the
parent column it splits."""

from __future__ import annotations

import duckdb

from ..plan.grains import GrainFactTable
from ..plan.resolve import Plan
from ..sql import ident
from .report import ValidationIssue

CHECKS = ("children_per_row", "children_sum")


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchone()[0])


def grain_issues(plan: Plan, con: duckdb.DuckDBPyConnection, clean: dict[str, str]) -> list[ValidationIssue]:
    """Children against parents, each read from its clean rows when faulted (``clean``: table ->
    relation): faults change the source as written, children are made from the clean rows."""
    issues = []
    for child in plan.tables_of(GrainFactTable):
        if child.parent is None:
            continue
        child_rows, parent_rows = (ident(clean.get(name, name)) for name in (child.name, child.parent))
        on = " and ".join(f"c.{ident(mine)} = p.{ident(theirs)}" for mine, theirs in child.parent_keys)
        keys = ", ".join(f"p.{ident(theirs)}" for _, theirs in child.parent_keys)
        tables = f"{parent_rows} p left join {child_rows} c on {on}"
        orphans = _count(con, f"select count(*) from {child_rows} c anti join {parent_rows} p on {on}")
        outside = _count(
            con,
            f"select count(*) from (select count(c.{ident(child.key)}) as n from {tables} group by {keys}) where n < {child.low} or n > {child.high}",
        )
        if orphans or outside:
            issues.append(
                ValidationIssue(
                    "children_per_row",
                    "error",
                    child.name,
                    f"{orphans} row(s) without a parent row in {child.parent} and {outside} parent row(s) "
                    f"with fewer than {child.low} or more than {child.high} children",
                    {"parent": child.parent, "orphans": orphans, "parents_outside": outside},
                )
            )
        for plan in child.shares:
            share, column = plan.name, plan.column
            # Half a unit of the last place: a real miss is a whole unit, a float column (pandas) may be off by an ulp.
            wrong = _count(
                con,
                f"select count(*) from (select any_value(p.{ident(column)}) as expected, sum(c.{ident(share)}) as total "
                f"from {tables} group by {keys}) where (total is null) != (expected is null) "
                f"or abs(total - expected) > {0.5 * 10.0**-plan.places!r}",
            )
            if wrong:
                issues.append(
                    ValidationIssue(
                        "children_sum",
                        "error",
                        child.name,
                        f"{wrong} {child.parent} row(s) whose children's {share} do not add up to its {column}",
                        {"parent": f"{child.parent}.{column}", "column": share, "parents": wrong},
                    )
                )
    return issues
