"""Post-generation checks (primary keys, foreign keys, date spine, SCD2 history, bridge
cardinality), run as SQL in DuckDB so the same checks work on in-memory tables and on written
files of any size."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .config.schema import key_column, ref_column
from .engine.tables import VERSION_KEY
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


CHECKS = ("pk_uniqueness", "fk_integrity", "date_spine", "scd_integrity", "bridge_integrity")


def primary_keys(plan: Plan) -> dict[str, list[str]]:
    schema = plan.config.schema
    keys = {"dim_date": ["date_key"]}
    for dim in schema.dimensions:
        keys[dim.name] = [VERSION_KEY] if dim.scd_column is not None else [key_column(dim)]
    for fact in schema.facts:
        keys[fact.name] = list(schema.fact_keys(fact.name))
    for event in schema.events:
        keys[event.name] = [key_column(event)]
    for bridge in schema.bridges:
        keys[bridge.name] = [schema.entity_key, key_column(schema.dimension(bridge.right))]
    return keys


def foreign_keys(plan: Plan) -> list[tuple[str, str, str, str]]:
    """(table, column, parent table, parent column) for every reference."""
    schema = plan.config.schema
    scd = schema.scd_dimension
    out = []
    for table in [*schema.dimensions, *schema.facts, *schema.events]:
        for c in table.columns:
            if c.kind == "ref":
                parent = schema.dimension(c.argument)
                out.append((table.name, c.name, c.argument, "date_key" if parent is None else key_column(parent)))
        if table in schema.versioned_tables:
            out.append((table.name, VERSION_KEY, scd.name, VERSION_KEY))
    for bridge in schema.bridges:
        out.append((bridge.name, schema.entity_key, bridge.left, schema.entity_key))
        right_key = key_column(schema.dimension(bridge.right))
        out.append((bridge.name, right_key, bridge.right, right_key))
    return out


def _scd_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    scd = plan.config.schema.scd_dimension
    if scd is None:
        return []
    key, name = plan.config.entity_key, scd.name
    open_end = "valid_to is null" if scd.open_end == "null" else "valid_to = date '9999-12-31'"
    problems = {
        "gaps or overlaps between consecutive versions": f"""
            select count(*) from (select valid_to, lead(valid_from) over (partition by {key} order by valid_from) as next_from
                                  from {name}) where next_from is not null and valid_to is distinct from next_from""",
        "versions that end before they start": f"select count(*) from {name} where not ({open_end}) and valid_to <= valid_from",
        "entities without exactly one current version": f"""
            select count(*) from (select {key} from {name} group by {key} having count(*) filter (where is_current) != 1)""",
        f"current versions without the open end ({scd.open_end}) or closed ones with it": f"""
            select count(*) from {name} where is_current is distinct from coalesce({open_end}, false)""",
    }
    issues = [ValidationIssue("scd_integrity", name, f"{n} {what}") for what, sql in problems.items() if (n := _count(con, sql))]
    for table in plan.config.schema.versioned_tables:
        date_column = ref_column(table, "dim_date")
        if date_column is None:
            continue
        wrong = _count(con, f"""
            select count(*) from {table.name} f join dim_date d on f.{date_column} = d.date_key
            left join {name} v on f.{VERSION_KEY} = v.{VERSION_KEY}
            where v.{VERSION_KEY} is null or v.{key} != f.{ref_column(table, name)} or d.date < v.valid_from
               or (not ({open_end.replace('valid_to', 'v.valid_to')}) and d.date >= v.valid_to)""")
        if wrong:
            issues.append(ValidationIssue("scd_integrity", table.name, f"{wrong} row(s) whose {VERSION_KEY} is not the version in force at their date"))
    return issues


def _bridge_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    schema = plan.config.schema
    key = schema.entity_key
    issues = []
    for bridge in schema.bridges:
        low, high = bridge.cardinality
        outside = _count(con, f"""
            select count(*) from (select e.{key}, count(b.{key}) as links from (select distinct {key} from {bridge.left}) e
                                  left join {bridge.name} b on b.{key} = e.{key} group by e.{key})
            where links < {low} or links > {high}""")
        if outside:
            issues.append(ValidationIssue("bridge_integrity", bridge.name, f"{outside} entities hold a number of links outside [{low}, {high}]"))
    return issues


def validate_relations(plan: Plan, con: duckdb.DuckDBPyConnection) -> ValidationReport:
    """Run every check against views named after the tables, already defined on ``con``."""
    issues: list[ValidationIssue] = []
    for table, columns in primary_keys(plan).items():
        cols = ", ".join(columns)
        dupes = _count(con, f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)")
        nulls = _count(con, f"select count(*) from {table} where " + " or ".join(f"{c} is null" for c in columns))
        if dupes or nulls:
            check = "bridge_integrity" if table in {b.name for b in plan.config.schema.bridges} else "pk_uniqueness"
            issues.append(ValidationIssue(check, table, f"{dupes} duplicated and {nulls} null key(s) on ({cols})"))
    for table, column, parent, parent_key in foreign_keys(plan):
        orphans = _count(con, f"select count(*) from {table} f anti join {parent} p on f.{column} = p.{parent_key} where f.{column} is not null")
        if orphans:
            issues.append(ValidationIssue("fk_integrity", table, f"{orphans} row(s) whose {column} is not in {parent}.{parent_key}"))
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
