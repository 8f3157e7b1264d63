"""The catalogue: the six domains of the reference generator (saas, hr, marketing, retail, banking,
health), each with an SCD2 dimension, a lifecycle, three or more connections, a causal lag,
seasonality and two event tables, plus its domain's features (treatment, heavy-tailed or
heteroscedastic noise, holdout, geo over one or several locales, narrative text, nested columns and
variable, child and sibling facts). Each runs from the CLI with --validate and builds green in a fresh `plotsim-dbt init`
project with its truth tests."""

from __future__ import annotations

import duckdb
import pytest
from dbt_helpers import dbt, green, results

import plotsim_dbt as ps
from plotsim_dbt.cli.main import main

CATALOGUE = ["saas", "hr", "marketing", "retail", "banking", "health"]
FEATURES = {  # what the reference's template of each domain shows, as built here
    "hr": {"geo", "narrative"},
    "marketing": {"treatment"},
    "retail": {"geo", "multi_locale", "narrative", "nested", "variable", "child", "sibling", "multi_source"},
    "banking": {"treatment", "student_t", "holdout", "geo", "narrative", "variable", "child"},
    "health": {"treatment", "heteroscedastic", "holdout", "geo", "narrative", "variable", "child", "sibling"},
    "saas": {"holdout"},
}


def features_shown(cfg: ps.Config) -> set[str]:
    """The FEATURES names a config uses, read from its parsed model."""
    schema = cfg.schema
    tables = [*schema.dimensions, *schema.facts]
    kinds = {c.type.split(".")[0] for t in tables for c in t.columns}
    facts = {f.name: f for f in schema.facts}
    fact_refs = [(f, c.type[4:]) for f in schema.facts for c in f.columns if c.type.startswith("ref.")]
    shown = {"treatment"} if any(s.treatment is not None for s in cfg.segments) else set()
    shown |= {"student_t"} if cfg.noise.family == "student_t" else set()
    shown |= {"heteroscedastic"} if cfg.noise.scale_with_trajectory else set()
    shown |= {"holdout"} if cfg.holdout is not None else set()
    shown |= {"geo"} & kinds
    shown |= {"multi_locale"} if len(cfg.locales) > 1 else set()
    shown |= {"narrative"} & kinds
    shown |= {"nested"} if kinds & {"struct", "array"} else set()
    shown |= {"multi_source"} if cfg.sources else set()
    shown |= {f.grain for f in schema.facts} - {"entity_period"}
    return shown | ({"sibling"} if any(to in facts and to != f.parent for f, to in fact_refs) else set())


def test_the_catalogue_is_bundled_beside_the_source_variants():
    variants = set(ps.list_templates()) - set(CATALOGUE)
    assert set(CATALOGUE) <= set(ps.list_templates()) and all(v.startswith("saas_") for v in variants)


@pytest.mark.parametrize("name", CATALOGUE)
def test_each_domain_tells_a_full_story(name):
    cfg = ps.load_template(name)
    schema = cfg.schema
    assert schema.scd_dimension is not None and cfg.lifecycle is not None
    assert len(cfg.connections) >= 3 and any(m.follows for m in cfg.metrics) and cfg.seasonality
    assert len(schema.events) >= 2 and any(e.ends_entity for e in schema.events) == (name != "health")
    assert features_shown(cfg) == FEATURES[name]


@pytest.mark.parametrize("name", CATALOGUE)
def test_template_then_run_with_validate(tmp_path, name, capsys):
    config = tmp_path / f"{name}.yaml"
    assert main(["template", name, "-o", str(config)]) == 0
    assert main(["run", str(config), "-o", str(tmp_path / "out"), "--validate", "-q"]) == 0
    assert "Status: VALID" in (tmp_path / "out" / "validation_report.txt").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in CATALOGUE if n != "saas"])  # saas: test_consumer_project
def test_init_and_dbt_build_green(tmp_path, name):
    project = tmp_path / name
    assert main(["init", str(project), "--template", name]) == 0
    work = tmp_path / "work"
    assert dbt(["deps"], project, work, project / "w.duckdb").returncode == 0
    build = dbt(["build"], project, work, project / "w.duckdb")
    assert build.returncode == 0, build.stdout[-4000:]
    statuses = results(work)
    assert green(statuses), {k: v for k, v in statuses.items() if v not in ("pass", "success")}
    cfg = ps.load_template(name)
    expected = ["scd2_valid_history", "scd2_matches_truth", "lag_recovered", "metric_follows_archetype", "row_count_matches_truth"]
    expected += ["bridge_matches_truth"] if cfg.bridges else []
    expected += ["treatment_effect_recovered"] if any(s.treatment for s in cfg.segments) else []
    shown = features_shown(cfg)
    expected += ["narrative_matches_truth"] if "narrative" in shown else []
    expected += ["rows_follow_driver"] if "variable" in shown else []
    expected += ["children_sum_to_parent"] if any(c.type.startswith("share.") for f in cfg.schema.facts for c in f.columns) else []
    for generic in expected:
        assert any(f"plotsim_dbt_{generic}_" in k or f"plotsim_dbt.{generic}" in k for k in statuses), generic
    stage_checks = [k for k in statuses if "scd2_matches_truth" in k and "stage" in k]
    assert stage_checks, "the lifecycle stage is checked against truth_scd_versions.stage"
    if "multi_source" in shown:  # each source table is a model with its key tested
        assert all(any(f"unique_{cfg.schema.entity_dimension.name}_{s.name}_source_key" in k for k in statuses) for s in cfg.sources)
    if "geo" in shown:
        assert any("accepted_values" in k and "dim_" in k for k in statuses), "geo columns get accepted_values"
    if "nested" in shown:  # DuckDB holds struct and array columns natively, not as JSON text
        with duckdb.connect(str(project / "w.duckdb"), read_only=True) as con:
            kinds = {t for (t,) in con.execute("select data_type from information_schema.columns").fetchall()}
        assert any(k.startswith("STRUCT(") for k in kinds) and any(k.endswith("[]") for k in kinds), kinds
