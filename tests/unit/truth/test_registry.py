"""The truth registry: each truth table declared once, and every rendering (truth tables, run
files, manifest, dbt models) follows from the declaration."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.dbt.scaffold import model_names, model_properties
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.truth import TRUTH
from plotsim_dbt.truth.registry import declare


@pytest.fixture(scope="module")
def saas():
    cfg = ps.load_template("saas")
    return cfg, *generate_arrow(cfg)


def test_every_truth_table_has_its_declared_schema_and_described_columns(saas):
    _, _, state = saas
    assert list(state.truth) == list(TRUTH)
    for name, truth in TRUTH.items():
        assert state.truth[name].schema.equals(truth.schema), name
        assert truth.description.startswith("Ground truth: ")
        assert all(meaning for meaning in truth.column_descriptions.values()), name


def test_per_entity_truth_is_ordered_by_entity(saas):
    _, _, state = saas
    for truth in TRUTH.values():
        if truth.per_block is not None:
            ids = state.truth[truth.name].column(truth.entity_column).to_numpy()
            assert (np.diff(ids) >= 0).all(), truth.name


def test_dbt_models_describe_truth_from_the_registry(saas):
    cfg, _, _ = saas
    models = {m["name"]: m for m in model_properties(cfg, "saas")["models"]}
    for name, truth in TRUTH.items():
        assert models[name]["description"] == truth.description
        assert {c["name"]: c["description"] for c in models[name]["columns"]} == truth.column_descriptions


@pytest.fixture()
def block_sizes_truth():
    truth = declare(
        "truth_block_sizes",
        "Ground truth: how many entities each engine block held.",
        [("first_entity_id", pa.int64(), "First entity of the block."), ("entities", pa.int64(), "Entities in the block.")],
        per_block=lambda block: {"first_entity_id": [block.start + 1], "entities": [len(block)]},
        manifest=lambda rows, plan: {"block_sizes": rows.column("entities").to_pylist()},
        entity_column="first_entity_id",
    )
    yield truth
    TRUTH.pop(truth.name)


def test_adding_a_truth_table_is_one_declaration(block_sizes_truth, tmp_path):
    cfg = ps.load_template("hr")
    _, state = generate_arrow(cfg)
    assert state.truth["truth_block_sizes"].to_pylist() == [{"first_entity_id": 1, "entities": cfg.entity_count}]
    result = ps.run(cfg, tmp_path / "run", format="parquet")
    assert (tmp_path / "run" / "truth" / "truth_block_sizes.parquet").exists() and result.row_counts["truth_block_sizes"] == 1
    assert ps.build_manifest(cfg)["block_sizes"] == [cfg.entity_count]
    assert "truth_block_sizes" in model_names(resolve_plan(cfg))


def test_a_truth_table_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        declare("truth_entities", "Ground truth: again.", [], per_run=lambda plan, counts: {})
