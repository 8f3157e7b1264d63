"""Post-generation checks (primary keys, foreign keys, date spine), run as SQL in DuckDB so the
same checks work on in-memory tables and on written files of any size."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .plan.resolve import Plan


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


def validate_relations(plan: Plan, con: duckdb.DuckDBPyConnection) -> ValidationReport:
    """Run every check against views named after the tables, already defined on ``con``."""
    cfg = plan.config
    dim, fact, key = cfg.entity_table, cfg.fact_table, cfg.entity_key
    issues: list[ValidationIssue] = []
    primary_keys = {"dim_date": ["date_key"], dim: [key], fact: ["date_key", key]}
    for table, columns in primary_keys.items():
        cols = ", ".join(columns)
        dupes = _count(con, f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)")
        nulls = _count(con, f"select count(*) from {table} where " + " or ".join(f"{c} is null" for c in columns))
        if dupes or nulls:
            issues.append(ValidationIssue("pk_uniqueness", table, f"{dupes} duplicated and {nulls} null key(s) on ({cols})"))
    for column, parent, parent_key in (("date_key", "dim_date", "date_key"), (key, dim, key)):
        orphans = _count(con, f"select count(*) from {fact} f anti join {parent} p on f.{column} = p.{parent_key}")
        if orphans:
            issues.append(ValidationIssue("fk_integrity", fact, f"{orphans} row(s) whose {column} is not in {parent}"))
    keys = [r[0] for r in con.execute("select date_key from dim_date order by date_key").fetchall()]
    expected = plan.axis.date_keys.tolist()
    if keys != expected:
        missing = sorted(set(expected) - set(keys))[:5]
        extra = sorted(set(keys) - set(expected))[:5]
        issues.append(ValidationIssue("date_spine", "dim_date", f"date keys differ from the window: missing {missing}, unexpected {extra}"))
    return ValidationReport(checks_run=("pk_uniqueness", "fk_integrity", "date_spine"), issues=tuple(issues))


def validate_tables(plan: Plan, tables: dict) -> ValidationReport:
    """Check in-memory tables (pandas DataFrames or Arrow tables), keyed by table name."""
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return validate_relations(plan, con)
    finally:
        con.close()


def validate_files(plan: Plan, paths: dict) -> ValidationReport:
    """Check written files (CSV or Parquet), keyed by table name, without loading them in Python."""
    con = duckdb.connect()
    try:
        for name, path in paths.items():
            reader = "read_parquet" if str(path).endswith(".parquet") else "read_csv_auto"
            quoted = str(path).replace("'", "''")
            con.execute(f"create view {name} as select * from {reader}('{quoted}')")
        return validate_relations(plan, con)
    finally:
        con.close()
