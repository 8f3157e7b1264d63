"""The reference generator's single-file writers (write_single_table, write_config_copy,
write_validation_report, write_manifest), build_entity_features and the top-level aliases. A
writer adds to a run directory but never breaks it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import plotsim_dbt as ps


def small_config(**changes):
    base = dict(
        about="writers",
        unit="account",
        window=("2024-01", "2024-08"),
        metrics=[{"name": "engagement", "type": "score"}, {"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 10, "archetype": "growth"}, {"name": "down", "count": 10, "archetype": "decline"}],
        entity_features=True,
        holdout={"target": "spend", "periods": 2},
        seed=11,
    )
    return ps.create(**{**base, **changes})


@pytest.fixture(scope="module")
def generated():
    cfg = small_config()
    return cfg, ps.generate_tables(cfg)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------ write_single_table


def test_single_table_is_written_in_the_config_format(generated, tmp_path):
    cfg, tables = generated
    path = ps.write_single_table("fct_account", tables["fct_account"], tmp_path / "one")
    assert path == tmp_path / "one" / "fct_account.csv"
    pd.testing.assert_frame_equal(pd.read_csv(path), tables["fct_account"], check_dtype=False)
    parquet = ps.write_single_table("fct_account", tables["fct_account"], tmp_path / "pq", small_config(output="parquet"))
    assert parquet.suffix == ".parquet" and len(pd.read_parquet(parquet)) == len(tables["fct_account"])
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["fct_account.csv"], "no temporary file is left"


def test_single_table_of_a_jsonl_config_is_json_lines_and_a_sql_config_is_refused(generated, tmp_path):
    cfg, tables = generated
    path = ps.write_single_table("fct_account", tables["fct_account"], tmp_path / "js", small_config(output="jsonl"))
    assert path.name == "fct_account.jsonl"
    pd.testing.assert_frame_equal(pd.read_json(path, lines=True), tables["fct_account"], check_dtype=False)
    with pytest.raises(ValueError, match="a single table is written as csv, parquet, jsonl, not 'sql'"):
        ps.write_single_table("fct_account", tables["fct_account"], tmp_path / "sql", small_config(output="sql"))
    assert not (tmp_path / "sql").exists() or not list((tmp_path / "sql").iterdir())


@pytest.mark.parametrize("name", ["../escape", "a/b", "/tmp/abs", "x.csv", "..", "", "1st", "a b", "a\\b"])
def test_single_table_names_that_could_land_elsewhere_are_refused(generated, tmp_path, name):
    _, tables = generated
    with pytest.raises(ValueError, match="plain identifier"):
        ps.write_single_table(name, tables["dim_date"], tmp_path / "out")
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []


def test_single_table_adds_to_a_run_but_never_replaces_its_tables(generated, tmp_path):
    cfg, tables = generated
    out = ps.run(cfg, tmp_path / "run", format="parquet")
    before = snapshot(tmp_path / "run")
    for taken in ("fct_account", "dim_date", "fct_account_train", "fct_account_holdout", "_entity_features", "truth_entities"):
        with pytest.raises(ValueError, match="is a table of the plotsim_dbt run"):
            ps.write_single_table(taken, tables["dim_date"], out)
    assert snapshot(tmp_path / "run") == before
    extra = ps.write_single_table("my_extra", tables["dim_date"], out)  # the run's format, found from its files
    assert extra == tmp_path / "run" / "my_extra.parquet"
    ps.write_single_table("my_extra", tables["dim_date"].head(2), out)  # an added table may be replaced
    assert len(pd.read_parquet(extra)) == 2
    assert snapshot(tmp_path / "run") == {**before, "my_extra.parquet": extra.read_bytes()}
    ps.run(cfg, out, format="parquet")  # the next run replaces the directory, added files included
    assert snapshot(tmp_path / "run") == before


def test_single_table_beside_a_duckdb_run_is_parquet(generated, tmp_path):
    cfg, tables = generated
    ps.run(cfg, tmp_path / "db", format="duckdb")
    assert ps.write_single_table("scores", tables["dim_date"], tmp_path / "db").name == "scores.parquet"


# ------------------------------------------------------------------------------ config, report, manifest


def test_config_copy_round_trips_and_refuses_another_run(generated, tmp_path):
    cfg, _ = generated
    path = ps.write_config_copy(cfg, tmp_path / "cfg")
    assert path == tmp_path / "cfg" / "config.yaml" and path.read_text() == ps.dump_config(cfg)
    assert ps.load_config(path) == cfg
    ps.run(cfg, tmp_path / "run")
    before = snapshot(tmp_path / "run")
    ps.write_config_copy(cfg, tmp_path / "run")  # the same config: the same bytes
    assert snapshot(tmp_path / "run") == before
    with pytest.raises(ValueError, match="another config or seed"):
        ps.write_config_copy(small_config(about="other"), tmp_path / "run")
    assert snapshot(tmp_path / "run") == before


def test_validation_report_matches_the_run_and_refuses_another_seed(generated, tmp_path):
    cfg, tables = generated
    ps.run(cfg, tmp_path / "run")
    before = snapshot(tmp_path / "run")
    report = ps.validate(cfg, tables)
    assert ps.write_validation_report(report, tmp_path / "run", config=cfg) == tmp_path / "run" / "validation_report.txt"
    assert snapshot(tmp_path / "run") == before, "the same checks of the same data: the run's own report, byte for byte"
    with pytest.raises(ValueError, match="another config or seed"):
        ps.write_validation_report(ps.validate(cfg, tables, seed=12), tmp_path / "run")
    bare = ps.ValidationReport(report.issues, report.checks_run)  # a report that does not say what it checked
    with pytest.raises(ValueError, match="another config or seed"):
        ps.write_validation_report(bare, tmp_path / "run")
    ps.write_validation_report(bare, tmp_path / "run", config=cfg)  # the config names it
    text = ps.write_validation_report(bare, tmp_path / "elsewhere").read_text()
    assert "config-sha256: unknown" in text and "Status: VALID" in text


def test_manifest_to_a_directory_or_a_path(generated, tmp_path):
    cfg, tables = generated
    tables_, state = ps.generate_tables_with_state(cfg)
    manifest = ps.build_manifest(cfg, state.trajectories, tables_)
    ps.run(cfg, tmp_path / "run")
    before = snapshot(tmp_path / "run")
    assert ps.write_manifest(manifest, tmp_path / "run") == tmp_path / "run" / "manifest.json"
    assert snapshot(tmp_path / "run") == before, "build_manifest and run() agree byte for byte"
    assert json.loads(ps.write_manifest(manifest, tmp_path / "x" / "answers.json").read_text()) == manifest
    other = ps.build_manifest(cfg.model_copy(update={"seed": 99}))
    with pytest.raises(ValueError, match="another config or seed"):
        ps.write_manifest(other, tmp_path / "run")
    assert snapshot(tmp_path / "run") == before


# ------------------------------------------------------------------------------ features and aliases


def test_build_entity_features_equals_the_written_file(generated, tmp_path):
    cfg, tables = generated
    features = ps.build_entity_features(cfg, tables)
    ps.write_tables(tables, cfg, tmp_path / "out")
    written = pd.read_csv(tmp_path / "out" / "_entity_features.csv")
    pd.testing.assert_frame_equal(features, written, check_dtype=False)
    assert not any(c.startswith("spend_") for c in features.columns), "the holdout target is left out"
    assert ps.build_entity_features(cfg, tables, manifest={"seed": 11}).equals(features)
    with pytest.raises(ValueError, match="no fact table"):
        ps.build_entity_features(cfg, {"dim_date": tables["dim_date"]})


def test_reference_names_are_exported():
    assert ps.PlotsimConfig is ps.Config
    assert list(ps.NOISE_PRESETS) == ["Perfectly clean", "Slightly messy", "Realistic", "Dirty"]
    assert ps.NOISE_PRESETS["Realistic"] is ps.REALISTIC
    assert (ps.SLIGHTLY_MESSY.gaussian_sigma, ps.SLIGHTLY_MESSY.outlier_rate, ps.SLIGHTLY_MESSY.mcar_rate) == (0.03, 0.01, 0.005)
    assert ps.PERFECTLY_CLEAN.gaussian_sigma == 0 and ps.DIRTY.mcar_rate == 0.03
    assert small_config(noise=ps.REALISTIC).noise == small_config(noise="Realistic").noise == ps.REALISTIC
    for name in (
        "load_config",
        "dump_config",
        "generate_tables_with_state",
        "build_manifest",
        "write_manifest",
        "build_entity_features",
        "validate_tables",
        "ValidationReport",
        "ValidationIssue",
        "write_single_table",
        "write_config_copy",
        "write_validation_report",
    ):
        assert name in ps.__all__ and callable(getattr(ps, name)), name
