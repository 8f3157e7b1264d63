"""The CDF-table Poisson quantile gives exactly the exact walk's values (tables are a speed-up,
never a change of data), including far tails beyond the table and zero means."""

from __future__ import annotations

import numpy as np
import pytest

from plotsim_dbt.engine.families import poisson_cdf_tables, poisson_from_table, poisson_quantile


@pytest.mark.parametrize("mean", [0.0, 1e-9, 0.3, 1.0, 4.7, 37.5, 420.0])
def test_table_lookup_equals_the_exact_quantile(mean):
    z = np.concatenate([np.random.default_rng(1).standard_normal(200_000), np.linspace(-8.5, 8.5, 341)])
    (table,) = poisson_cdf_tables(np.array([mean]))
    np.testing.assert_array_equal(poisson_from_table(table, mean, z), poisson_quantile(np.full(z.shape, mean), z))


def test_tables_too_large_fall_back_to_the_exact_walk():
    assert poisson_cdf_tables(np.full(10_000, 1e6)) is None
