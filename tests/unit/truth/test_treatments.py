"""truth_treatments: one row per treated segment and moved metric, whose expected_effect is what a
difference-in-differences on the generated fact estimates (within its sampling error)."""

from __future__ import annotations

import numpy as np
import pytest

import plotsim_dbt as ps
from plotsim_dbt.dbt.scaffold import model_properties

METRICS = [
    {"name": "score", "type": "score"},
    {"name": "spend", "type": "amount", "range": [100, 1000]},
    {"name": "visits", "type": "count", "range": [0, 6], "follows": "score", "delay": 2},
    {"name": "other", "type": "score"},
]


def config(treatment: dict | None, count: int = 1200, **segment) -> ps.Config:
    treated = {"name": "trial", "count": count, "archetype": "growth", **segment}
    if treatment is not None:
        treated["treatment"] = treatment
    return ps.create(
        about="trial",
        unit="user",
        window=("2024-01", "2024-12"),
        seed=21,
        metrics=METRICS,
        segments=[treated, {"name": "rest", "count": 40, "archetype": "decline"}],
    )


@pytest.fixture(scope="module")
def every_metric():
    """Every metric lifted, entities arriving over the window (so post periods per entity differ)."""
    treatment = {"fraction": 0.4, "lift_log_odds": 0.9, "start_period": 6}
    return ps.generate_tables_with_state(config(treatment, arrival={"kind": "uniform"}))


def did(tables, state, segment: str, metric: str, start_date_key: int, labels=("treatment", "control")) -> tuple[float, float]:
    """(difference-in-differences, its standard error) of ``metric`` in ``segment``, as the dbt test computes it."""
    entities = state.truth["truth_entities"].to_pandas().set_index("entity_id")
    fact = tables["fct_user"]
    fact = fact[fact["user_id"].isin(entities.index[entities["segment"] == segment])]
    means = fact.groupby(["user_id", fact["date_key"] >= start_date_key])[metric].mean().unstack()
    change = (means[True] - means[False]).dropna()
    arm = change.groupby(entities.loc[change.index, "treatment_group"].to_numpy())
    return arm.mean()[labels[0]] - arm.mean()[labels[1]], float(np.sqrt((arm.var() / arm.count()).sum()))


def test_expected_effect_is_what_a_difference_in_differences_estimates(every_metric):
    tables, state = every_metric
    truth = state.truth["truth_treatments"].to_pandas()
    assert truth["metric"].tolist() == [m["name"] for m in METRICS], "every metric lifted: one row each"
    assert truth["direct"].all() and (truth[["treated", "control"]].to_numpy() == [480, 720]).all()
    for row in truth.itertuples():
        estimate, se = did(tables, state, "trial", row.metric, row.start_date_key)
        # 1,200 entities: se is a few percent of the effect, so 4 se separates a right truth from a wrong one.
        assert abs(estimate - row.expected_effect) < 4 * se, (row.metric, estimate, row.expected_effect, se)
        assert abs(row.expected_effect) > 8 * se, row.metric
    # A count's mean is its centre; a score's (logit-normal) mean is not.
    by_metric = truth.set_index("metric")
    assert by_metric.loc["visits", "expected_effect"] == by_metric.loc["visits", "centre_effect"]
    assert by_metric.loc["score", "expected_effect"] != pytest.approx(by_metric.loc["score", "centre_effect"], rel=1e-4)


def test_a_target_moves_itself_and_its_followers_only():
    treatment = {"fraction": 0.5, "lift_log_odds": 0.8, "start_period": 5, "target_metric": "score", "treatment_label": "B", "control_label": "A"}
    tables, state = ps.generate_tables_with_state(config(treatment, count=600))
    truth = state.truth["truth_treatments"].to_pandas()
    assert truth[["metric", "direct"]].values.tolist() == [["score", True], ["visits", False]]
    assert truth[["treatment_label", "control_label", "start_period"]].drop_duplicates().values.tolist() == [["B", "A", 5]]
    assert (truth["start_date_key"] == 20240601).all()
    entities = state.truth["truth_entities"].to_pandas()
    assert set(entities.loc[entities["segment"] == "trial", "treatment_group"]) == {"A", "B"}
    estimate, se = did(tables, state, "trial", "other", 20240601, labels=("B", "A"))
    assert abs(estimate) < 4 * se, "a metric the treatment does not reach is not moved"
    cohorts = ps.build_manifest(config(treatment, count=600))["treatment_cohorts"]
    assert [(c["segment"], c["metric"], c["treated"], c["control"]) for c in cohorts] == [("trial", "score", 300, 300), ("trial", "visits", 300, 300)]
    fact = next(m for m in model_properties(config(treatment, count=600), "x")["models"] if m["name"] == "fct_user")
    checked = [
        t["plotsim_dbt.treatment_effect_recovered"]["arguments"]
        for t in fact["data_tests"]
        if isinstance(t, dict) and "plotsim_dbt.treatment_effect_recovered" in t
    ]
    assert checked == [{"metric": m, "entity_column": "user_id"} for m in ("score", "visits")], "the scaffold checks each moved metric"


def test_no_treatment_gives_an_empty_table_and_no_cohort():
    cfg = config(None, count=30)
    _, state = ps.generate_tables_with_state(cfg)
    assert state.truth["truth_treatments"].num_rows == 0
    assert "expected_effect" in state.truth["truth_treatments"].column_names
    assert ps.build_manifest(cfg)["treatment_cohorts"] == []


def test_no_period_before_the_start_leaves_no_expected_effect():
    treatment = {"fraction": 0.5, "lift_log_odds": 0.8, "start_period": 0}
    _, state = ps.generate_tables_with_state(config(treatment, count=20))
    truth = state.truth["truth_treatments"].to_pandas()
    assert len(truth) == len(METRICS) and truth["expected_effect"].isna().all() and truth["centre_effect"].isna().all()
    properties = model_properties(config(treatment, count=20), "x")["models"]
    fact = next(m for m in properties if m["name"] == "fct_user")
    assert not [t for t in fact["data_tests"] if "treatment_effect_recovered" in str(t)], "scaffold adds no test that must fail"
