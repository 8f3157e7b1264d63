"""Spark gives the local run's rows: ``generate`` at 1, 3 and 7 partitions and the ``plotsim`` data
source (reader and SQL view), for a fact, an SCD2 dimension, an event table and truth tables of a
three-key-block config. Rows are compared sorted (Spark promises no order), values and types exact."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pytest

from plotsim_dbt.api import generate_arrow

TABLES = ["fct_activity", "dim_account", "evt_login", "truth_scd_versions"]


def sorted_rows(table: pa.Table) -> pa.Table:
    return table.sort_by([(name, "ascending") for name in table.column_names]).combine_chunks()


def digest(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def assert_same_rows(got: pa.Table, want: pa.Table, label: str) -> None:
    assert got.schema.remove_metadata() == want.schema.remove_metadata(), label
    got, want = sorted_rows(got), sorted_rows(want)
    assert got.num_rows == want.num_rows > 0, label
    assert digest(got) == digest(want), f"{label}: rows differ from the local run"
    assert got.equals(want), label


@pytest.mark.parametrize("table", TABLES)
def test_generate_equals_the_local_run_at_any_partition_count(spark, run, table):
    from plotsim_dbt.spark import generate

    _, config, local = run
    for partitions in (1, 3, 7):
        frame = generate(spark, config, table, partitions=partitions)
        assert frame.rdd.getNumPartitions() == min(partitions, 3)
        assert_same_rows(frame.toArrow(), local[table], f"{table} at {partitions} partition(s)")


@pytest.mark.parametrize("table", ["dim_date", "truth_segments"])
def test_tables_made_once_come_from_the_driver(spark, run, table):
    from plotsim_dbt.spark import generate

    _, config, local = run
    assert_same_rows(generate(spark, config, table).toArrow(), local[table], table)


def test_data_source_reader_and_sql_view_equal_the_local_run(spark, run):
    """The reader at 2 partitions (one of them with another seed) and a SQL view at 7 partitions."""
    from plotsim_dbt.spark import register

    path, config, local = run
    register(spark)
    reader = spark.read.format("plotsim").option("config", str(path)).option("partitions", "2")
    frame = reader.option("table", "fct_activity").load()
    assert frame.rdd.getNumPartitions() == 2
    assert_same_rows(frame.toArrow(), local["fct_activity"], "reader fct_activity")
    reseeded = generate_arrow(config, seed=config.seed + 1, tables=["dim_account"])[0]["dim_account"]
    assert not reseeded.equals(local["dim_account"])
    assert_same_rows(reader.options(table="dim_account", seed=str(config.seed + 1)).load().toArrow(), reseeded, "reader dim_account, another seed")
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW v_events USING plotsim OPTIONS (config '{path}', table 'evt_login', partitions '7')")
    assert_same_rows(spark.sql("SELECT * FROM v_events").toArrow(), local["evt_login"], "SQL view evt_login")


@pytest.fixture(scope="module")
def raw_run():
    """saas_raw (quality faults, an SCD2 change feed) at 3,000 entities, three key blocks, and its local run."""
    from plotsim_dbt import load_template

    config = load_template("saas_raw")
    config = config.model_copy(update={"segments": [s.model_copy(update={"count": s.count * 5}) for s in config.segments]})
    tables, state = generate_arrow(config)
    return config, tables | state.truth


@pytest.mark.parametrize("table", ["fct_revenue", "dim_company_changes", "truth_quality_faults", "truth_cdc_changes"])
def test_faulted_tables_and_change_feeds_equal_the_local_run(spark, raw_run, table):
    """Quality faults (a drifted and a mistyped column among them) and change feeds are drawn per
    key block, so Spark's partitions give the local rows too."""
    from plotsim_dbt.spark import generate

    config, local = raw_run
    for partitions in (1, 3):
        assert_same_rows(generate(spark, config, table, partitions=partitions).toArrow(), local[table], f"{table} at {partitions} partition(s)")
