"""A separate dbt project made by `plotsim-dbt init` installs this package with `dbt deps` from
the checkout and builds green, without building the package's own demo."""

from __future__ import annotations

import pytest
from dbt_helpers import dbt, green, results

from plotsim_dbt.cli.main import main

pytestmark = pytest.mark.slow


def test_init_deps_build_in_a_consumer_project(tmp_path):
    project = tmp_path / "analytics"
    assert main(["init", str(project), "--template", "saas"]) == 0
    assert (project / "packages.yml").exists() and (project / "models" / "plotsim" / "fct_revenue.py").exists()
    work = tmp_path / "work"
    deps = dbt(["deps"], project, work, project / "w.duckdb")
    assert deps.returncode == 0, deps.stdout[-3000:]
    build = dbt(["build"], project, work, project / "w.duckdb")
    assert build.returncode == 0, build.stdout[-4000:]
    statuses = results(work)
    assert green(statuses), {k: v for k, v in statuses.items() if v not in ("pass", "success")}
    for table in (
        "dim_company",
        "dim_user",
        "dim_plan",
        "dim_feature",
        "fct_engagement",
        "fct_revenue",
        "fct_support",
        "evt_login",
        "evt_churn",
        "bridge_company_feature",
        "truth_scd_versions",
        "truth_bridge_links",
    ):
        assert f"model.analytics.{table}" in statuses, table
    for generic in ("scd2_valid_history", "scd2_matches_truth", "fact_points_to_active_version", "bridge_matches_truth"):
        assert any(k.startswith(f"test.analytics.plotsim_dbt_{generic}_") for k in statuses), generic
    assert not [k for k in statuses if ".plotsim_dbt." in k], "the package's demo must not build in a consumer"
    assert any("plotsim_dbt.row_count_matches_truth" in k or "row_count_matches_truth" in k for k in statuses)


def test_init_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path / "x"), "--template", "saas"]) == 1
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"
