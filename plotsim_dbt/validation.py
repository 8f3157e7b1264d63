"""Post-generation checks (primary keys, foreign keys, date spine, SCD2 history, bridge
cardinality), run as SQL in DuckDB so the same checks work on in-memory tables and on written
files of any size."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .plan.resolve import Plan
from .plan.tables import VERSION_KEY, BridgeTable, EventTable, FactTable


@dataclass(frozen=True)
class ValidationIssue:
    check: str
    table: str
    message: str
    severity: str = "error"


@dataclass(frozen=True)
class ValidationReport:
    checks_run: tuple[str, ...]
    issues: tuple[ValidationIssue, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, plan: Plan) -> str:
        lines = [
            "plotsim_dbt validation report",
            f"config-sha256: {plan.config_sha256}",
            f"seed: {plan.seed}",
            f"Checks: {len(self.checks_run)} | Errors: {len(self.errors)} | Status: {'VALID' if self.ok else 'INVALID'}",
            "",
        ]
        lines += [f"[{i.severity.upper():5}] {i.check} ({i.table}): {i.message}" for i in self.issues]
        if not self.issues:
            lines.append("All checks passed: " + ", ".join(self.checks_run) + ".")
        return "\n".join(lines) + "\n"


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchone()[0])


CHECKS = ("pk_uniqueness", "fk_integrity", "date_spine", "scd_integrity", "bridge_integrity")


def _scd_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    entity = plan.entity_table
    if entity.scd is None:
        return []
    key, name = entity.key, entity.name
    open_end = "valid_to is null" if entity.open_end == "null" else "valid_to = date '9999-12-31'"
    problems = {
        "gaps or overlaps between consecutive versions": f"""
            select count(*) from (select valid_to, lead(valid_from) over (partition by {key} order by valid_from) as next_from
                                  from {name}) where next_from is not null and valid_to is distinct from next_from""",
        "versions that end before they start": f"select count(*) from {name} where not ({open_end}) and valid_to <= valid_from",
        "entities without exactly one current version": f"""
            select count(*) from (select {key} from {name} group by {key} having count(*) filter (where is_current) != 1)""",
        f"current versions without the open end ({entity.open_end}) or closed ones with it": f"""
            select count(*) from {name} where is_current is distinct from coalesce({open_end}, false)""",
    }
    issues = [ValidationIssue("scd_integrity", name, f"{n} {what}") for what, sql in problems.items() if (n := _count(con, sql))]
    version_open_end = open_end.replace("valid_to", "v.valid_to")
    for table in [*plan.tables_of(FactTable), *plan.tables_of(EventTable)]:
        if not table.versioned or table.date_column is None:
            continue
        wrong = _count(con, f"""
            select count(*) from {table.name} f join dim_date d on f.{table.date_column} = d.date_key
            left join {name} v on f.{VERSION_KEY} = v.{VERSION_KEY}
            where v.{VERSION_KEY} is null or v.{key} != f.{table.entity_column} or d.date < v.valid_from
               or (not ({version_open_end}) and d.date >= v.valid_to)""")
        if wrong:
            issues.append(ValidationIssue("scd_integrity", table.name,
                                          f"{wrong} row(s) whose {VERSION_KEY} is not the version in force at their date"))
    return issues


def _bridge_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    entity = plan.entity_table
    key = entity.key
    issues = []
    for bridge in plan.tables_of(BridgeTable):
        outside = _count(con, f"""
            select count(*) from (select e.{key}, count(b.{key}) as links from (select distinct {key} from {entity.name}) e
                                  left join {bridge.name} b on b.{key} = e.{key} group by e.{key})
            where links < {bridge.low} or links > {bridge.high}""")
        if outside:
            issues.append(ValidationIssue("bridge_integrity", bridge.name,
                                          f"{outside} entities hold a number of links outside [{bridge.low}, {bridge.high}]"))
    return issues


def validate_relations(plan: Plan, con: duckdb.DuckDBPyConnection) -> ValidationReport:
    """Run every check against views named after the tables, already defined on ``con``."""
    issues: list[ValidationIssue] = []
    for table in plan.tables.values():
        cols = ", ".join(table.primary_key)
        dupes = _count(con, f"select count(*) from (select {cols} from {table.name} group by all having count(*) > 1)")
        nulls = _count(con, f"select count(*) from {table.name} where " + " or ".join(f"{c} is null" for c in table.primary_key))
        if dupes or nulls:
            check = "bridge_integrity" if isinstance(table, BridgeTable) else "pk_uniqueness"
            issues.append(ValidationIssue(check, table.name, f"{dupes} duplicated and {nulls} null key(s) on ({cols})"))
    for table in plan.tables.values():
        for column, parent, parent_key in table.foreign_keys:
            orphans = _count(con, f"select count(*) from {table.name} f anti join {parent} p on f.{column} = p.{parent_key} "
                                  f"where f.{column} is not null")
            if orphans:
                issues.append(ValidationIssue("fk_integrity", table.name, f"{orphans} row(s) whose {column} is not in {parent}.{parent_key}"))
    keys = [r[0] for r in con.execute("select date_key from dim_date order by date_key").fetchall()]
    expected = plan.axis.date_keys.tolist()
    if keys != expected:
        missing = sorted(set(expected) - set(keys))[:5]
        extra = sorted(set(keys) - set(expected))[:5]
        issues.append(ValidationIssue("date_spine", "dim_date", f"date keys differ from the window: missing {missing}, unexpected {extra}"))
    issues += _scd_issues(plan, con) + _bridge_issues(plan, con)
    return ValidationReport(checks_run=CHECKS, issues=tuple(issues))


def validate_tables(plan: Plan, tables: dict) -> ValidationReport:
    """Check in-memory tables (pandas DataFrames or Arrow tables), keyed by table name."""
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return validate_relations(plan, con)
    finally:
        con.close()
