"""Metric cells and the noise steps made with them: the truth of outlier and missing cells reads
the steps, so they must rebuild exactly the cells the tables show."""

from __future__ import annotations

import numpy as np
import pytest

import plotsim_dbt as ps
from plotsim_dbt.engine.cells import finish
from plotsim_dbt.engine.context import Block
from plotsim_dbt.plan.resolve import resolve_plan


def plan(**noise):
    config = ps.create(
        about="cells",
        unit="account",
        window=("2024-01", "2024-12"),
        seed=5,
        metrics=[{"name": "score", "type": "score"}, {"name": "visits", "type": "count"}, {"name": "mrr", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 60, "archetype": "growth"}, {"name": "down", "count": 40, "archetype": "decline"}],
        noise={"gaussian_sigma": 0.1, **noise},
    )
    return resolve_plan(config)


def test_no_noise_steps_without_outliers_or_missing_cells():
    block = Block(plan(), 0, 100)
    assert block.noise_steps is None
    assert not np.isnan(block.values).any()


@pytest.mark.parametrize("noise", [{"outlier_rate": 0.1}, {"mcar_rate": 0.1}, {"outlier_rate": 0.1, "mcar_rate": 0.1}])
def test_the_noise_steps_rebuild_the_cells(noise):
    made = plan(**noise)
    block = Block(made, 0, 100)
    steps = block.noise_steps
    assert (steps.outlier_multiplier is None) == ("outlier_rate" not in noise)
    assert (steps.missing is None) == ("mcar_rate" not in noise)
    multiplier = np.ones_like(steps.noised) if steps.outlier_multiplier is None else steps.outlier_multiplier
    rebuilt = finish(made, steps.noised * multiplier)
    if steps.missing is not None:
        assert steps.missing.any()
        rebuilt[steps.missing] = np.nan
    if steps.outlier_multiplier is not None:
        assert (steps.outlier_multiplier != 1.0).any()
    np.testing.assert_array_equal(rebuilt, block.values)
