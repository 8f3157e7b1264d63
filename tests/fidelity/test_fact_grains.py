"""Variable facts follow their driver, and child counts are uniform, on a mixed population
(1,200 growing + 800 declining companies x 12 months, realistic noise).

Rows per cell are round(driver x scale): the rounding error e has |e| <= 0.5 and variance about
1/12, so the Pearson r of rows and driver x scale is sd(x) / sqrt(var(x) + 1/12) up to sampling;
the tolerance is 3 / sqrt(n) over the n cells (the sd of a Pearson r is at most 1 / sqrt(n)).
More engaged companies place more orders: the mean rows per company of the growing segment rise
from the first period to the last by far more than 4 standard errors. Children per order are
uniform on {1..4}: each frequency lies within 4 binomial standard deviations of n/4."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

import plotsim_dbt as ps

SCALE = 5
CONFIG = dict(
    about="orders",
    unit="company",
    window=("2024-01", "2024-12"),
    seed=21,
    noise="realistic",
    metrics=[{"name": "engagement", "type": "score"}, {"name": "order_value", "type": "amount", "range": [20, 400]}],
    segments=[{"name": "growing", "count": 1200, "archetype": "growth"}, {"name": "fading", "count": 800, "archetype": "decline"}],
    dimensions=[{"name": "dim_company", "columns": [{"company_id": "id"}]}],
    facts=[
        {
            "name": "fct_company",
            "columns": [
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"engagement": "metric.engagement"},
                {"order_value": "metric.order_value"},
            ],
        },
        {
            "name": "fct_orders",
            "proportional": {"driver": "engagement", "scale": SCALE},
            "columns": [{"order_id": "id"}, {"date_key": "ref.dim_date"}, {"company_id": "ref.dim_company"}, {"order_value": "metric.order_value"}],
        },
        {
            "name": "fct_items",
            "parent": "fct_orders",
            "children_per_row": [1, 4],
            "columns": [
                {"item_id": "id"},
                {"order_id": "ref.fct_orders"},
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"line_amount": "share.order_value"},
            ],
        },
    ],
)


@cache
def tables():
    return ps.generate_tables(ps.create(**CONFIG))


@cache
def cells():
    t = tables()
    counts = t["fct_orders"].groupby(["company_id", "date_key"]).size().rename("orders")
    frame = t["fct_company"].join(counts, on=["company_id", "date_key"]).fillna({"orders": 0})
    return frame.dropna(subset=["engagement"])


def test_rows_per_cell_correlate_with_the_driver_as_rounding_allows():
    frame = cells()
    x, rows = frame["engagement"].to_numpy() * SCALE, frame["orders"].to_numpy()
    n = len(frame)
    expected = x.std() / math.sqrt(x.var() + 1 / 12)
    assert np.corrcoef(x, rows)[0, 1] >= expected - 3 / math.sqrt(n)
    assert abs(rows.mean() - x.mean()) <= 3 * math.sqrt(1 / 12 / n)  # rounding is unbiased on average


def test_more_engaged_companies_place_more_orders():
    frame = cells()
    growing = frame[frame["company_id"] <= 1200]
    dates = sorted(growing["date_key"].unique())
    first, last = (growing.loc[growing["date_key"] == d, "orders"].to_numpy() for d in (dates[0], dates[-1]))
    error = math.sqrt(first.var() / len(first) + last.var() / len(last))
    assert last.mean() - first.mean() > 4 * error
    fading = frame[frame["company_id"] > 1200]
    assert fading.loc[fading["date_key"] == dates[-1], "orders"].mean() < fading.loc[fading["date_key"] == dates[0], "orders"].mean()


@pytest.mark.parametrize("children", [1, 2, 3, 4])
def test_children_per_order_are_uniform(children):
    per_order = tables()["fct_items"].groupby("order_id").size()
    n, p = len(per_order), 0.25
    assert abs((per_order == children).sum() - n * p) <= 4 * math.sqrt(n * p * (1 - p))
