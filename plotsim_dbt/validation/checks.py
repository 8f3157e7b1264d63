"""Post-generation checks, run as SQL in DuckDB so the same checks work on in-memory tables and on
written files of any size. Errors: primary keys, foreign keys, the date spine, SCD2 history,
bridge cardinality, geo columns that name no place of the config's locales, child facts against
their parents (validation/grains.py). Warnings (legal but suspicious; they do not make a report
invalid): an event table without rows, a foreign key whose rows all point at one parent row."""

from __future__ import annotations

import duckdb

from ..columns.geo import GeoPlan, gazetteer
from ..config import Config
from ..plan.resolve import Plan, plan_of
from ..plan.tables import VERSION_KEY, BridgeTable, DateTable, EventTable, FactTable
from ..sql import ident, literal
from .clean import clean_relations
from .grains import CHECKS as GRAIN_CHECKS
from .grains import grain_issues
from .report import ValidationIssue, ValidationReport


def _error(check: str, table: str | None, message: str, **details) -> ValidationIssue:
    return ValidationIssue(check, "error", table, message, details)


def _warning(check: str, table: str | None, message: str, **details) -> ValidationIssue:
    return ValidationIssue(check, "warning", table, message, details)


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchone()[0])


CHECKS = (
    "pk_uniqueness",
    "fk_integrity",
    "date_spine",
    "empty_event_table",
    "cross_dim_fk_cardinality",
    "scd_integrity",
    "bridge_integrity",
    "geo_consistency",
    *GRAIN_CHECKS,
)


def _scd_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    entity = plan.entity_table
    if entity.scd is None:
        return []
    key, name = ident(entity.key), ident(entity.name)
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
    issues = [_error("scd_integrity", entity.name, f"{n} {what}", rows=n) for what, sql in problems.items() if (n := _count(con, sql))]
    version_open_end = open_end.replace("valid_to", "v.valid_to")
    for table in [*plan.tables_of(FactTable), *plan.tables_of(EventTable)]:
        if not table.versioned or table.date_column is None:
            continue
        wrong = _count(
            con,
            f"""
            select count(*) from {ident(table.name)} f join dim_date d on f.{ident(table.date_column)} = d.date_key
            left join {name} v on f.{VERSION_KEY} = v.{VERSION_KEY}
            where v.{VERSION_KEY} is null or v.{key} != f.{ident(table.entity_column)} or d.date < v.valid_from
               or (not ({version_open_end}) and d.date >= v.valid_to)""",
        )
        if wrong:
            issues.append(
                _error("scd_integrity", table.name, f"{wrong} row(s) whose {VERSION_KEY} is not the version in force at their date", rows=wrong)
            )
    return issues


def _bridge_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    entity = plan.entity_table
    key = ident(entity.key)
    issues = []
    for bridge in plan.tables_of(BridgeTable):
        outside = _count(
            con,
            f"""
            select count(*) from (select e.{key}, count(b.{key}) as links from (select distinct {key} from {ident(entity.name)}) e
                                  left join {ident(bridge.name)} b on b.{key} = e.{key} group by e.{key})
            where links < {bridge.low} or links > {bridge.high}""",
        )
        if outside:
            issues.append(
                _error(
                    "bridge_integrity",
                    bridge.name,
                    f"{outside} entities hold a number of links outside [{bridge.low}, {bridge.high}]",
                    entities=outside,
                    min=bridge.low,
                    max=bridge.high,
                )
            )
    return issues


def _event_warnings(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    issues = []
    for table in plan.tables_of(EventTable):
        if _count(con, f"select count(*) from {ident(table.name)}") == 0:
            metric = plan.metrics[table.metric].name
            rule = (
                f"{metric} x {table.scale}"
                if table.scale is not None
                else (
                    f"{metric} {'above ' + str(table.above) if table.above is not None else 'below ' + str(table.below)} for {table.hold} period(s)"
                )
            )
            issues.append(
                _warning(
                    "empty_event_table",
                    table.name,
                    f"no rows: the event never fired ({rule})",
                    driver=metric,
                    kind="proportional" if table.scale is not None else "threshold",
                )
            )
    return issues


def _fk_collapse_warnings(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    """An FK whose rows all point at one parent row while the parent has several: usually a
    skewed pick or a wiring mistake. Event tables (an event may fire for one entity only) and
    references to dim_date are not checked."""
    issues = []
    for table in plan.tables.values():
        if isinstance(table, EventTable):
            continue
        for column, parent, parent_key in table.foreign_keys:
            if isinstance(plan.tables.get(parent), DateTable):
                continue
            name = ident(column)
            low, high, rows = con.execute(f"select min({name}), max({name}), count({name}) from {ident(table.name)}").fetchone()
            if rows < 2 or low != high:
                continue
            parents = _count(con, f"select count(distinct {ident(parent_key)}) from {ident(parent)}")
            if parents > 1:
                issues.append(
                    _warning(
                        "cross_dim_fk_cardinality",
                        table.name,
                        f"every {column} is {low}: the {rows} row(s) collapse onto one of {parents} {parent} rows",
                        column=column,
                        parent=f"{parent}.{parent_key}",
                        parent_row_count=parents,
                        child_unique_count=1,
                        value=low,
                    )
                )
    return issues


def _geo_issues(plan: Plan, con: duckdb.DuckDBPyConnection) -> list[ValidationIssue]:
    """Rows whose geo columns together are not one place of one of the config's locales (a city in
    another region or country, a postcode or coordinates of another city, a place of another locale)."""
    tables = [(t, [c for c in t.columns if isinstance(c, GeoPlan)]) for t in plan.tables.values() if not t.faults]
    tables = [(t, geo) for t, geo in tables if geo]
    if not tables:
        return []
    places = _places_sql(plan.config.locales, sorted({c.field for _, geo in tables for c in geo}))
    issues = []
    for table, geo in tables:
        # try_cast: a CSV reader may have typed a column of numeric postcodes as numbers (02108 -> 2108)
        match = " and ".join(
            f"(cast(t.{ident(c.name)} as varchar) = cast(p.{c.field} as varchar) "
            f"or try_cast(t.{ident(c.name)} as double) = try_cast(p.{c.field} as double))"
            for c in geo
        )
        wrong = _count(con, f"select count(*) from {ident(table.name)} t where not exists (select 1 from {places} where {match})")
        if wrong:
            names = ", ".join(c.name for c in geo)
            issues.append(
                _error(
                    "geo_consistency",
                    table.name,
                    f"{wrong} row(s) whose geo columns ({names}) are not one place of the locale(s) {', '.join(plan.config.locales)}",
                    rows=wrong,
                )
            )
    return issues


def _places_sql(locales: tuple[str, ...], fields: list[str]) -> str:
    """The gazetteer's places of ``locales`` as an inline relation ``p(fields...)``."""
    rows = [p for p in gazetteer().select(["locale", *fields]).to_pylist() if p["locale"] in locales]
    value = lambda v: f"{v!r}::double" if isinstance(v, float) else literal(v)  # noqa: E731
    return f"(values {', '.join('(' + ', '.join(value(p[f]) for f in fields) + ')' for p in rows)}) p({', '.join(fields)})"


def validate_relations(plan: Plan, con: duckdb.DuckDBPyConnection) -> ValidationReport:
    """Run every check against views named after the tables, already defined on ``con``."""
    issues: list[ValidationIssue] = []
    clean = clean_relations(plan, con)  # references and children point at the clean rows
    for table in plan.tables.values():
        if not table.primary_key or table.faults:  # a change feed, or a raw source with faults: keys repeat by design
            continue
        cols = ", ".join(table.primary_key)
        keys = ", ".join(map(ident, table.primary_key))
        dupes = _count(con, f"select count(*) from (select {keys} from {ident(table.name)} group by all having count(*) > 1)")
        nulls = _count(con, f"select count(*) from {ident(table.name)} where " + " or ".join(f"{ident(c)} is null" for c in table.primary_key))
        if dupes or nulls:
            check = "bridge_integrity" if isinstance(table, BridgeTable) else "pk_uniqueness"
            issues.append(
                _error(
                    check,
                    table.name,
                    f"{dupes} duplicated and {nulls} null key(s) on ({cols})",
                    pk_columns=list(table.primary_key),
                    duplicates=dupes,
                    nulls=nulls,
                )
            )
    for table in plan.tables.values():
        for column, parent, parent_key in table.foreign_keys:
            orphans = _count(
                con,
                f"select count(*) from {ident(table.name)} f anti join {ident(clean.get(parent, parent))} p "
                f"on f.{ident(column)} = p.{ident(parent_key)} where f.{ident(column)} is not null",
            )
            if orphans:
                issues.append(
                    _error(
                        "fk_integrity",
                        table.name,
                        f"{orphans} row(s) whose {column} is not in {parent}.{parent_key}",
                        column=column,
                        parent=f"{parent}.{parent_key}",
                        orphans=orphans,
                    )
                )
    keys = [r[0] for r in con.execute("select date_key from dim_date order by date_key").fetchall()]
    expected = plan.axis.date_keys.tolist()
    if keys != expected:
        missing = sorted(set(expected) - set(keys))
        extra = sorted(set(keys) - set(expected))
        duplicated = len(keys) - len(set(keys))
        issues.append(
            _error(
                "date_spine",
                "dim_date",
                f"date keys differ from the window: missing {missing[:5]}, unexpected {extra[:5]}, {duplicated} duplicated",
                missing=len(missing),
                unexpected=len(extra),
                duplicated=duplicated,
                expected_rows=len(expected),
            )
        )
    issues += _event_warnings(plan, con) + _fk_collapse_warnings(plan, con) + _scd_issues(plan, con) + _bridge_issues(plan, con)
    issues += _geo_issues(plan, con) + grain_issues(plan, con, clean)
    return ValidationReport(tuple(issues), CHECKS, plan.config_sha256, plan.seed)


def validate_tables(config: Plan | Config, tables: dict) -> ValidationReport:
    """Check in-memory tables (pandas DataFrames or Arrow tables), keyed by table name, against a
    plan or a config (the reference generator's ``validate_tables(config, tables)``)."""
    plan = plan_of(config)
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return validate_relations(plan, con)
    finally:
        con.close()
