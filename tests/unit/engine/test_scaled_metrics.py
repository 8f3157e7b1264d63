"""Metrics tied to an attribute of the entity dimension (``scaled_by``): every cell is the metric's
own value times the factor of the label in force (the SCD2 tier of the version in force, or a
fixed attribute), the truth records the factors, and bad ties are one error naming the field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from star_helpers import FACTS, METRICS, SEGMENTS, generate, star_kwargs

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.inspect import trace_metric_cell

PRICES = {"free": 0, "starter": 49, "pro": 199}
BILLED = {"name": "billed", "type": "amount", "range": [2, 12], "decimals": 0, "scaled_by": {"column": "tier", "factors": PRICES}}
REGIONAL = {"name": "regional", "type": "score", "scaled_by": {"column": "region", "factors": {"NA": 1, "EU": 2, "APAC": 3}}}
FACT = {**FACTS[0], "columns": [*FACTS[0]["columns"], {"billed": "metric.billed"}, {"regional": "metric.regional"}]}


def scaled_kwargs(*metrics: dict, **changes) -> dict:
    return star_kwargs(metrics=[*METRICS, *metrics], facts=[FACT], **changes)


@pytest.fixture(scope="module")
def scaled():
    return generate(**scaled_kwargs(BILLED, REGIONAL))


@pytest.fixture(scope="module")
def rows(scaled):
    _, tables, _ = scaled
    fact = tables["fct_activity"].to_pandas()
    dim = tables["dim_account"].to_pandas()[["dim_row_id", "tier", "region"]]
    return fact.merge(dim, on="dim_row_id", suffixes=("", "_dim"))


def test_each_value_is_its_own_value_times_the_price_of_the_tier_in_force(rows):
    billed = rows["billed"].astype(float)
    price = rows["tier"].map(PRICES).to_numpy()
    seen = billed.notna().to_numpy()
    assert (billed[price == 0].dropna() == 0).all()
    units = (billed / np.where(price == 0, np.nan, price))[seen & (price > 0)]
    assert units.between(2, 12).all()
    assert np.allclose(units, np.round(units)), "whole units (decimals 0) times a whole price"
    means = rows.groupby("tier")["billed"].apply(lambda s: s.astype(float).mean())
    assert means["free"] == 0 < means["starter"] < means["pro"]


def test_scaling_multiplies_the_very_cells_an_unscaled_run_draws(rows):
    plain = [{k: v for k, v in m.items() if k != "scaled_by"} for m in (BILLED, REGIONAL)]
    _, tables, _ = generate(**scaled_kwargs(*plain))
    unscaled = tables["fct_activity"].to_pandas()
    assert (unscaled[["date_key", "account_id"]].to_numpy() == rows[["date_key", "account_id"]].to_numpy()).all()
    price = rows["tier"].map(PRICES).to_numpy()
    assert np.allclose(rows["billed"].astype(float), unscaled["billed"].astype(float) * price, equal_nan=True)
    region = rows["region_dim"].map({"NA": 1, "EU": 2, "APAC": 3}).to_numpy()
    assert np.allclose(rows["regional"], unscaled["regional"] * region, equal_nan=True)
    assert (rows["regional"] > 1).sum() > 50, "a fixed attribute scales every period of its entities"


def test_tier_moves_and_value_moves_agree(scaled, rows):
    _, _, state = scaled
    changes = state.truth["truth_scd_events"].to_pandas()
    periods = dict(zip(rows["date_key"].unique(), range(rows["date_key"].nunique())))
    series = rows.assign(period=rows["date_key"].map(periods)).set_index(["account_id", "period"])["billed"].astype(float)
    moves = []
    for change in changes.itertuples():
        before, after = series.get((change.entity_id, change.period_index - 1)), series.get((change.entity_id, change.period_index))
        if before is not None and after is not None and not np.isnan(before) and not np.isnan(after):
            moves.append(np.sign(after - before) == np.sign(PRICES[change.new_label] - PRICES[change.old_label]))
    assert len(moves) > 20 and np.mean(moves) >= 0.9, f"{np.mean(moves):.2f} of {len(moves)} tier moves move the value alike"


def test_truth_records_the_factors_and_the_scaled_range(scaled):
    _, _, state = scaled
    factors = state.truth["truth_metric_scales"].to_pandas()
    billed = factors[factors["metric"] == "billed"].set_index("label")
    assert billed["factor"].to_dict() == PRICES and (billed["unit_min"] == 2).all() and (billed["unit_max"] == 12).all()
    metrics = state.truth["truth_metrics"].to_pandas().set_index("metric")
    assert metrics.loc["billed", "scaled_by"] == "tier" and metrics.loc["billed", "max_value"] == 12 * 199
    assert metrics.loc["billed", "min_value"] == 0 and pd.isna(metrics.loc["mrr", "scaled_by"])


def test_the_trace_ends_at_the_scaled_table_value(scaled, rows):
    cfg, _, _ = scaled
    row = rows[rows["billed"].astype(float) > 0].iloc[7]
    period = sorted(rows["date_key"].unique()).index(row["date_key"])
    trace = trace_metric_cell(cfg, entity_id=int(row["account_id"]), period_index=period, metric_name="billed")
    assert trace.scale_factor == PRICES[row["tier"]]
    assert trace.realized_cell == float(row["billed"]) == trace.clamped_value * trace.scale_factor


def test_scaled_values_do_not_depend_on_the_block_size():
    segments = [{**s, "count": s["count"] * 25} for s in SEGMENTS]  # 2,500 entities: three key blocks
    cfg = ps.create(**scaled_kwargs(BILLED, REGIONAL, segments=segments))
    whole, _ = generate_arrow(cfg, tables=["fct_activity"], block_size=4096)
    small, _ = generate_arrow(cfg, tables=["fct_activity"], block_size=1024)
    assert whole["fct_activity"].equals(small["fct_activity"])


@pytest.mark.parametrize(
    "metric, field, words",
    [
        ({**BILLED, "scaled_by": {"column": "tier", "factors": {"free": 0, "starter": 49}}}, "metrics.4.scaled_by.factors", "no factor for 'pro'"),
        ({**BILLED, "scaled_by": {"column": "tier", "factors": {**PRICES, "gold": 9}}}, "metrics.4.scaled_by.factors", "not a label"),
        ({**BILLED, "scaled_by": {"column": "employees", "factors": {"1": 1}}}, "metrics.4.scaled_by.column", "fixed set of labels"),
        ({**BILLED, "scaled_by": {"column": "tier", "factors": {**PRICES, "pro": float("nan")}}}, "metrics.4.scaled_by.factors.pro", "finite"),
        ({**BILLED, "scaled_by": {"column": "tier", "factors": {**PRICES, "pro": 1.25e17}}}, "metrics.4.scaled_by.factors", "DECIMAL"),
        ({**METRICS[1], "scaled_by": {"column": "tier", "factors": PRICES}}, "metrics.1.scaled_by", "scd column tier reads it"),
    ],
)
def test_bad_ties_are_one_error_naming_the_field(metric, field, words):
    metrics = [*METRICS, metric] if metric["name"] != "mrr" else [METRICS[0], metric, *METRICS[2:]]
    with pytest.raises(ps.ConfigError) as info:
        ps.create(
            **star_kwargs(
                metrics=metrics,
                facts=[{**FACTS[0], "columns": [*FACTS[0]["columns"], {"billed": "metric.billed"}]}] if metric["name"] == "billed" else FACTS,
            )
        )
    assert info.value.field == field and words in info.value.message and "\n" not in str(info.value)
