"""docs/manifest.md documents every manifest field, and the manifest is byte-identical across builds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import plotsim_dbt as ps
from plotsim_dbt.truth.manifest import MAX_SAMPLED_CELLS, dumps

DOC = Path(__file__).resolve().parents[3] / "docs" / "manifest.md"
# Objects keyed by data (table names, segment names, family parameters), not by fixed field names.
DATA_KEYED = {"table_row_counts", "calendar.segment_priors", "metrics.params"}
RECORD_LISTS = {
    "segments",
    "archetype_assignments",
    "trajectory_samples",
    "metrics",
    "correlations",
    "lags",
    "seasonal_factors",
    "scd_events",
    "bridge_associations",
    "calendar.components",
    "calendar.entity_mixtures",
    "event_firings",
    "causal_graph",
    "correlation_adjustments",
    "treatment_cohorts",
    "quality_injections",
    "outlier_injections",
    "source_entity_mappings",
}
OBJECTS = {"generator", "window", "correlation_repair", "noise", "holdout", "calendar", "noise_config"}


def build() -> dict:
    cfg = ps.load_template("saas")  # SCD2 plan_tier, a bridge, a lag, connections, a holdout, a calendar, events
    tables, state = ps.generate_tables_with_state(cfg)
    return ps.build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)


def build_repaired() -> dict:
    """Connections no correlation matrix can hold (so the repair moves them), student_t noise with
    outliers, a treatment, a quality fault and two sources: the sections the saas template leaves null or empty."""
    cfg = ps.create(
        about="repair",
        unit="account",
        window=("2024-01", "2024-06"),
        metrics=[{"name": n, "type": "score"} for n in "abc"],
        connections=["a mirrors b", "a mirrors c", "b inverts c"],
        segments=[
            {
                "name": "g",
                "count": 20,
                "archetype": "flat",
                "treatment": {"fraction": 0.5, "lift_log_odds": 0.5, "start_period": 2, "target_metric": "a"},
            }
        ],
        noise={"gaussian_sigma": 0.05, "family": "student_t", "degrees_of_freedom": 5, "outlier_rate": 0.05},
        quality=[{"issue": "null_injection", "table": "fct_account", "column": "b", "rate": 0.1}],
        sources=[{"name": "crm", "attribute_drift_rate": 0.5}, {"name": "erp", "key_scheme": "numeric"}],
    )
    return ps.build_manifest(cfg)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return build()


@pytest.fixture(scope="module")
def repaired() -> dict:
    return build_repaired()


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def sections(value, path: str) -> Iterator[tuple[str, str, set[str]]]:
    """(path, 'object' | 'records', field names) of every nested object and list of records."""
    if path in DATA_KEYED:
        return
    if isinstance(value, dict):
        yield path, "object", set(value)
        for key, item in value.items():
            yield from sections(item, f"{path}.{key}")
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        fields = set().union(*(v.keys() for v in value))
        yield path, "records", fields
        for key in fields:
            for record in value:
                yield from sections(record.get(key), f"{path}.{key}")


def all_sections(manifest: dict) -> dict[str, tuple[str, set[str]]]:
    found: dict[str, tuple[str, set[str]]] = {}
    for key, value in manifest.items():
        for path, kind, fields in sections(value, key):
            previous = found.get(path, (kind, set()))[1]
            found[path] = (kind, previous | fields)
    return found


def documented_fields(doc: str, section: str) -> set[str]:
    """Backticked names in the first column of the table under '### `section`' (or '`section[]`')."""
    match = re.search(rf"^### `{re.escape(section)}(?:\[\])?`\n(.*?)(?=^#)", doc + "\n#", re.M | re.S)
    assert match, f"no section for {section} in {DOC.name}"
    return set(re.findall(r"^\| `([a-z_0-9]+)` \|", match.group(1), re.M))


def test_every_section_is_populated(manifest, repaired):
    assert manifest["scd_events"] and manifest["bridge_associations"], "the saas template must exercise SCD2 and bridges"
    assert manifest["lags"] and manifest["correlations"] and manifest["event_firings"] and manifest["causal_graph"]
    assert manifest["holdout"] is not None and manifest["calendar"] is not None
    assert manifest["correlation_adjustments"] is None and manifest["noise_config"] is None
    assert repaired["correlation_repair"]["repaired"] and repaired["correlation_adjustments"]
    assert repaired["noise_config"]["noise_family"] == "student_t"
    assert manifest["treatment_cohorts"] == [] and [c["metric"] for c in repaired["treatment_cohorts"]] == ["a"]
    assert manifest["quality_injections"] == [] and manifest["outlier_injections"] is None
    assert repaired["quality_injections"][0]["issue_type"] == "null_injection" and repaired["outlier_injections"]
    assert manifest["source_entity_mappings"] is None and {m["source"] for m in repaired["source_entity_mappings"]} == {"crm", "erp"}


def test_every_top_level_key_is_documented(manifest, doc):
    top = set(re.findall(r"^\| `([a-z_0-9]+)` \|", doc.split("## Top-level keys", 1)[1].split("###", 1)[0], re.M))
    assert set(manifest) == top
    for key in manifest:
        assert f"`{key}`" in doc


def test_every_nested_field_is_documented(manifest, repaired, doc):
    found = all_sections(manifest)
    for path, (kind, fields) in all_sections(repaired).items():
        found[path] = (kind, found.get(path, (kind, set()))[1] | fields)
    assert {p for p, (kind, _) in found.items() if kind == "records"} == RECORD_LISTS
    assert {p for p, (kind, _) in found.items() if kind == "object"} == OBJECTS
    for path, (_, fields) in found.items():
        for name in fields:
            assert f"`{name}`" in doc, (path, name)
        assert documented_fields(doc, path) == fields, path


def test_doc_mentions_sampling_cap_and_determinism(doc):
    assert f"{MAX_SAMPLED_CELLS:,} cells" in doc and "sample_rate" in doc
    assert "byte-identical" in doc


def test_two_builds_are_byte_identical(manifest, repaired):
    assert dumps(build()) == dumps(manifest)
    assert dumps(build_repaired()) == dumps(repaired)


def test_reference_keys_agree_with_ours(manifest, repaired):
    assert [(c["driver"], c["target"], c["lag_periods"]) for c in manifest["causal_graph"]] == [
        (lag["driver"], lag["follower"], lag["delay"]) for lag in manifest["lags"]
    ]
    assert {c["blend_weight"] for c in manifest["causal_graph"]} == {1.0}
    pairs = {(p["metric_a"], p["metric_b"]): p for p in repaired["correlations"]}
    for adjustment in repaired["correlation_adjustments"]:
        pair = pairs[(adjustment["metric_a"], adjustment["metric_b"])]
        assert (adjustment["requested"], adjustment["achieved"]) == (pair["planned"], pair["copula"])
    sampled = [a["entity"] for a in manifest["archetype_assignments"]]
    events = ["evt_login", "evt_churn"]
    assert [(f["entity"], f["table"]) for f in manifest["event_firings"]] == [(e, t) for e in sampled for t in events]
    assert {k: repaired["noise"][k] for k in ("gaussian_sigma", "outlier_rate", "mcar_rate", "degrees_of_freedom")} == {
        k: v for k, v in repaired["noise_config"].items() if k not in ("noise_family", "scale_with_trajectory", "per_metric_overrides")
    }
