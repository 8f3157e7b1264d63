"""output.denormalized writes <fact>_wide: the fact's rows in order with each referenced
dimension's columns, and for the SCD2 dimension the version in force at the row's date (checked
against the versions' [valid_from, valid_to) intervals, and shown to differ from the current one)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

import plotsim_dbt as ps


def config(denormalized: bool = True) -> ps.Config:
    return ps.create(
        about="wide",
        unit="account",
        window=("2024-01", "2024-12"),
        seed=4,
        metrics=[{"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 60, "archetype": "growth"}, {"name": "down", "count": 60, "archetype": "decline"}],
        dimensions=[
            {"name": "dim_plan", "grain": "reference", "columns": [{"plan_id": "id"}, {"plan": "static.basic,plus,max"}]},
            {
                "name": "dim_account",
                "columns": [
                    {"account_id": "id"},
                    {"account_name": "company"},
                    {"plan_id": "ref.dim_plan"},
                    {"name": "level", "type": "scd", "tracks": "spend", "tiers": ["low", "mid", "high"], "at": [0.35, 0.65]},
                ],
            },
        ],
        facts=[{"name": "fct_account", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"spend": "metric.spend"}]}],
        output={"format": "parquet", "denormalized": denormalized},
    )


def read(directory, table) -> pd.DataFrame:
    return pq.read_table(directory / f"{table}.parquet").to_pandas()


def test_the_wide_table_holds_the_fact_rows_in_order_with_their_dimensions(tmp_path):
    result = ps.run(config(), tmp_path / "out")
    assert result.report.ok
    fact, wide = read(tmp_path / "out", "fct_account"), read(tmp_path / "out", "fct_account_wide")
    pd.testing.assert_frame_equal(wide[list(fact.columns)], fact)
    assert [c for c in wide.columns if c not in fact.columns] == [
        "dim_date__date",
        "dim_date__year",
        "dim_date__quarter",
        "dim_date__month",
        "dim_date__month_name",
        "dim_date__week",
        "dim_date__period_label",
        "dim_date__period_index",
        "dim_account__account_name",
        "dim_account__plan_id",
        "dim_account__level",
    ]  # keys are not repeated, nor the validity columns


def test_the_scd2_version_is_the_one_in_force_at_the_facts_date(tmp_path):
    ps.run(config(), tmp_path / "out", validate=False)
    wide, dims = read(tmp_path / "out", "fct_account_wide"), read(tmp_path / "out", "dim_account")
    pairs = wide[["account_id", "dim_date__date", "dim_account__level"]].merge(dims[["account_id", "level", "valid_from", "valid_to", "is_current"]])
    date = pd.to_datetime(pairs["dim_date__date"])
    in_force = (date >= pd.to_datetime(pairs["valid_from"])) & (pairs["valid_to"].isna() | (date < pd.to_datetime(pairs["valid_to"])))
    as_of = pairs[in_force]
    assert len(as_of) == len(wide)  # exactly one version in force per fact row
    assert (as_of["level"] == as_of["dim_account__level"]).all()
    current = wide.merge(dims[dims["is_current"]][["account_id", "level"]], on="account_id")
    assert (current["level"] != current["dim_account__level"]).sum() > len(wide) // 20  # not the current version


def test_without_denormalized_no_wide_table_is_written(tmp_path):
    result = ps.run(config(denormalized=False), tmp_path / "out", validate=False)
    assert not list((tmp_path / "out").glob("*_wide*")) and not any(name.endswith("_wide") for name in result.row_counts)


def test_write_tables_writes_the_same_wide_table_as_a_run(tmp_path):
    cfg = config()
    ps.run(cfg, tmp_path / "run", validate=False)
    ps.write_tables(ps.generate_tables(cfg), cfg, tmp_path / "tables")
    assert (tmp_path / "run" / "fct_account_wide.parquet").read_bytes() == (tmp_path / "tables" / "fct_account_wide.parquet").read_bytes()
