"""truth_event_firings counts each event table's rows per entity and period, at any block size;
truth_noise holds the resolved noise settings; the manifest renders both."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config.load import read_yaml
from plotsim_dbt.templates import template_path


@pytest.fixture(scope="module")
def saas():
    kw = read_yaml(template_path("saas"))
    kw["segments"] = [{**s, "count": 400} for s in kw["segments"]]  # 2,400 entities: three key blocks
    kw["connections"] = []
    cfg = ps.create(**kw)
    return cfg, *generate_arrow(cfg)


def test_firings_count_every_event_tables_rows(saas):
    _, tables, state = saas
    con = duckdb.connect()
    for name in ("evt_login", "evt_churn", "dim_date"):
        con.register(name, tables[name])
    con.register("firings", state.truth["truth_event_firings"])
    expected = con.execute("""
        select e.company_id, t, d.period_index, count(*)
        from (select company_id, date_key, 'evt_login' as t from evt_login
              union all select company_id, date_key, 'evt_churn' from evt_churn) e join dim_date d using (date_key)
        group by all order by all""").fetchall()
    got = con.execute("select entity_id, event_table, period_index, events from firings order by all").fetchall()
    assert got == expected and len(got) > 0
    keys = con.execute("select count(*) from firings f join dim_date d using (date_key) where f.period_index != d.period_index").fetchone()
    assert keys == (0,)


def test_firings_are_the_same_at_any_block_size(saas):
    cfg, _, state = saas
    _, small_blocks = generate_arrow(cfg, block_size=1024, tables=["truth_event_firings"])
    assert small_blocks.truth["truth_event_firings"].equals(state.truth["truth_event_firings"])


def test_a_config_without_events_has_no_firings():
    cfg = ps.create(
        about="x",
        unit="u",
        window=("2024-01", "2024-03"),
        metrics=[{"name": "m", "type": "score"}],
        segments=[{"name": "s", "count": 3, "archetype": "growth"}],
    )
    _, state = generate_arrow(cfg)
    assert state.truth["truth_event_firings"].num_rows == 0
    assert ps.build_manifest(cfg)["event_firings"] == []


def test_manifest_lists_every_sampled_entity_and_event_table(saas):
    cfg, _, state = saas
    manifest = ps.build_manifest(cfg, state.trajectories, sample_rate=0.01)
    sampled = manifest["archetype_assignments"]
    assert len(manifest["event_firings"]) == 2 * len(sampled)
    firings = state.truth["truth_event_firings"].to_pylist()
    for record in manifest["event_firings"]:
        entity_id = next(a["entity_id"] for a in sampled if a["entity"] == record["entity"])
        assert record["period_indices"] == [f["period_index"] for f in firings if f["entity_id"] == entity_id and f["event_table"] == record["table"]]
    assert any(r["period_indices"] == [] for r in manifest["event_firings"]), "entities that never fired are kept"


def test_noise_truth_and_manifest_sections():
    cfg = ps.create(
        about="x",
        unit="u",
        window=("2024-01", "2024-03"),
        metrics=[{"name": "m", "type": "score"}],
        segments=[{"name": "s", "count": 3, "archetype": "growth"}],
        noise={"gaussian_sigma": 0.1, "outlier_rate": 0.02, "family": "laplace"},
    )
    _, state = generate_arrow(cfg)
    assert state.truth["truth_noise"].to_pylist() == [
        {
            "family": "laplace",
            "gaussian_sigma": 0.1,
            "outlier_rate": 0.02,
            "mcar_rate": 0.0,
            "degrees_of_freedom": 4.0,
            "scale_with_trajectory": False,
        }
    ]
    manifest = ps.build_manifest(cfg)
    assert manifest["noise"] == cfg.noise.model_dump(mode="json")
    assert manifest["noise_config"] == {
        "gaussian_sigma": 0.1,
        "outlier_rate": 0.02,
        "mcar_rate": 0.0,
        "degrees_of_freedom": 4.0,
        "noise_family": "laplace",
        "scale_with_trajectory": False,
        "per_metric_overrides": None,
    }
    outliers = [r for r in state.truth["truth_noise_faults"].to_pylist() if r["issue"] == "outlier"]
    listed = [{"entity": f"s_{r['entity_id'] - 1:04d}", "period_index": r["period_index"], "metric": "m"} for r in outliers]
    assert manifest["outlier_injections"] == listed
    assert manifest["quality_injections"] == [] and manifest["treatment_cohorts"] == []
    assert state.truth["truth_noise"].schema.field("gaussian_sigma").type == pa.float64()
