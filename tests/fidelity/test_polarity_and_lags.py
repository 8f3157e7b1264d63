"""Polarity and causal lags, checked on realised per-period means of the fact table.

Metrics use the normal family (x = c + sigma * z, clamped to the range) with a small explicit
sigma, so a period's realised mean estimates E[clip(c + sigma Z, lo, hi)], which is known exactly
from the plan's centre. Cells are independent draws (no connections, no noise).

Tolerances: the mean of n cells of one period has standard error at most sigma / sqrt(n)
(clamping is 1-Lipschitz, so it cannot increase the sd), and every per-period comparison uses
5 standard errors: 5 * sigma / sqrt(n). For count metrics the sd is sqrt(c) (Poisson). For
medians the share of cells below the centre has standard error 0.5 / sqrt(n).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from scipy import stats

import plotsim_dbt as ps
from plotsim_dbt.plan.resolve import resolve_plan

SIGMA = 5.0  # on the range [0, 100]


def clamped_normal_mean(c: np.ndarray, sigma: float, lo: float, hi: float) -> np.ndarray:
    """E[clip(c + sigma Z, lo, hi)] in closed form."""
    a, b = (lo - c) / sigma, (hi - c) / sigma
    return (
        lo * stats.norm.cdf(a) + hi * stats.norm.sf(b) + c * (stats.norm.cdf(b) - stats.norm.cdf(a)) + sigma * (stats.norm.pdf(a) - stats.norm.pdf(b))
    )


def period_means(fact, plan, name: str) -> np.ndarray:
    """Mean of a metric per period, in period order."""
    keys = plan.axis.date_keys
    means = fact.groupby("date_key")[name].mean()
    return means.loc[keys].to_numpy(dtype=np.float64)


def index_metric(name: str, **extra) -> dict:
    return {"name": name, "type": "index", "range": [0, 100], "params": {"sigma": SIGMA}, **extra}


# ============================================================================================
# Polarity

POLARITY_ENTITIES = 2000


@cache
def polarity_run():
    cfg = ps.create(
        about="polarity",
        unit="acct",
        window=("2024-01", "2024-12"),
        metrics=[
            index_metric("up"),
            index_metric("down", polarity="negative"),
            {"name": "tickets", "type": "count", "polarity": "negative"},
            {"name": "risk", "type": "score", "polarity": "negative"},
        ],
        segments=[{"name": "rising", "count": POLARITY_ENTITIES, "archetype": "growth"}],
        variation=0,  # every entity follows the archetype, so the plan's positions are every entity's
        seed=11,
    )
    plan = resolve_plan(cfg)
    return plan, ps.generate_tables(cfg)["fct_acct"]


def test_negative_polarity_centre_reads_one_minus_position():
    plan, _ = polarity_run()
    position = plan.positions[0]
    # The trajectory must actually move, or polarity would be invisible.
    assert position.min() < 0.05 and position.max() > 0.95
    index = {m.name: m.index for m in plan.metrics}
    centres = plan.centres[0]
    np.testing.assert_allclose(centres[:, index["up"]], 100 * position, rtol=0, atol=1e-9)
    np.testing.assert_allclose(centres[:, index["down"]], 100 * (1 - position), rtol=0, atol=1e-9)
    np.testing.assert_allclose(centres[:, index["tickets"]], 10 * (1 - position), rtol=0, atol=1e-9)
    np.testing.assert_allclose(centres[:, index["risk"]], 1 - position, rtol=0, atol=1e-9)


def test_negative_polarity_realised_means_follow_one_minus_position():
    plan, fact = polarity_run()
    n = POLARITY_ENTITIES
    position = plan.positions[0]
    tolerance = 5 * SIGMA / math.sqrt(n)  # 5 standard errors of a period mean

    down = period_means(fact, plan, "down")
    expected_negative = clamped_normal_mean(100 * (1 - position), SIGMA, 0, 100)
    np.testing.assert_array_less(np.abs(down - expected_negative), tolerance)

    up = period_means(fact, plan, "up")
    np.testing.assert_array_less(np.abs(up - clamped_normal_mean(100 * position, SIGMA, 0, 100)), tolerance)

    # The positive reading of the negative metric is rejected wherever position is away from 0.5.
    expected_positive = clamped_normal_mean(100 * position, SIGMA, 0, 100)
    away = np.abs(position - 0.5) > 0.1
    assert away.sum() >= 6
    assert np.all(np.abs(down[away] - expected_positive[away]) > 10 * tolerance)
    assert np.corrcoef(up, down)[0, 1] < -0.99


def test_negative_polarity_count_means_follow_one_minus_position():
    plan, fact = polarity_run()
    n = POLARITY_ENTITIES
    position = plan.positions[0]
    centre = 10 * (1 - position)
    tickets = period_means(fact, plan, "tickets")
    # Poisson sd is sqrt(c); a tiny floor keeps the band open where c == 0 (then every cell is 0).
    tolerance = 5 * np.sqrt(np.maximum(centre, 1e-12)) / math.sqrt(n)
    np.testing.assert_array_less(np.abs(tickets - centre), tolerance + 1e-12)
    away = np.abs(position - 0.5) > 0.1
    assert np.all(np.abs(tickets[away] - 10 * position[away]) > 10 * 5 * math.sqrt(10) / math.sqrt(n))


def test_negative_polarity_score_medians_follow_one_minus_position():
    plan, fact = polarity_run()
    n = POLARITY_ENTITIES
    position = plan.positions[0]
    centre = 1 - position
    keys = plan.axis.date_keys
    inner = (centre > 1e-3) & (centre < 1 - 1e-3)
    assert inner.sum() >= 8
    for t in np.flatnonzero(inner):
        values = fact.loc[fact["date_key"] == keys[t], "risk"].to_numpy()
        share_below = np.mean(values < centre[t])  # logitnormal: median = centre
        assert abs(share_below - 0.5) < 5 * 0.5 / math.sqrt(n), (t, share_below)
        if abs(position[t] - 0.5) > 0.1:  # the positive reading puts the median elsewhere
            assert abs(np.mean(values < position[t]) - 0.5) > 0.2


# ============================================================================================
# Lags

LAG_ENTITIES = 400
LAG_WINDOW = ("2022-01", "2024-12")  # 36 monthly periods
LAG_METRICS = [
    index_metric("driver"),
    index_metric("step2", follows="driver", delay=2),
    index_metric("chain5", follows="step2", delay=3),  # 2 then 3: trails the driver by 5
    index_metric("direct3", follows="driver", delay=3),
    index_metric("mirror4", follows="driver", delay=4, polarity="negative"),
]
TOTAL_DELAY = {"driver": 0, "step2": 2, "chain5": 5, "direct3": 3, "mirror4": 4}
ARCHETYPES = ["growth > decline @ 12", "spike_then_crash"]
MAX_SHIFT = 8


@cache
def lag_run(archetype: str):
    cfg = ps.create(
        about="lags",
        unit="acct",
        window=LAG_WINDOW,
        metrics=LAG_METRICS,
        segments=[{"name": "only", "count": LAG_ENTITIES, "archetype": archetype}],
        variation=0,  # every entity follows the archetype, so the plan's positions are every entity's
        seed=5,
    )
    plan = resolve_plan(cfg)
    assert plan.periods == 36
    return plan, ps.generate_tables(cfg)["fct_acct"]


def cross_correlation(x: np.ndarray, y: np.ndarray, shift: int) -> float:
    """corr(x[t], y[t + shift]) over the overlapping periods."""
    if shift >= 0:
        return float(np.corrcoef(x[: len(x) - shift], y[shift:])[0, 1])
    return float(np.corrcoef(x[-shift:], y[: len(y) + shift])[0, 1])


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_lagged_effective_positions_in_the_plan(archetype):
    plan, _ = lag_run(archetype)
    position = plan.positions[0]
    assert np.ptp(position) > 0.5  # a distinct shape, so a shift is visible
    periods = np.arange(plan.periods)
    for metric in plan.metrics:
        k = TOTAL_DELAY[metric.name]
        expected = position[np.maximum(periods - k, 0)]  # held at period 0 before the delay
        np.testing.assert_array_equal(plan.effective[0, :, metric.index], expected)
        reading = 1 - expected if metric.negative else expected
        np.testing.assert_allclose(plan.centres[0, :, metric.index], 100 * reading, rtol=0, atol=1e-9)


@pytest.mark.parametrize("archetype", ARCHETYPES)
@pytest.mark.parametrize("name", ["step2", "chain5", "direct3", "mirror4"])
def test_cross_correlation_of_period_means_peaks_at_the_delay(archetype, name):
    plan, fact = lag_run(archetype)
    driver = period_means(fact, plan, "driver")
    follower = period_means(fact, plan, name)
    sign = -1.0 if name == "mirror4" else 1.0  # a negative follower peaks as an anti-correlation
    shifts = list(range(-MAX_SHIFT, MAX_SHIFT + 1))
    scores = [sign * cross_correlation(driver, follower, s) for s in shifts]
    peak = shifts[int(np.argmax(scores))]
    assert peak == TOTAL_DELAY[name], dict(zip(shifts, np.round(scores, 4)))
    # At the delay the two mean series share their centres exactly, so only sampling lowers the
    # correlation: with period-mean standard error se = sigma / sqrt(n) = 0.25 and centres whose
    # spread across periods is sd ~ 25-30 units, corr ~= 1 - se^2 / sd^2 ~= 1 - 1e-4. A bound of
    # 0.999 is ten times that loss; one period off loses > 0.02 on these shapes.
    best = max(scores)
    runner_up = sorted(scores)[-2]
    assert best > 0.999 and best - runner_up > 0.002, (best, runner_up)


@pytest.mark.parametrize("archetype", ARCHETYPES)
@pytest.mark.parametrize("name", ["step2", "chain5", "mirror4"])
def test_follower_means_equal_driver_position_delay_periods_earlier(archetype, name):
    plan, fact = lag_run(archetype)
    k = TOTAL_DELAY[name]
    position = plan.positions[0]
    lagged = position[np.maximum(np.arange(plan.periods) - k, 0)]
    reading = 1 - lagged if name == "mirror4" else lagged
    expected = clamped_normal_mean(100 * reading, SIGMA, 0, 100)
    realised = period_means(fact, plan, name)
    tolerance = 5 * SIGMA / math.sqrt(LAG_ENTITIES)  # 5 standard errors of a period mean
    np.testing.assert_array_less(np.abs(realised - expected), tolerance)
    # Held at period 0: the first k periods all read the driver's first-period value.
    first = clamped_normal_mean(100 * (1 - position[0] if name == "mirror4" else position[0]), SIGMA, 0, 100)
    np.testing.assert_array_less(np.abs(realised[:k] - first), tolerance)
    # The unlagged reading is rejected somewhere (the shape moves by more than the band).
    unlagged = clamped_normal_mean(100 * (1 - position if name == "mirror4" else position), SIGMA, 0, 100)
    assert np.max(np.abs(realised - unlagged)) > 10 * tolerance
