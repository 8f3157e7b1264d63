"""Bridge columns (an entity's mean metric, constants, realistic values per link), bridges with
uniform link counts, and period dimensions (one row per period, referenced by the row's own period)."""

from __future__ import annotations

import numpy as np
import pytest

import plotsim_dbt as ps
from plotsim_dbt.dbt.scaffold import model_properties

PERIODS = 12
REGIONS = 6


def config(count: int = 40, links: str = "trajectory", low: int = 1, high: int = 4, bridge_columns: list | None = None) -> ps.Config:
    columns = [{"avg_visits": "metric.visits"}, {"orders": "metric.orders"}, {"weight": "static.1"}, {"contact": "name"}]
    return ps.create(
        about="bridge columns and period dimensions",
        unit="shop",
        window=("2024-01", "2024-12"),
        seed=11,
        metrics=[{"name": "visits", "type": "score"}, {"name": "orders", "type": "count", "range": [0, 20]}],
        segments=[{"name": "up", "count": count, "archetype": "growth"}, {"name": "down", "count": count, "archetype": "decline"}],
        dimensions=[
            {"name": "dim_region", "grain": "reference", "count": REGIONS, "columns": [{"region_id": "id"}, {"region": "city"}]},
            {"name": "dim_shop", "columns": [{"shop_id": "id"}]},
            {
                "name": "dim_week",
                "grain": "period",
                "columns": [
                    {"week_id": "id"},
                    {"date_key": "ref.dim_date"},
                    {"promo": "static.spring,summer,autumn,winter,holiday"},
                    {"budget": "range", "min": 1, "max": 9},
                    {"manager": "name"},
                    {"venue": "geo.city"},
                    {"venue_country": "geo.country"},
                ],
            },
        ],
        facts=[
            {
                "name": "fct_shop",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"week_id": "ref.dim_week"},
                    {"visits": "metric.visits"},
                    {"orders": "metric.orders"},
                ],
            }
        ],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "visits", "scale": 3},
                "columns": [{"visit_id": "id"}, {"shop_id": "ref.dim_shop"}, {"date_key": "ref.dim_date"}, {"week_id": "ref.dim_week"}],
            }
        ],
        bridges=[
            {
                "name": "bridge_shop_region",
                "left": "dim_shop",
                "right": "dim_region",
                "cardinality": [low, high],
                "links": links,
                "columns": columns if bridge_columns is None else bridge_columns,
            }
        ],
    )


@pytest.fixture(scope="module")
def generated():
    cfg = config()
    tables, state = ps.generate_tables_with_state(cfg)
    assert ps.validate(cfg, tables).ok
    return cfg, tables, state


def test_a_bridge_metric_column_holds_the_entitys_mean_realised_value(generated):
    _, tables, _ = generated
    bridge, fact = tables["bridge_shop_region"], tables["fct_shop"]
    assert list(bridge.columns) == ["shop_id", "region_id", "avg_visits", "orders", "weight", "contact"]
    means = fact.groupby("shop_id")[["visits", "orders"]].mean()
    got = bridge.merge(means, left_on="shop_id", right_index=True, suffixes=("", "_fact"))
    assert np.allclose(got["avg_visits"], got["visits"], rtol=1e-12, atol=0)
    assert np.allclose(got["orders"], got["orders_fact"], rtol=1e-12, atol=0)
    assert got["orders"].ne(got["orders"].round()).any()  # a count's mean is not rounded to a count
    assert (bridge.groupby("shop_id")["avg_visits"].nunique() == 1).all()  # the same value on each of an entity's links


def test_bridge_constant_and_realistic_columns_per_link(generated):
    _, tables, _ = generated
    bridge = tables["bridge_shop_region"]
    assert (bridge["weight"] == 1).all()
    assert bridge["contact"].str.len().gt(3).all()
    assert bridge["contact"].nunique() > len(bridge) // 2  # drawn per link row, not once per entity


def test_uniform_link_counts_are_equally_likely_whatever_the_story():
    n = 1500  # per segment
    tables, state = ps.generate_tables_with_state(config(count=n, links="uniform", low=1, high=4, bridge_columns=[]))
    counts = tables["bridge_shop_region"].groupby("shop_id").size().reindex(range(1, 2 * n + 1), fill_value=0).to_numpy()
    shares = np.bincount(counts, minlength=5)[1:] / len(counts)
    tolerance = 4 * np.sqrt(0.25 * 0.75 / len(counts))  # 4 standard errors of a share of 1/4
    assert counts.min() >= 1 and counts.max() <= 4
    assert np.abs(shares - 0.25).max() < tolerance, shares
    # not from the trajectory: rising and falling shops hold the same number of links on average
    segment = state.plan.entity_segment
    up, down = counts[segment == 0], counts[segment == 1]
    assert abs(up.mean() - down.mean()) < 4 * np.sqrt(up.var(ddof=1) / n + down.var(ddof=1) / n)


def test_trajectory_link_counts_still_follow_the_story_with_columns(generated):
    _, tables, state = generated
    counts = tables["bridge_shop_region"].groupby("shop_id").size().to_numpy()
    segment = state.plan.entity_segment
    assert counts[segment == 0].mean() > counts[segment == 1].mean()


def test_a_period_dimension_has_one_row_per_period(generated):
    _, tables, _ = generated
    week, dates = tables["dim_week"], tables["dim_date"]
    assert week["week_id"].tolist() == list(range(1, PERIODS + 1))
    assert week["date_key"].tolist() == dates["date_key"].tolist()
    assert week["promo"].tolist() == (["spring", "summer", "autumn", "winter", "holiday"] * 3)[:PERIODS]  # a static list cycles
    assert week["budget"].between(1, 9).all() and week["budget"].nunique() > 1
    assert week["manager"].str.len().gt(3).all() and week["manager"].nunique() > 1
    assert week["venue"].nunique() > 1 and (week["venue_country"] == "United States").all()  # one place of the locale per row


@pytest.mark.parametrize("table", ["fct_shop", "evt_visit"])
def test_a_reference_to_a_period_dimension_is_the_rows_own_period(generated, table):
    _, tables, _ = generated
    rows = tables[table].merge(tables["dim_date"][["date_key", "period_index"]], on="date_key")
    assert len(rows) == len(tables[table]) > 0
    assert (rows["week_id"] == rows["period_index"] + 1).all()


def test_dbt_describes_and_tests_the_new_columns_and_the_period_dimension(generated):
    cfg, _, _ = generated
    models = {m["name"]: m for m in model_properties(cfg, "config.yaml")["models"]}
    week = {c["name"]: c for c in models["dim_week"]["columns"]}
    assert week["week_id"]["data_tests"][:2] == ["unique", "not_null"]
    assert {"relationships": {"arguments": {"to": "ref('dim_date')", "field": "date_key"}}} in week["date_key"]["data_tests"]
    fact = {c["name"]: c for c in models["fct_shop"]["columns"]}
    assert {"relationships": {"arguments": {"to": "ref('dim_week')", "field": "week_id"}}} in fact["week_id"]["data_tests"]
    assert "own period" in fact["week_id"]["description"]
    bridge = {c["name"]: c for c in models["bridge_shop_region"]["columns"]}
    assert "mean realised visits" in bridge["avg_visits"]["description"]
    assert "Person name" in bridge["contact"]["description"]


def test_info_counts_a_period_dimensions_rows(generated, tmp_path, capsys):
    from plotsim_dbt.cli.main import main

    cfg, _, _ = generated
    path = tmp_path / "shops.yaml"
    path.write_text(ps.dump_config(cfg), encoding="utf-8")  # also: the new fields survive a dump and reload
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"dim_week ({PERIODS} rows)" in out and "bridge_shop_region (1-4 links per entity)" in out
