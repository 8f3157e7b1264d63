"""The grid Poisson quantile gives exactly the exact walk's values (the grid is a speed-up, never a
change of data), for any mix of means, far tails, zero means and means past the grid."""

from __future__ import annotations

import numpy as np
import pytest

from plotsim_dbt.engine.families import PoissonGrid, poisson_quantile, poisson_quantiles


@pytest.mark.parametrize("top", [1e-6, 0.3, 4.7, 37.5, 420.0])
def test_grid_quantiles_equal_the_exact_walk(top):
    rng = np.random.default_rng(1)
    means = np.concatenate([rng.uniform(0.0, top, 200_000), [0.0, top, top * 1.5]])
    z = np.concatenate([rng.standard_normal(200_000), [8.5, -8.5, 3.0]])
    z[:341] = np.linspace(-8.5, 8.5, 341)
    grid = PoissonGrid.up_to(top)
    assert grid is not None
    np.testing.assert_array_equal(poisson_quantiles(means, z, grid), poisson_quantile(means, z))


def test_a_grid_too_large_is_not_built_and_the_walk_is_used():
    assert PoissonGrid.up_to(1e7) is None
    means, z = np.array([5e6, 2.0]), np.array([0.3, -1.0])
    np.testing.assert_array_equal(poisson_quantiles(means, z, None), poisson_quantile(means, z))
