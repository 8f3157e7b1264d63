"""trace_metric_cell: realized_cell is the generated table's cell, and the steps are the ones
that made it, for lagged, seasonal, correlated, noisy, outlier and missing cells."""

from __future__ import annotations

import numpy as np
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import as_pandas, generate_arrow
from plotsim_dbt.cli.main import main
from plotsim_dbt.inspect import trace_metric_cell
from plotsim_dbt.plan.resolve import resolve_plan

CONFIG = dict(
    about="trace check",
    unit="account",
    window=("2024-01", "2024-12"),
    metrics=[
        {"name": "engagement", "type": "score"},
        {"name": "spend", "type": "amount", "range": [10, 500], "seasonal_sensitivity": 1.5},
        {"name": "tickets", "type": "count", "polarity": "negative", "follows": "engagement", "delay": 2},
        {"name": "duration", "distribution": "weibull", "params": {"shape": 1.5}, "value_range": {"min": 1, "max": 365}},
    ],
    connections=["engagement driven_by spend", "tickets opposes spend"],
    segments=[
        {"name": "growers", "count": 700, "archetype": "growth"},
        {"name": "faders", "count": 500, "archetype": "decline > flat @ 6", "seasonal_sensitivity": 0.5},
    ],
    seasonality=[{"months": [11, 12], "strength": 0.3}],
    noise={"gaussian_sigma": 0.05, "outlier_rate": 0.05, "mcar_rate": 0.05},
    seed=5,
)


@pytest.fixture(scope="module")
def generated():
    cfg = ps.create(**CONFIG)
    tables, _ = generate_arrow(cfg)
    fact = as_pandas(tables["fct_account"]).set_index(["account_id", "date_key"])  # amounts as the floats of their decimals
    return cfg, fact


def test_realized_cell_equals_the_table_on_a_sweep(generated):
    cfg, fact = generated
    plan = resolve_plan(cfg)  # traced as a Plan, so the sweep plans once; the Config path must agree
    by_config = trace_metric_cell(cfg, seed=cfg.seed, entity_id=7, period_index=3, metric_name="spend")
    assert by_config == trace_metric_cell(plan, entity_id=7, period_index=3, metric_name="spend")
    rng = np.random.default_rng(0)
    kinds = set()
    for entity_id, period in zip(rng.integers(1, 1201, 25), rng.integers(0, 12, 25)):
        for metric in ("engagement", "spend", "tickets", "duration"):
            result = trace_metric_cell(plan, entity_id=int(entity_id), period_index=int(period), metric_name=metric)
            expected = fact.loc[(result.entity_id, result.date_key), metric]
            if np.isnan(expected):
                assert result.missing and result.realized_cell is None
                kinds.add("missing")
            else:
                assert result.realized_cell == pytest.approx(float(expected), rel=0, abs=0)
                assert result.clamped_value == result.realized_cell
            kinds.add("outlier" if result.outlier_multiplier > 1 else "plain")
            if result.lag_delay:
                kinds.add("lagged")
            if result.seasonal_factor != 1.0:
                kinds.add("seasonal")
            if result.correlated_draw != result.independent_draw:
                kinds.add("correlated")
    assert {"missing", "outlier", "plain", "lagged", "seasonal", "correlated"} <= kinds


def test_steps_are_consistent_with_each_other(generated):
    cfg, _ = generated
    r = trace_metric_cell(cfg, entity_name="growers_0009", period_index=11, metric_name="tickets")
    assert r.entity_id == 10 and r.segment == "growers" and r.lag_delay == 2
    plan_positions = ps.generate_tables_with_state(cfg)[1].trajectories["growers_0009"]
    assert r.trajectory_position == pytest.approx(plan_positions[11])
    assert r.effective_position == pytest.approx(plan_positions[9])  # two periods earlier
    assert r.seasonal_factor == pytest.approx(1.3)  # December lift, sensitivity 1
    # the by-name and by-id lookups trace the same cell
    assert trace_metric_cell(cfg, entity_id=10, period_index=11, metric_name="tickets") == r


def test_bad_arguments_name_what_is_wrong(generated):
    cfg, _ = generated
    with pytest.raises(KeyError, match="growers_0000"):
        trace_metric_cell(cfg, entity_name="nobody_0000", period_index=0, metric_name="spend")
    with pytest.raises(IndexError, match="0..11"):
        trace_metric_cell(cfg, entity_id=1, period_index=12, metric_name="spend")
    with pytest.raises(KeyError, match="engagement"):
        trace_metric_cell(cfg, entity_id=1, period_index=0, metric_name="revenue")
    with pytest.raises(ValueError, match="exactly one"):
        trace_metric_cell(cfg, period_index=0, metric_name="spend")


def test_cli_trace_prints_the_steps(capsys):
    assert main(["trace", "saas", "--entity", "expansion_0001", "--period", "8", "--metric", "mrr"]) == 0
    out = capsys.readouterr().out
    for step in ("trajectory_position", "distribution_center", "correlated_draw", "noised_value", "realized_cell"):
        assert step in out
    assert main(["trace", "saas", "--entity", "x_1", "--period", "8", "--metric", "mrr"]) == 1
    assert "no entity named 'x_1'" in capsys.readouterr().err
