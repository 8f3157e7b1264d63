"""Metric precision: values are rounded once to the metric's decimals (2 for amounts by default),
stay inside the declared range, are stored as decimal128(18, d) (DuckDB DECIMAL, Parquet decimal,
CSV with exactly d places) and reach pandas as floats; a bad `decimals` is one clear error."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow

METRICS = [
    {"name": "spend", "type": "amount", "range": [10, 500]},  # default 2 places
    {"name": "rating", "type": "index", "range": [0.125, 0.875], "decimals": 2},  # bounds not on the 0.01 grid
    {"name": "score", "type": "score"},  # full precision
    {"name": "visits", "type": "count", "range": [0, 6]},
    {"name": "price", "type": "amount", "range": [1, 9], "decimals": 0},
]


def config(**changes) -> ps.Config:
    base = dict(
        about="decimals",
        unit="account",
        window=("2024-01", "2024-12"),
        metrics=METRICS,
        segments=[{"name": "up", "count": 40, "archetype": "growth"}, {"name": "down", "count": 40, "archetype": "decline"}],
        # Outliers (x3 to x10) push many cells onto the upper clamp, noise onto the lower.
        noise={"gaussian_sigma": 0.3, "outlier_rate": 0.2, "mcar_rate": 0.05},
        dimensions=[{"name": "dim_account", "columns": [{"account_id": "id"}, {"segment": "segment"}]}],
        facts=[
            {
                "name": "fct_account",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"account_id": "ref.dim_account"},
                    *({m["name"]: f"metric.{m['name']}"} for m in METRICS),
                    {"spend_before": "lag.spend:periods:1"},
                ],
            }
        ],
        entity_features=True,
        seed=8,
    )
    return ps.create(**{**base, **changes})


@pytest.fixture(scope="module")
def fact() -> pa.Table:
    return generate_arrow(config())[0]["fct_account"]


def places_of(values: list[Decimal]) -> set[int]:
    return {-v.as_tuple().exponent for v in values if v is not None}


def test_column_types_follow_the_declared_places(fact):
    schema = fact.schema
    assert schema.field("spend").type == pa.decimal128(18, 2)  # amount: 2 by default
    assert schema.field("rating").type == pa.decimal128(18, 2)
    assert schema.field("price").type == pa.decimal128(18, 0)
    assert schema.field("spend_before").type == pa.decimal128(18, 2)  # a lag carries its metric's type
    assert schema.field("score").type == pa.float64()  # scores keep full precision unless declared
    assert schema.field("visits").type == pa.int64()


def test_values_are_rounded_and_stay_inside_the_range(fact):
    for name, low, high in (("spend", "10.00", "500.00"), ("rating", "0.13", "0.87"), ("price", "1", "9")):
        values = [v for v in fact.column(name).to_pylist() if v is not None]
        assert min(values) >= Decimal(low) and max(values) <= Decimal(high), name
        # The bounds rounded inwards are reached (clamped cells), never passed.
        assert Decimal(high) in values and Decimal(low) in values, name
    # Unrounded, 13-16 digits would follow the point; the float of a cell is its rounded value.
    spend = np.array([float(v) for v in fact.column("spend").to_pylist() if v is not None])
    np.testing.assert_array_equal(spend, np.round(spend, 2))


def test_truth_records_the_rounded_bounds():
    state = generate_arrow(config(), tables=["truth_metrics"])[0]["truth_metrics"].to_pylist()
    rating = next(r for r in state if r["metric"] == "rating")
    assert (rating["min_value"], rating["max_value"]) == (0.13, 0.87)


def test_lag_repeats_the_rounded_cell(fact):
    rows = fact.select(["account_id", "spend", "spend_before"]).to_pylist()
    for previous, row in zip(rows, rows[1:]):
        if row["account_id"] == previous["account_id"]:
            assert row["spend_before"] == previous["spend"]


def test_pandas_gets_floats_of_the_rounded_values(fact):
    frame = ps.generate_tables(config())["fct_account"]
    assert frame["spend"].dtype == np.float64 and frame["rating"].dtype == np.float64 and frame["price"].dtype == np.float64
    # The nearest double of each decimal (10.04, not 10.040000000000001).
    expected = [np.nan if v is None else float(str(v)) for v in fact.column("spend").to_pylist()]
    np.testing.assert_array_equal(frame["spend"].to_numpy(), np.array(expected))


def test_entity_features_read_the_rounded_cells():
    features = ps.build_entity_features(config(), ps.generate_tables(config()))
    firsts = features["spend_first"].dropna().to_numpy()
    np.testing.assert_array_equal(firsts, np.round(firsts, 2))


def test_every_file_format_keeps_the_places(tmp_path):
    cfg = config()
    ps.run(cfg, tmp_path / "db", format="duckdb", strict=True)
    con = duckdb.connect(str(tmp_path / "db" / "warehouse.duckdb"), read_only=True)
    types = dict(con.sql("select column_name, column_type from (describe fct_account)").fetchall())
    con.close()
    assert types["spend"] == "DECIMAL(18,2)" and types["rating"] == "DECIMAL(18,2)" and types["price"] == "DECIMAL(18,0)"
    assert types["score"] == "DOUBLE" and types["visits"] == "BIGINT"

    ps.run(cfg, tmp_path / "pq", format="parquet", strict=True)
    schema = pq.read_schema(tmp_path / "pq" / "fct_account.parquet")
    assert schema.field("spend").type == pa.decimal128(18, 2)

    ps.run(cfg, tmp_path / "csv", format="csv", strict=True)
    with open(tmp_path / "csv" / "fct_account.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for name, pattern in (("spend", r"-?\d+\.\d{2}"), ("rating", r"-?\d+\.\d{2}"), ("price", r"-?\d+")):
        written = [r[name] for r in rows if r[name] != ""]
        assert written and all(re.fullmatch(pattern, v) for v in written), name


def test_write_tables_writes_decimals_from_pandas(tmp_path):
    cfg = config()
    ps.write_tables(ps.generate_tables(cfg), cfg, tmp_path / "out", format="parquet")
    ps.run(cfg, tmp_path / "run", format="parquet")
    written, ran = (pq.read_table(tmp_path / d / "fct_account.parquet") for d in ("out", "run"))
    assert written.schema.field("spend").type == pa.decimal128(18, 2)
    assert written.column("spend").equals(ran.column("spend"))


@pytest.mark.parametrize("decimals", [-1, 10, 2.5, "2", True, "two"])
def test_bad_decimals_is_one_error_naming_the_field(decimals):
    with pytest.raises(ps.ConfigError) as info:
        config(metrics=[METRICS[0], {"name": "rating", "type": "index", "range": [0, 1], "decimals": decimals}])
    assert info.value.field == "metrics.1.decimals"
    assert "whole number from 0 to 9" in info.value.message and "more problem" not in info.value.message


@pytest.mark.parametrize(
    ("metric", "words"),
    [
        ({"name": "visits", "type": "count", "decimals": 2}, "is a count"),
        ({"name": "rating", "type": "index", "range": [0.121, 0.129], "decimals": 2}, "no value with 2 decimal places"),
        ({"name": "revenue", "type": "amount", "range": [0, 1e17]}, "too few for the range"),
    ],
)
def test_decimals_that_cannot_hold_are_refused(metric, words):
    with pytest.raises(ps.ConfigError) as info:
        config(
            metrics=[METRICS[0], metric],
            facts=[
                {
                    "name": "fct_account",
                    "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {metric["name"]: f"metric.{metric['name']}"}],
                }
            ],
        )
    assert info.value.field == "metrics.1.decimals" and words in info.value.message
