"""The Spark forms of the engine-specific SQL helpers (macros/_helpers/_plotsim_portable.sql)
compute what their DuckDB defaults compute, on the same rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import jinja2
import pyarrow as pa
import pytest

PORTABLE = Path(__file__).resolve().parents[3] / "macros" / "_helpers" / "_plotsim_portable.sql"


def render(macro: str, *args: str) -> str:
    """One engine form of a helper rendered with plain Jinja (the forms use no dbt context)."""
    module = jinja2.Environment().from_string(PORTABLE.read_text()).module
    return str(getattr(module, macro)(*args)).strip()


def both(spark, table: pa.Table, sql: str, helper: str, *args: str) -> tuple[list, list]:
    """Rows of ``sql`` over ``table`` (view t) with {} replaced by the helper's Spark form on Spark
    and its default on DuckDB."""
    spark_sql = sql.replace("{}", render(f"spark__{helper}", *args))
    duckdb_sql = sql.replace("{}", render(f"default__{helper}", *args))
    spark.createDataFrame(table).createOrReplaceTempView("t")
    got = [tuple(r) for r in spark.sql(spark_sql).collect()]
    con = duckdb.connect()
    con.register("t", table)
    return sorted(got, key=repr), sorted(con.execute(duckdb_sql).fetchall(), key=repr)


def test_date_key_to_date(spark, run):
    dates = run[2]["dim_date"].select(["date_key"])
    extra = pa.table({"date_key": pa.array([20240229, 19991231, 20380101], pa.int32())})
    table = pa.concat_tables([dates, extra])
    sql = "select date_key, {} from t"
    got, want = both(spark, table, sql, "_plotsim_date_key", "date_key")
    assert got == want and (20240229, dt.date(2024, 2, 29)) in got


def test_hour_of_week(spark, run):
    events = run[2]["evt_login"].select(["logged_in_at"])
    sql = "select logged_in_at, {} from t where logged_in_at is not null"
    got, want = both(spark, events, sql, "_plotsim_hour_of_week", "logged_in_at")
    assert got == want
    assert {slot for _, slot in got} <= set(range(168)) and len({slot for _, slot in got}) > 24


@pytest.mark.parametrize("with_nulls", [False, True])
def test_last_value_skips_nulls(spark, with_nulls):
    value = [1.5, 2.5, None, None, 2.0, 4.0] if with_nulls else [1.5, 2.5, 3.0, 1.0, 2.0, 4.0]
    table = pa.table({"e": [1, 1, 1, 2, 2, 2], "d": [1, 2, 3, 1, 3, 2], "v": value})
    sql = "select e, {} as last_v from t group by e"
    got, want = both(spark, table, sql, "_plotsim_last_value", "v", "d")
    assert got == want == ([(1, 2.5), (2, 2.0)] if with_nulls else [(1, 3.0), (2, 2.0)])


def test_text_type_casts_labels_alike(spark):
    table = pa.table({"label": pa.array([1, 2, None], pa.int64()), "name": ["pro", "free", None]})
    sql = "select cast(label as {}) as a, cast(name as {}) as b from t"
    got, want = both(spark, table, sql, "_plotsim_type_text")
    assert got == want
