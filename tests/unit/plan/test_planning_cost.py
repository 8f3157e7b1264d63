"""Planning cost does not grow with the window: the copula planner takes its moments over at most
PLANNING_PERIODS blocks of periods, and a long window planned on blocks delivers what the full
window would."""

from __future__ import annotations

import numpy as np
import pytest

import plotsim_dbt as ps
from plotsim_dbt.plan import correlation
from plotsim_dbt.plan.correlation import PLANNING_PERIODS, coarsen_periods
from plotsim_dbt.plan.resolve import resolve_plan


def daily(days: int, arrival: bool = False) -> ps.Config:
    segment = {"name": "up", "count": 6, "archetype": "growth"}
    if arrival:
        segment["arrival"] = {"kind": "uniform"}
    return ps.create(
        about="cost",
        unit="account",
        window={"start": "2020-01-01", "end": str(np.datetime64("2020-01-01") + days - 1), "every": "daily"},
        metrics=[{"name": "a", "type": "score"}, {"name": "b", "type": "amount", "range": [10, 500]}, {"name": "c", "type": "score"}],
        connections=["a mirrors b", "b opposes c"],
        segments=[segment, {"name": "down", "count": 6, "archetype": "decline"}],
        seasonality=[{"months": [12], "strength": 0.3}],
    )


def test_a_ten_year_daily_window_plans_its_moments_on_bounded_groups(monkeypatch):
    seen = []
    original = correlation._Moments.__init__

    def record(self, effective, lift, ranges, metrics, weights, noise_var):
        original(self, effective, lift, ranges, metrics, weights, noise_var)
        seen.append(len(self.weights))

    monkeypatch.setattr(correlation._Moments, "__init__", record)
    plan = resolve_plan(daily(3653))
    assert plan.periods == 3653
    units = 2  # one pseudo-entity per segment without arrival or treatment
    assert seen and seen[0] <= units * PLANNING_PERIODS


@pytest.mark.parametrize("arrival", [False, True])
def test_planning_on_blocks_delivers_what_the_full_window_does(monkeypatch, arrival):
    config = daily(PLANNING_PERIODS, arrival)
    full = resolve_plan(config).copula  # within the limit: planned on every period
    monkeypatch.setattr(correlation.coarsen_periods, "__defaults__", (PLANNING_PERIODS // 10,))  # ten days a block
    blocked = resolve_plan(config).copula
    for mine, exact in zip(blocked.pairs, full.pairs, strict=True):
        # Block means of a smooth trajectory: the predicted Pearson moves by far less than the
        # 0.02 margin targets are kept inside their reachable interval by.
        assert mine.delivered == pytest.approx(exact.delivered, abs=0.01)
        assert mine.copula == pytest.approx(exact.copula, abs=0.01)


def test_coarsening_keeps_cell_weights_and_drops_dead_blocks():
    periods, limit = 10, 5
    effective = np.linspace(0, 1, periods)[None, :, None].repeat(2, axis=0)
    weights = np.ones((2, periods))
    weights[1, :4] = 0.0  # the second unit arrives at period 4
    effective[1, :4] = np.nan
    eff, lift, w = coarsen_periods(effective, np.zeros_like(effective), weights, limit)
    assert w.shape == (2, limit)
    np.testing.assert_allclose(w.sum(axis=1), weights.sum(axis=1))
    assert w[1, 0] == w[1, 1] == 0.0  # blocks [0, 2) and [2, 4) hold no live cell
    np.testing.assert_allclose(eff[0, :, 0], effective[0, 1::2, 0])  # the middle (second) period of each block
    assert not np.isnan(eff[1, 2:, 0]).any()


def test_a_window_within_the_limit_is_planned_as_it_is():
    effective = np.random.default_rng(0).random((3, PLANNING_PERIODS, 2))
    weights = np.ones((3, PLANNING_PERIODS))
    out = coarsen_periods(effective, effective, weights)
    assert out[0] is effective and out[2] is weights
