"""Blocks: identical tables across block sizes and workers, row keys computable inside a block, a
block range or one table generated alone equal to a full run's, and a new seed changing every random table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from star_helpers import SEGMENTS, USERS_PER_ACCOUNT, star_kwargs

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.engine.block import build_block
from plotsim_dbt.engine.ids import ID_STRIDE
from plotsim_dbt.engine.streams import KEY_BLOCK
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.truth import TRUTH


def scaled(factor: int, **changes) -> dict:
    segments = [{**s, "count": s["count"] * factor} for s in SEGMENTS]
    return star_kwargs(segments=segments, window=("2024-01", "2024-03"), **changes)


@pytest.fixture(scope="module")
def big_runs():
    cfg = ps.create(**scaled(25))  # 2500 entities: three key blocks
    assert cfg.entity_count > 2048
    runs = {
        (1, 1024): generate_arrow(cfg, workers=1, block_size=1024),
        (1, 2048): generate_arrow(cfg, workers=1, block_size=2048),
        (2, 1024): generate_arrow(cfg, workers=2, block_size=1024),
        (2, 2048): generate_arrow(cfg, workers=2, block_size=2048),
    }
    return cfg, runs


def test_same_seed_gives_identical_tables_across_block_sizes_and_workers(big_runs):
    _, runs = big_runs
    (tables, state), *others = runs.values()
    for label, (other, other_state) in zip(list(runs)[1:], others):
        assert list(other) == list(tables)
        for name in tables:
            assert other[name].equals(tables[name]), (label, name)
        assert other_state.scd.versions.equals(state.scd.versions), label
        assert other_state.scd.events.equals(state.scd.events), label
        assert other_state.bridges.links.equals(state.bridges.links), label


def test_row_keys_are_computable_inside_their_key_block(big_runs):
    _, runs = big_runs
    tables, state = runs[(1, 1024)]
    for name, key, entity in (
        ("evt_login", "login_id", "account_id"),
        ("evt_power_user", "power_id", "account_id"),
        ("dim_account", "dim_row_id", "account_id"),
    ):
        ids = np.array(tables[name].column(key).to_pylist())
        key_block = (np.array(tables[name].column(entity).to_pylist()) - 1) // KEY_BLOCK
        first_row = np.searchsorted(key_block, key_block, side="left")
        assert (ids == key_block * ID_STRIDE + np.arange(len(ids)) - first_row + 1).all(), name
        assert len(set(ids.tolist())) == len(ids) and (np.diff(ids) > 0).all(), name
        assert ids[key_block == 0].tolist() == list(range(1, int((key_block == 0).sum()) + 1)), name
    assert state.scd.events.num_rows > 0
    assert tables["dim_account"].column("dim_row_id").equals(state.scd.versions.column("dim_row_id"))
    ids = set(tables["dim_account"].column("dim_row_id").to_pylist())
    assert set(tables["fct_activity"].column("dim_row_id").to_pylist()) <= ids
    assert max(tables["dim_user"].column("user_id").to_pylist()) == 2500 * USERS_PER_ACCOUNT


def test_a_block_range_generated_alone_gives_the_full_runs_rows(big_runs):
    cfg, runs = big_runs
    tables, state = runs[(1, 1024)]
    full = {**tables, **state.truth}
    alone = build_block(resolve_plan(cfg), 1024, 2048)
    assert alone, "the block made no tables"
    for name, rows in alone.items():
        entity = full[name].column(TRUTH[name].entity_column if name in TRUTH else "account_id").to_numpy()
        mine = full[name].filter(pa.array((entity > 1024) & (entity <= 2048)))
        assert pa.table(rows).equals(mine), name


@pytest.mark.parametrize(
    "name", ["evt_login", "fct_activity", "dim_account", "dim_user", "dim_plan", "bridge_account_plan", "truth_scd_events", "truth_run"]
)
def test_one_table_generated_alone_equals_that_table_of_a_full_run(big_runs, name):
    cfg, runs = big_runs
    tables, state = runs[(1, 1024)]
    full = {**tables, **state.truth}
    alone, _ = generate_arrow(cfg, tables=[name], block_size=1024)
    assert list(alone) == [name]
    assert alone[name].equals(full[name])


def test_a_different_seed_changes_every_random_table(big_runs):
    cfg, runs = big_runs
    tables, _ = runs[(1, 1024)]
    other, _ = generate_arrow(cfg, seed=cfg.seed + 1, block_size=1024)
    assert other["dim_date"].equals(tables["dim_date"])
    for name in ("dim_plan", "dim_account", "dim_user", "fct_activity", "evt_login", "bridge_account_feature", "bridge_account_plan"):
        assert not other[name].equals(tables[name]), name
    assert other["dim_plan"].column("plan_name").equals(tables["dim_plan"].column("plan_name"))  # static cycling is fixed
