"""What scaffold and init write: settings under `meta`, lineage from truth_run, the overview page,
dbt_utils' argument names, a relocatable project, and every generic test documented."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from plotsim_dbt import load_template
from plotsim_dbt.cli.main import main
from plotsim_dbt.dbt.project import package_root
from plotsim_dbt.dbt.scaffold import OVERVIEW_FILE, PROPERTIES_FILE, RUN_MODEL, scaffold
from plotsim_dbt.plan.resolve import resolve_plan


def test_scaffolded_models_read_meta_and_ref_the_run(tmp_path):
    scaffold(load_template("saas"), "saas", tmp_path)
    models = yaml.safe_load((tmp_path / PROPERTIES_FILE).read_text())["models"]
    for entry in models:
        assert set(entry["config"]) == {"meta"}, entry["name"]  # no custom key directly under config
        assert entry["config"]["meta"]["plotsim"]["config"] == "saas"
        code = (tmp_path / f"{entry['name']}.py").read_text()
        assert 'dbt.config.get("meta")["plotsim"]' in code
        assert (f'dbt.ref("{RUN_MODEL}")' in code) == (entry["name"] != RUN_MODEL), entry["name"]
    composite = [t for m in models for t in m.get("data_tests", []) if isinstance(t, dict) and "plotsim_dbt.unique_combination_of_columns" in t]
    assert composite and all(set(t["plotsim_dbt.unique_combination_of_columns"]["arguments"]) == {"combination_of_columns"} for t in composite)


def test_the_overview_tells_the_story_of_the_config(tmp_path):
    plan = resolve_plan(load_template("hr"))
    scaffold(plan, "hr", tmp_path)
    text = (tmp_path / OVERVIEW_FILE).read_text()
    assert text.startswith("{% docs __overview__ %}") and text.rstrip().endswith("{% enddocs %}")
    for segment in plan.config.segments:
        assert f"| {segment.name} | {segment.count:,} | `{segment.archetype}` |" in text
    for name in plan.tables:
        assert f"| `{name}` |" in text
    assert "| `truth_entities` |" in text and "How to use it" in text


def test_init_writes_a_relocatable_committable_project(tmp_path):
    project = tmp_path / "analytics"
    assert main(["init", str(project), "--template", "saas"]) == 0
    packages = yaml.safe_load((project / "packages.yml").read_text())["packages"]
    assert packages == [{"local": "vendor/plotsim_dbt"}]
    vendored = project / "vendor" / "plotsim_dbt"
    assert (vendored / "dbt_project.yml").read_text() == (package_root() / "dbt_project.yml").read_text()
    shipped = sorted(p.relative_to(package_root() / "macros") for p in (package_root() / "macros").rglob("*.sql"))
    assert sorted(p.relative_to(vendored / "macros") for p in (vendored / "macros").rglob("*.sql")) == shipped
    # the demo stays behind; only the example staging layer comes (off unless plotsim_staging_example)
    assert [p.name for p in (vendored / "models").iterdir()] == ["staging_example"]
    assert {"target/", "dbt_packages/", "logs/", "*.duckdb"} <= set((project / ".gitignore").read_text().split())
    for path in project.rglob("*"):
        if path.is_file():
            assert str(tmp_path) not in path.read_text(encoding="utf-8"), path


def test_every_generic_test_and_argument_is_documented():
    macros = package_root() / "macros"
    documented = {m["name"]: m for m in yaml.safe_load((macros / "_plotsim__macros.yml").read_text())["macros"]}
    signatures = re.findall(r"{%\s*test\s+(\w+)\((.*?)\)\s*%}", "".join(p.read_text() for p in sorted(macros.rglob("*.sql"))))
    assert len(signatures) >= 15
    for name, arguments in signatures:
        entry = documented.get(f"test_{name}")
        assert entry and entry["description"].strip(), name
        expected = {a.split("=")[0].strip() for a in arguments.split(",")} - {"model", "column_name"}
        described = {a["name"] for a in entry["arguments"] if a["description"].strip()}
        assert described == expected, name
    assert len(documented) == len(signatures)


def test_package_root_is_the_checkout_in_a_source_install():
    assert package_root() == Path(__file__).resolve().parents[3]
