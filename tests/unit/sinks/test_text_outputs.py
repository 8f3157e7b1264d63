"""JSON Lines and SQL scripts hold exactly the rows of the run: the SQLite script loads into
sqlite3 and the PostgreSQL one into DuckDB (which reads its spelling) with every value intact;
awkward text (quotes, backslashes, newlines, non-ASCII) survives each dialect's escaping."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import plotsim_dbt as ps
from plotsim_dbt.sinks.sql_dialects import DIALECTS

AWKWARD = ["O'Brien", 'say "hi"', "back\\slash", "two\nlines", "Zürich ✓", "-- not a comment; DROP"]
TABLES = ["dim_date", "dim_account", "dim_plan", "fct_account", "evt_visit", "bridge_account_plan", "truth_scd_versions"]


def config(**changes) -> ps.Config:
    base = dict(
        about="outputs",
        unit="account",
        window=("2024-01", "2024-06"),
        seed=5,
        metrics=[{"name": "engagement", "type": "score"}, {"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[
            {"name": "up", "count": 30, "archetype": "growth", "attributes": {"tier": AWKWARD}},
            {"name": "down", "count": 30, "archetype": "decline", "attributes": {"tier": AWKWARD}},
        ],
        dimensions=[
            {"name": "dim_plan", "grain": "reference", "columns": [{"plan_id": "id"}, {"plan": "static.basic,plus"}]},
            {
                "name": "dim_account",
                "columns": [
                    {"account_id": "id"},
                    {"account_name": "company"},
                    {"tier": "pool.tier"},
                    {"opened_at": "timestamp"},
                    {"name": "level", "type": "scd", "tracks": "spend", "tiers": ["low", "high"], "at": [0.5]},
                ],
            },
        ],
        facts=[
            {
                "name": "fct_account",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"account_id": "ref.dim_account"},
                    {"engagement": "metric.engagement"},
                    {"spend": "metric.spend"},
                ],
            }
        ],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "engagement", "scale": 2},
                "columns": [{"visit_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}, {"visited_at": "timestamp"}],
            }
        ],
        bridges=[{"name": "bridge_account_plan", "left": "dim_account", "right": "dim_plan", "cardinality": [0, 2], "driver": "spend"}],
    )
    return ps.create(**{**base, **changes})


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, pa.Table]:
    """The run as Parquet: the rows every other format must hold."""
    out = tmp_path_factory.mktemp("ref") / "parquet"
    ps.run(config(), out, format="parquet", validate=False)
    return {t: pq.read_table(out / ("truth" if t.startswith("truth_") else "") / f"{t}.parquet") for t in TABLES}


def as_sqlite(value):
    """A value as SQLite gives it back from the sqlite script."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def test_the_awkward_text_reaches_the_data(reference):
    assert set(reference["dim_account"].column("tier").to_pylist()) == set(AWKWARD)


def test_the_sqlite_script_loads_into_sqlite3_with_every_row_intact(tmp_path, reference):
    result = ps.run(config(output={"format": "sql", "sql_dialect": "sqlite"}), tmp_path / "sql")
    assert result.report.ok
    assert sorted(p.name for p in (tmp_path / "sql").iterdir()) == ["config.yaml", "data.sql", "manifest.json", "validation_report.txt"]
    db = sqlite3.connect(":memory:")
    db.executescript((tmp_path / "sql" / "data.sql").read_text(encoding="utf-8"))
    for table, expected in reference.items():
        names = ", ".join(f'"{n}"' for n in expected.column_names)
        loaded = db.execute(f'select {names} from "{table}" order by rowid').fetchall()
        wanted = [tuple(as_sqlite(v) for v in row.values()) for row in expected.to_pylist()]
        assert loaded == wanted, table  # floats round-trip exactly through repr; NUMERIC gives REAL
    db.close()


def test_the_postgresql_script_loads_with_its_column_types(tmp_path, reference):
    ps.run(config(output="sql"), tmp_path / "sql", validate=False)
    script = (tmp_path / "sql" / "data.sql").read_text(encoding="utf-8")
    assert "NUMERIC(18, 2)" in script and "DATE '2024-01-01'" in script and "TIMESTAMP '" in script
    con = duckdb.connect()
    con.execute(script)  # DuckDB reads PostgreSQL's quoting, typed literals and NUMERIC(p, s)
    for table, expected in reference.items():
        loaded = con.sql(f'select * from "{table}"').to_arrow_table()
        assert loaded.to_pylist() == expected.to_pylist(), table


def test_jsonl_holds_one_object_per_row_with_exact_values(tmp_path, reference):
    result = ps.run(config(output="jsonl"), tmp_path / "jsonl")
    assert result.report.ok
    for table, expected in reference.items():
        folder = tmp_path / "jsonl" / ("truth" if table.startswith("truth_") else "")
        lines = (folder / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line, parse_float=Decimal) for line in lines]
        assert len(rows) == expected.num_rows and all(list(r) == expected.column_names for r in rows), table
        for row, wanted in zip(rows, expected.to_pylist()):
            for name, value in wanted.items():
                got = row[name]
                if isinstance(value, dt.datetime):
                    value = value.isoformat(sep=" ")
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                elif isinstance(value, float):
                    got = float(got)
                assert got == value, (table, name)


@pytest.mark.parametrize(
    ("dialect", "text", "literal"),
    [
        ("postgresql", "it's a \\ b", "'it''s a \\ b'"),
        ("sqlite", "it's a \\ b", "'it''s a \\ b'"),
        ("mysql", "it's a \\ b", "'it''s a \\\\ b'"),  # MySQL reads backslash as an escape
    ],
)
def test_strings_are_escaped_per_dialect(dialect, text, literal):
    assert DIALECTS[dialect].string(text) == literal


def test_identifiers_are_quoted_per_dialect():
    assert DIALECTS["postgresql"].ident('a"b') == '"a""b"'
    assert DIALECTS["sqlite"].ident("order") == '"order"'
    assert DIALECTS["mysql"].ident("we`ird") == "`we``ird`"


def test_the_mysql_script_uses_its_own_spelling(tmp_path):
    ps.run(config(output={"format": "sql", "sql_dialect": "mysql"}), tmp_path / "sql", validate=False)
    script = (tmp_path / "sql" / "data.sql").read_text(encoding="utf-8")
    assert script.startswith("-- plotsim_dbt data, mysql dialect\nSTART TRANSACTION;")
    assert "CREATE TABLE `dim_account` (" in script and "`opened_at` DATETIME(6)" in script and "DECIMAL(18, 2)" in script
    assert "'back\\\\slash'" in script and "'O''Brien'" in script
    inserts = [line for line in script.splitlines() if line.startswith("INSERT INTO `fct_account`")]
    assert len(inserts) == -(-60 * 6 // 100)  # batches of 100 rows


@pytest.mark.parametrize(
    ("output", "field"),
    [
        ({"format": "csv", "sql_dialect": "mysql"}, "sql_dialect applies to format sql"),
        ({"format": "csv", "partition_by": "date_key"}, "partition_by writes Parquet folders"),
    ],
)
def test_an_option_of_another_format_is_one_clear_error(output, field):
    with pytest.raises(ps.ConfigError, match=field) as err:
        config(output=output)
    assert "output" in str(err.value)
