"""write_tables / run outputs: files, manifest, features without leakage, validation, atomicity."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import as_pandas


def small_config(**changes):
    base = dict(
        about="outputs",
        unit="account",
        window=("2024-01", "2024-12"),
        metrics=[
            {"name": "engagement", "type": "score"},
            {"name": "spend", "type": "amount", "range": [10, 500]},
        ],
        segments=[
            {"name": "up", "count": 30, "archetype": "growth"},
            {"name": "down", "count": 30, "archetype": "decline"},
        ],
        seed=3,
    )
    base.update(changes)
    return ps.create(**base)


def test_generate_tables_returns_the_automatic_schema():
    tables = ps.generate_tables(small_config())
    assert list(tables) == ["dim_date", "dim_account", "fct_account"]
    dim_date = tables["dim_date"]
    assert list(dim_date.columns) == ["date_key", "date", "year", "quarter", "month", "month_name", "week", "period_label", "period_index"]
    assert dim_date["date_key"].tolist()[:2] == [20240101, 20240201]
    assert dim_date["period_label"].tolist()[-1] == "2024-12"
    assert list(tables["fct_account"].columns) == ["date_key", "account_id", "engagement", "spend"]
    assert len(tables["fct_account"]) == 60 * 12
    assert tables["dim_account"]["account_name"].tolist()[:2] == ["up_0000", "up_0001"]


def test_manifest_is_byte_identical_for_the_same_seed_and_lists_the_truth(tmp_path):
    cfg = small_config(connections=["engagement related spend"])
    texts = []
    for name in ("a", "b"):
        tables, state = ps.generate_tables_with_state(cfg)
        manifest = ps.build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)
        ps.write_tables(tables, cfg, tmp_path / name, manifest=manifest)
        texts.append((tmp_path / name / "manifest.json").read_bytes())
    assert texts[0] == texts[1]
    mf = json.loads(texts[0])
    labels = {a["entity"]: a["archetype"] for a in mf["archetype_assignments"]}
    assert labels["up_0000"] == "growth" and labels["down_0029"] == "decline" and len(labels) == 60
    positions = {(s["entity"], s["period_index"]): s["position"] for s in mf["trajectory_samples"]}
    assert len(positions) == 60 * 12
    assert positions[("up_0000", 0)] == 0.0 and positions[("up_0000", 11)] == 1.0
    (pair,) = mf["correlations"]
    assert pair["declared"] == 0.4 and abs(pair["delivered"] - 0.4) < 0.02
    assert mf["table_row_counts"]["fct_account"] == 720


def test_entity_features_ignore_holdout_values_and_drop_the_target(tmp_path):
    cfg = small_config(entity_features=True, holdout={"target": "spend", "periods": 3})
    tables = ps.generate_tables(cfg)
    ps.write_tables(tables, cfg, tmp_path / "clean")
    fct = tables["fct_account"].copy()
    held_out = fct["date_key"] >= 20241001
    fct.loc[held_out, ["engagement", "spend"]] = 0.99  # tamper with the future only
    ps.write_tables({**tables, "fct_account": fct}, cfg, tmp_path / "tampered")
    clean = pd.read_csv(tmp_path / "clean" / "_entity_features.csv")
    tampered = pd.read_csv(tmp_path / "tampered" / "_entity_features.csv")
    pd.testing.assert_frame_equal(clean, tampered)
    assert not any(c.startswith("spend_") for c in clean.columns)
    assert {"engagement_mean", "engagement_slope", "engagement_peak_period", "archetype", "final_trajectory_position"} <= set(clean.columns)
    train = pd.read_csv(tmp_path / "clean" / "fct_account_train.csv")
    holdout = pd.read_csv(tmp_path / "clean" / "fct_account_holdout.csv")
    assert train["date_key"].nunique() == 9 and holdout["date_key"].nunique() == 3
    # the label is taken at the last training period, not at the end of the window
    plan_positions = ps.generate_tables_with_state(cfg)[1].trajectories["up_0000"]
    assert clean.loc[0, "final_trajectory_position"] == pytest.approx(plan_positions[8])


@pytest.mark.parametrize(
    "fault, check",
    [
        (lambda t: t.update(fct_account=pd.concat([t["fct_account"], t["fct_account"].head(1)])), "pk_uniqueness"),
        (lambda t: t["fct_account"].__setitem__("account_id", t["fct_account"]["account_id"] + 1000), "fk_integrity"),
        (lambda t: t.update(dim_date=t["dim_date"].iloc[1:]), "date_spine"),
    ],
)
def test_validation_catches_each_fault(fault, check):
    cfg = small_config()
    tables = ps.generate_tables(cfg)
    assert ps.validate(tables, cfg).ok
    fault(tables)
    report = ps.validate(tables, cfg)
    assert not report.ok
    assert check in {issue.check for issue in report.errors}


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    cfg = small_config()
    tables = ps.generate_tables(cfg)
    tables["broken"] = "not a table"
    with pytest.raises(TypeError, match="tables\\['broken'\\] is a str"):
        ps.write_tables(tables, cfg, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []


def test_run_streams_the_same_rows_as_generate_tables(tmp_path):
    cfg = small_config()
    result = ps.run(cfg, tmp_path / "run", format="parquet")
    assert result.report.ok
    streamed = pq.read_table(tmp_path / "run" / "fct_account.parquet")
    assert streamed.schema.field("spend").type == pa.decimal128(18, 2)  # amounts keep their 2 places on disk
    in_memory = ps.generate_tables(cfg)["fct_account"]
    np.testing.assert_array_equal(as_pandas(streamed).to_numpy(), in_memory.to_numpy())


def test_every_way_of_writing_gives_the_same_complete_manifest(tmp_path):
    saas = ps.load_template("saas")  # a tenth of its companies: the manifest's parts need no more
    cfg = saas.model_copy(update={"segments": [s.model_copy(update={"count": s.count // 10}) for s in saas.segments]})
    tables, state = ps.generate_tables_with_state(cfg)
    manifest = ps.build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)
    ps.write_tables(tables, cfg, tmp_path / "with", manifest=manifest)
    ps.write_tables(tables, cfg, tmp_path / "without")
    ps.run(cfg, tmp_path / "run")
    texts = {(tmp_path / d / "manifest.json").read_bytes() for d in ("with", "without", "run")}
    assert len(texts) == 1
    assert manifest["scd_events"] and manifest["bridge_associations"] and manifest["calendar"]["entity_mixtures"]
    entities = state.truth["truth_entities"].to_pandas()
    lived = (entities["end_period"].fillna(23) + 1 - entities["start_period"]).sum()  # 24 months, arrivals and churn
    assert "fct_revenue_train" not in manifest["table_row_counts"] and manifest["table_row_counts"]["fct_revenue"] == lived
