"""truth_noise_faults: every outlier and missing metric cell with its clean value, at the declared
rates, the same at any block size, and putting the clean values back gives the data of the same
config without outliers or missing cells."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow

ENTITIES, PERIODS, METRICS = 900, 12, 2
OUTLIER_RATE, MCAR_RATE = 0.03, 0.05


def config(**noise) -> ps.Config:
    return ps.create(
        about="noise faults",
        unit="account",
        window=("2024-01", "2024-12"),
        seed=11,
        metrics=[{"name": "score", "type": "score"}, {"name": "visits", "type": "count"}],
        segments=[{"name": "up", "count": 500, "archetype": "growth"}, {"name": "down", "count": 400, "archetype": "decline"}],
        noise={"gaussian_sigma": 0.1, **noise},
    )


@pytest.fixture(scope="module")
def faulted():
    return generate_arrow(config(outlier_rate=OUTLIER_RATE, mcar_rate=MCAR_RATE), block_size=1024)


def test_each_fault_hits_its_declared_share(faulted):
    _, state = faulted
    issues = state.truth["truth_noise_faults"].column("issue").to_numpy(zero_copy_only=False)
    cells = ENTITIES * PERIODS * METRICS
    for issue, rate in (("outlier", OUTLIER_RATE), ("mcar", MCAR_RATE)):
        found = int((issues == issue).sum())
        assert abs(found - cells * rate) < 4.5 * np.sqrt(cells * rate * (1 - rate)), (issue, found)


def test_the_clean_values_restore_the_config_without_faults(faulted):
    tables, state = faulted
    clean_tables, clean_state = generate_arrow(config())
    assert clean_state.truth["truth_noise_faults"].num_rows == 0
    fact = tables["fct_account"].to_pandas().set_index(["account_id", "date_key"])
    faults = state.truth["truth_noise_faults"].to_pandas()
    for row in faults.itertuples():
        fact.loc[(row.entity_id, row.date_key), row.metric] = row.clean_value
    expected = clean_tables["fct_account"].to_pandas().set_index(["account_id", "date_key"])
    np.testing.assert_array_equal(fact[["score", "visits"]].to_numpy(), expected[["score", "visits"]].to_numpy())


def test_the_faulted_cells_are_what_the_table_shows(faulted):
    tables, state = faulted
    fact = tables["fct_account"].to_pandas().set_index(["account_id", "date_key"])
    faults = state.truth["truth_noise_faults"].to_pandas()
    shown = np.array([fact.loc[(r.entity_id, r.date_key), r.metric] for r in faults.itertuples()], dtype=float)
    missing = faults["issue"].eq("mcar").to_numpy()
    cells = list(zip(faults["entity_id"], faults["date_key"], faults["metric"]))
    missing_cells = {c for c, m in zip(cells, missing) if m}
    also_missing = np.array([c in missing_cells for c in cells])  # an outlier can go missing too
    assert np.isnan(shown[missing]).all() and not np.isnan(shown[~also_missing]).any()
    outlier = faults[~also_missing]
    assert outlier["outlier_multiplier"].between(3, 10).all() and faults.loc[missing, "outlier_multiplier"].isna().all()
    # an outlier is the clean value times its multiplier, unless the clamp caught it
    assert (np.abs(shown[~also_missing]) >= np.abs(outlier["clean_value"].to_numpy()) - 1e-9).all()


def test_the_truth_is_the_same_at_any_block_size(faulted):
    _, state = faulted
    _, other = generate_arrow(config(outlier_rate=OUTLIER_RATE, mcar_rate=MCAR_RATE), block_size=65536, workers=2)
    assert other.truth["truth_noise_faults"].equals(state.truth["truth_noise_faults"])
    assert state.truth["truth_noise_faults"].schema.field("clean_value").type == pa.float64()
