"""`plotsim-dbt scaffold --form sources`: one dbt source holding every table, the entity features
and every truth table, with the models form's descriptions and tests, referring to sources."""

from __future__ import annotations

import yaml

from plotsim_dbt import load_template
from plotsim_dbt.cli.main import main
from plotsim_dbt.dbt.scaffold import SOURCES_FILE, model_names, model_properties
from plotsim_dbt.plan.resolve import resolve_plan


def test_sources_yaml_lists_every_table_with_the_models_tests_on_sources(tmp_path):
    assert main(["scaffold", "saas", "--form", "sources", "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [SOURCES_FILE]
    text = (tmp_path / SOURCES_FILE).read_text()
    (source,) = yaml.safe_load(text)["sources"]
    assert source["name"] == "plotsim" and source["schema"] == "plotsim"
    plan = resolve_plan(load_template("saas"))
    assert [t["name"] for t in source["tables"]] == model_names(plan)
    models = {m["name"]: m for m in model_properties(plan, "saas")["models"]}
    for table in source["tables"]:
        model = models[table["name"]]
        assert "config" not in table
        assert table["description"] == model["description"]
        assert [c["name"] for c in table["columns"]] == [c["name"] for c in model["columns"]]
        # the same tests, each ref('x') of the models form read as the source's table
        for mine, theirs in [(table, model), *zip(table["columns"], model["columns"])]:
            as_sources = yaml.safe_dump(theirs.get("data_tests"), sort_keys=True).replace("ref('", "source('plotsim', '")
            assert yaml.safe_dump(mine.get("data_tests"), sort_keys=True) == as_sources
    assert "ref(" not in text and "source('plotsim', 'dim_company')" in text
    assert "plotsim_source" in text  # the header says which var the truth tests need
