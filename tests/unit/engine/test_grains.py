"""Variable, child and sibling facts: rows per cell from the driver, children under each parent
row with its keys, shares that add up to the parent's amount exactly, sibling references that stay
inside the entity's past, and tables that generate alike alone or together."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from grains_tables import ITEMS, ORDERS, RETURNS, company_fact

import plotsim_dbt as ps
from plotsim_dbt.columns.grains import split_units
from plotsim_dbt.engine.block import build_block, global_tables
from plotsim_dbt.plan.resolve import resolve_plan

CONFIG = dict(
    about="orders",
    unit="company",
    window=("2024-01", "2024-12"),
    seed=4,
    noise={"mcar_rate": 0.05},
    metrics=[
        {"name": "engagement", "type": "score"},
        {"name": "order_value", "type": "amount", "range": [20, 400]},
        {"name": "returns_rate", "type": "score", "polarity": "negative"},
        {"name": "visits", "type": "count"},
    ],
    segments=[
        {"name": "growing", "count": 700, "archetype": "growth"},
        {"name": "fading", "count": 500, "archetype": "decline", "arrival": {"kind": "uniform"}},
    ],
    dimensions=[{"name": "dim_company", "columns": [{"company_id": "id"}]}],
    facts=[
        company_fact("engagement", "order_value", "visits", "returns_rate"),
        ORDERS,
        ITEMS,
        {
            "name": "fct_parts",
            "parent": "fct_items",
            "children_per_row": [2, 2],
            "columns": [
                {"part_id": "id"},
                {"item_id": "ref.fct_items"},
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"part_amount": "share.line_amount"},
            ],
        },
        {
            "name": "fct_sessions",
            "parent": "fct_company",
            "children_per_row": [1, 3],
            "columns": [{"session_id": "id"}, {"date_key": "ref.dim_date"}, {"company_id": "ref.dim_company"}, {"session_visits": "share.visits"}],
        },
        RETURNS,
    ],
)


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    """The Arrow tables of a run (decimals kept), checked by validate."""
    plan = resolve_plan(ps.create(**CONFIG))
    tables = {name: pa.Table.from_batches([batch]) for name, batch in build_block(plan, 0, plan.entity_count).items()}
    tables |= global_tables(plan)
    assert ps.validate(plan, tables).ok
    return tables


def frame(tables, name):
    return tables[name].to_pandas()


def test_a_variable_fact_has_round_driver_times_scale_rows_per_entity_and_period(tables):
    cells = frame(tables, "fct_company").set_index(["company_id", "date_key"])["engagement"]
    counts = frame(tables, "fct_orders").groupby(["company_id", "date_key"]).size().reindex(cells.index, fill_value=0)
    expected = np.rint(np.nan_to_num(cells.to_numpy(dtype=float), nan=0.0) * 3)
    assert (counts.to_numpy() == expected).all()
    assert cells.isna().any() and (counts[cells.isna()] == 0).all()  # a missing driver makes no rows
    orders = frame(tables, "fct_orders")
    assert orders["order_id"].is_unique and orders["order_id"].is_monotonic_increasing
    assert set(orders.set_index(["company_id", "date_key"]).index) <= set(cells.index)  # only where the company exists


def test_metrics_on_a_variable_fact_are_drawn_per_row_around_the_entity_period(tables):
    cells = frame(tables, "fct_company")[["company_id", "date_key", "order_value"]]
    orders = frame(tables, "fct_orders").merge(cells, on=["company_id", "date_key"], suffixes=("", "_cell"))
    assert len(orders) == len(tables["fct_orders"])
    assert (orders["order_value"].isna() == orders["order_value_cell"].isna()).all()  # the cell's missingness
    values = orders.dropna(subset=["order_value"])
    rows, cell = values["order_value"].astype(float), values["order_value_cell"].astype(float)
    assert rows.between(20, 400).all() and (rows != cell).mean() > 0.9  # every row its own amount, in range
    assert values.groupby(["company_id", "date_key"])["order_value"].nunique().max() > 1
    assert np.corrcoef(rows, cell)[0, 1] > 0.5  # both follow the entity's position
    # Same distribution around the centre: 4 standard errors (the cell mean repeats a cell once per row, so it counts its cells).
    distinct = len(values.groupby(["company_id", "date_key"]))
    assert abs(rows.mean() - cell.mean()) < 4 * np.sqrt(rows.var() / len(values) + cell.var() / distinct)


def test_children_sit_under_one_parent_row_with_its_keys(tables):
    orders, items = frame(tables, "fct_orders"), frame(tables, "fct_items")
    joined = items.merge(orders, on="order_id", suffixes=("", "_order"), validate="many_to_one")
    assert len(joined) == len(items)
    assert (joined["date_key"] == joined["date_key_order"]).all() and (joined["company_id"] == joined["company_id_order"]).all()
    per_order = items.groupby("order_id").size().reindex(orders["order_id"], fill_value=0)
    assert per_order.between(1, 4).all() and set(per_order) == {1, 2, 3, 4}
    assert items["item_id"].is_unique


def test_shares_add_up_exactly_to_the_parent_amount_and_keep_its_nulls(tables):
    items = tables["fct_items"]
    assert items.schema.field("line_amount").type == pa.decimal128(18, 2)
    lines = items.to_pandas()
    totals = lines.groupby("order_id")["line_amount"].agg(lambda s: None if s.isna().all() else sum(s, Decimal(0)))
    parents = frame(tables, "fct_orders").set_index("order_id")["order_value"]
    assert parents.isna().any()
    assert (totals[parents.isna()].isna()).all()
    assert (totals[parents.notna()] == parents[parents.notna()]).all()
    assert (lines["line_amount"].dropna() >= 0).all() and lines.groupby("order_id")["line_amount"].nunique().max() > 1
    parts = frame(tables, "fct_parts")  # a grandchild splits its parent's share
    sums = parts.groupby("item_id")["part_amount"].agg(lambda s: sum(s, Decimal(0)) if s.notna().all() else None)
    lines = lines.set_index("item_id")["line_amount"]
    assert (sums[lines.notna()] == lines[lines.notna()]).all()


def test_children_of_a_per_period_fact_split_its_cell(tables):
    cells = frame(tables, "fct_company").set_index(["company_id", "date_key"])["visits"]
    sessions = frame(tables, "fct_sessions")
    assert tables["fct_sessions"].schema.field("session_visits").type == pa.int64()
    grouped = sessions.groupby(["company_id", "date_key"])
    assert grouped.size().reindex(cells.index).between(1, 3).all()
    totals = grouped["session_visits"].sum(min_count=1).reindex(cells.index)
    assert (totals[cells.notna()] == cells[cells.notna()]).all() and totals[cells.isna()].isna().all()


def test_a_sibling_points_at_a_row_of_the_same_entity_at_or_before_its_period(tables):
    orders, returns = frame(tables, "fct_orders"), frame(tables, "fct_returns")
    joined = returns.dropna(subset=["order_id"]).merge(orders, on="order_id", suffixes=("", "_order"))
    assert len(joined) == returns["order_id"].notna().sum() > 0
    assert (joined["company_id"] == joined["company_id_order"]).all() and (joined["date_key_order"] <= joined["date_key"]).all()
    first_order = orders.groupby("company_id")["date_key"].min()
    orphans = returns[returns["order_id"].isna()]
    assert len(orphans) and (orphans["date_key"] < orphans["company_id"].map(first_order).fillna(99999999)).all()


def test_a_table_generated_alone_gives_the_rows_of_a_full_block():
    plan = resolve_plan(ps.create(**CONFIG))
    full = build_block(plan, 1024, 1200)
    for name in ("fct_items", "fct_parts", "fct_returns", "fct_sessions"):
        assert build_block(plan, 1024, 1200, [name])[name].equals(full[name]), name


@pytest.mark.parametrize("seed", range(5))
def test_split_units_adds_up_per_group_and_never_goes_negative(seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 6, 400)
    group = np.repeat(np.arange(400), sizes)
    totals = rng.integers(0, 10**9, 400)
    parts = split_units(np.repeat(totals, sizes), group, rng.random(len(group)))
    assert (np.bincount(group, weights=parts).astype(np.int64) == totals).all()
    assert (parts >= 0).all()
