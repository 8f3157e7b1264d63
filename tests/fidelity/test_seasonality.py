"""Seasonal lift: centre = (lo + span * q) * (1 + s), clipped to the range, where
s = (sum of strengths of the seasonality entries containing the period's month)
    * metric.seasonal_sensitivity * segment.seasonal_sensitivity.

Every test compares a seasonal config with the SAME config without seasonality (same seed).
Trajectories are plateaus, so the un-lifted centre c0 of a (segment, metric) is one number.
Index metrics use the normal family with sigma = 5 on [0, 100], so a group mean estimates
E[clip(c + 5 Z, 0, 100)], known in closed form.

Tolerance: a (segment, month) group has n = entities x 2 years cells; its mean has standard error
at most sigma / sqrt(n) (clamping cannot increase the sd), and we allow 5 standard errors. A
difference of two independent-enough group means gets sqrt(2) times that.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from scipy import stats

import plotsim_dbt as ps
from plotsim_dbt.plan.resolve import resolve_plan

SIGMA = 5.0
PER_SEGMENT = 500
YEARS = 2
N_GROUP = PER_SEGMENT * YEARS
TOL = 5 * SIGMA / math.sqrt(N_GROUP)  # 5 standard errors of a (segment, month) mean = 0.79

SEASONALITY = [
    {"months": [11, 12], "strength": 0.3},
    {"months": [12, 1], "strength": 0.1},  # December sums both entries: 0.4
    {"months": [6], "strength": -0.2},
]
MONTH_LIFT = {1: 0.1, 6: -0.2, 11: 0.3, 12: 0.4}  # written out by hand from SEASONALITY

SEGMENTS = [
    {"name": "base", "count": PER_SEGMENT, "archetype": "plateau(level=0.5)"},
    {"name": "half", "count": PER_SEGMENT, "archetype": "plateau(level=0.5)", "seasonal_sensitivity": 0.5},
    {"name": "frozen", "count": PER_SEGMENT, "archetype": "plateau(level=0.5)", "seasonal_sensitivity": 0.0},
    {"name": "contrary", "count": PER_SEGMENT, "archetype": "plateau(level=0.5)", "seasonal_sensitivity": -1.0},
    {"name": "hot", "count": PER_SEGMENT, "archetype": "plateau(level=0.9)"},
]
SEGMENT_SENS = {s["name"]: s.get("seasonal_sensitivity", 1.0) for s in SEGMENTS}
LEVEL = {s["name"]: float(s["archetype"].split("=")[1].rstrip(")")) for s in SEGMENTS}


def index_metric(name: str, sensitivity: float, value_range=(0, 100)) -> dict:
    return {
        "name": name,
        "type": "index",
        "range": list(value_range),
        "params": {"sigma": SIGMA},
        "seasonal_sensitivity": sensitivity,
    }


METRICS = [
    index_metric("full", 1.0),
    index_metric("immune", 0.0),
    index_metric("inverse", -0.5),
    index_metric("double", 2.0),
    # lo != 0: the lift multiplies the whole centre lo + span * q, not only span * q
    index_metric("offset", 1.0, value_range=(20, 120)),
    {"name": "cap", "type": "score"},  # logitnormal on [0, 1], sensitivity 1
]
METRIC_SENS = {m["name"]: m.get("seasonal_sensitivity", 1.0) for m in METRICS}
RANGE = {m["name"]: tuple(float(v) for v in m.get("range", (0, 1))) for m in METRICS}


@cache
def run(seasonal: bool):
    cfg = ps.create(
        about="seasonality",
        unit="acct",
        window=("2024-01", "2025-12"),
        metrics=METRICS,
        segments=SEGMENTS,
        seasonality=SEASONALITY if seasonal else None,
        variation=0,  # every entity follows the archetype, so each cell's centre is the plan's
        seed=99,
    )
    plan = resolve_plan(cfg)
    tables = ps.generate_tables(cfg)
    fact = tables["fct_acct"].merge(tables["dim_date"][["date_key", "month"]], on="date_key")
    names = tables["dim_acct"].set_index("acct_id")["acct_name"]
    fact["segment"] = fact["acct_id"].map(names).str.rpartition("_")[0]
    return plan, fact


def clamped_normal_mean(c: float, sigma: float, lo: float, hi: float) -> float:
    a, b = (lo - c) / sigma, (hi - c) / sigma
    return float(
        lo * stats.norm.cdf(a) + hi * stats.norm.sf(b) + c * (stats.norm.cdf(b) - stats.norm.cdf(a)) + sigma * (stats.norm.pdf(a) - stats.norm.pdf(b))
    )


def expected_centre(segment: str, metric: str, month: int) -> float:
    lo, hi = RANGE[metric]
    c0 = lo + (hi - lo) * LEVEL[segment]
    s = MONTH_LIFT.get(month, 0.0) * METRIC_SENS[metric] * SEGMENT_SENS[segment]
    return float(np.clip(c0 * (1 + s), lo, hi))


def group_mean(fact, segment: str, month: int, metric: str) -> float:
    values = fact.loc[(fact["segment"] == segment) & (fact["month"] == month), metric]
    assert len(values) == N_GROUP
    return float(values.mean())


def test_plan_centres_follow_the_lift_formula():
    plan, _ = run(True)
    plain, _ = run(False)
    months = [(i % 12) + 1 for i in range(24)]  # 2024-01 .. 2025-12, computed independently
    for s, segment in enumerate(SEGMENTS):
        for m, metric in enumerate(METRICS):
            lo, hi = RANGE[metric["name"]]
            c0 = lo + (hi - lo) * LEVEL[segment["name"]]
            np.testing.assert_allclose(plain.centres[s, :, m], c0, rtol=0, atol=1e-12)
            expected = [expected_centre(segment["name"], metric["name"], month) for month in months]
            np.testing.assert_allclose(plan.centres[s, :, m], expected, rtol=0, atol=1e-12)
    # The lift really is there: December of base/full is 50 * 1.4 = 70, not 50.
    assert plan.centres[0, 11, 0] == pytest.approx(70.0)
    # And it is clipped: hot (0.9) score in December would be 0.9 * 1.4 = 1.26; it is 1.0.
    assert plan.centres[4, 11, 5] == 1.0 and plain.centres[4, 11, 5] == pytest.approx(0.9)
    # offset on [20, 120] at 0.5: (20 + 50) * 1.4 = 98, not 20 + 50 * 1.4 = 90.
    assert plan.centres[0, 11, 4] == pytest.approx(98.0)


@pytest.mark.parametrize("segment", ["base", "half", "contrary", "hot"])
@pytest.mark.parametrize("metric", ["full", "inverse", "double", "offset"])
def test_lifted_month_means_match_the_lifted_centre(segment, metric):
    _, fact = run(True)
    _, plain = run(False)
    lo, hi = RANGE[metric]
    moved = 0
    for month in MONTH_LIFT:
        c = expected_centre(segment, metric, month)
        c0 = lo + (hi - lo) * LEVEL[segment]
        lifted_mean, plain_mean = clamped_normal_mean(c, SIGMA, lo, hi), clamped_normal_mean(c0, SIGMA, lo, hi)
        realised = group_mean(fact, segment, month, metric)
        baseline = group_mean(plain, segment, month, metric)
        assert abs(realised - lifted_mean) < TOL, (month, realised, c)
        assert abs(baseline - plain_mean) < TOL, (month, baseline, c0)
        # Seasonal minus non-seasonal mean is the lift. The two runs share their draws, so the
        # difference has sd <= sqrt(2) * standard error (non-negatively correlated means).
        assert abs((realised - baseline) - (lifted_mean - plain_mean)) < math.sqrt(2) * TOL
        # Where the lift moves the mean by a lot, the un-lifted reading is rejected.
        if abs(lifted_mean - plain_mean) > 3 * TOL:
            moved += 1
            assert abs(realised - plain_mean) > 2 * TOL
    assert moved >= 2  # every parametrisation sees the lift somewhere


def test_negative_sensitivity_lowers_the_lifted_months():
    _, fact = run(True)
    _, plain = run(False)
    # inverse (-0.5) on base in December: s = 0.4 * -0.5 = -0.2 -> centre 40 instead of 50.
    assert group_mean(fact, "base", 12, "inverse") < group_mean(plain, "base", 12, "inverse") - 10 * TOL
    # full on the contrary segment (-1) in November: s = -0.3 -> 35; in June s = +0.2 -> 60.
    assert abs(group_mean(fact, "contrary", 11, "full") - 35.0) < TOL
    assert abs(group_mean(fact, "contrary", 6, "full") - 60.0) < TOL
    # Negative metric x negative segment sensitivity lifts: inverse on contrary in December is
    # 50 * (1 + 0.4 * -0.5 * -1) = 60.
    assert abs(group_mean(fact, "contrary", 12, "inverse") - 60.0) < TOL


def test_sensitivity_zero_is_immune():
    _, fact = run(True)
    _, plain = run(False)
    # An immune metric (sensitivity 0) and an immune segment are unchanged cell for cell: their
    # centres are identical and the draws are keyed by seed, so the data must be identical.
    np.testing.assert_array_equal(fact["immune"].to_numpy(), plain["immune"].to_numpy())
    frozen = fact["segment"] == "frozen"
    assert frozen.sum() == PER_SEGMENT * 24
    for metric in [m["name"] for m in METRICS]:
        np.testing.assert_array_equal(fact.loc[frozen, metric].to_numpy(), plain.loc[frozen, metric].to_numpy())
    # Statistically too: the immune metric's December mean sits at the un-lifted centre 50 while
    # the full metric's is at 70.
    assert abs(group_mean(fact, "base", 12, "immune") - 50.0) < TOL
    assert abs(group_mean(fact, "base", 12, "full") - 70.0) < TOL
    # ... and the lifted metrics did change where the immune one did not.
    assert not np.array_equal(fact["full"].to_numpy(), plain["full"].to_numpy())


def test_lifted_centre_is_clipped_to_the_range():
    _, fact = run(True)
    # hot/full in December: 90 * 1.4 = 126 is clipped to 100, so cells are clip(100 + 5 Z):
    # mean 100 - 5 * phi(0) = 98.0. An unclipped centre of 126 would give a mean of ~100.0.
    realised = group_mean(fact, "hot", 12, "full")
    assert abs(realised - clamped_normal_mean(100.0, SIGMA, 0, 100)) < TOL
    assert abs(realised - clamped_normal_mean(126.0, SIGMA, 0, 100)) > 2 * TOL
    # hot/cap (score): centre clipped to 1 -> all values at the top edge; without the lift the
    # median is 0.9.
    cap = fact.loc[(fact["segment"] == "hot") & (fact["month"] == 12), "cap"]
    assert cap.max() <= 1.0 and cap.median() > 0.99
    # double (sensitivity 2) on base in December: 50 * (1 + 0.8) = 90, below the top: not clipped.
    assert abs(group_mean(fact, "base", 12, "double") - clamped_normal_mean(90.0, SIGMA, 0, 100)) < TOL
