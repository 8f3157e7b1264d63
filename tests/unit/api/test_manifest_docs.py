"""docs/manifest.md documents every manifest field, and the manifest is byte-identical across builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import plotsim_dbt as ps
from plotsim_dbt.truth.manifest import dumps

DOC = Path(__file__).resolve().parents[3] / "docs" / "manifest.md"
OBJECT_SECTIONS = ("generator", "window", "correlation_repair", "noise", "holdout")


def build() -> dict:
    cfg = ps.load_template("saas")  # SCD2 plan_tier, a bridge, a lag, connections, a holdout
    tables, state = ps.generate_tables_with_state(cfg)
    return ps.build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return build()


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def documented_fields(doc: str, section: str) -> set[str]:
    """Backticked names in the first column of the table under '### `section`' (or '`section[]`')."""
    match = re.search(rf"^### `{re.escape(section)}(?:\[\])?`\n(.*?)(?=^#)", doc + "\n#", re.M | re.S)
    assert match, f"no section for {section} in {DOC.name}"
    return set(re.findall(r"^\| `([a-z_0-9]+)` \|", match.group(1), re.M))


def test_every_section_is_populated(manifest):
    assert manifest["scd_events"] and manifest["bridge_associations"], "the saas template must exercise SCD2 and bridges"
    assert manifest["lags"] and manifest["correlations"] and manifest["holdout"] is not None


def test_every_top_level_key_is_documented(manifest, doc):
    top = set(re.findall(r"^\| `([a-z_0-9]+)` \|", doc.split("## Top-level keys", 1)[1].split("###", 1)[0], re.M))
    assert set(manifest) == top
    for key in manifest:
        assert f"`{key}`" in doc


def test_every_record_field_is_documented(manifest, doc):
    lists = [k for k, v in manifest.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
    assert sorted(lists) == sorted(
        ["segments", "archetype_assignments", "trajectory_samples", "metrics", "correlations", "lags",
         "seasonal_factors", "scd_events", "bridge_associations"]
    )
    for key in lists:
        fields = set().union(*(record.keys() for record in manifest[key]))
        for name in fields:
            assert f"`{name}`" in doc, (key, name)
        assert documented_fields(doc, key) == fields, key


def test_every_object_field_is_documented(manifest, doc):
    for key in OBJECT_SECTIONS:
        for name in manifest[key]:
            assert f"`{name}`" in doc, (key, name)
        assert documented_fields(doc, key) == set(manifest[key]), key


def test_doc_mentions_sampling_cap_and_determinism(doc):
    assert "1,000,000" in doc and "sample_rate" in doc
    assert "byte-identical" in doc


def test_two_builds_are_byte_identical(manifest):
    assert dumps(build()) == dumps(manifest)
