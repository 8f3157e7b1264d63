"""A consumer project whose config names tables and columns like SQL keywords (order, group, null,
select, from, limit) and whose labels hold apostrophes builds green with every scaffolded test,
run with --project-dir from another folder that holds a different plotsim.yaml; the quoted
accepted_values test still fails on a label that is not accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_helpers import compiled, dbt, faulted, green, keep_build, results

from plotsim_dbt.cli.main import main

pytestmark = pytest.mark.slow

KEYWORDS = Path(__file__).resolve().parents[1] / "data" / "configs" / "keywords.yaml"


def test_keyword_names_and_apostrophes_build_green_from_another_folder(tmp_path):
    project = tmp_path / "analytics"
    assert main(["init", str(project), "--config", str(KEYWORDS)]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert main(["template", "saas", "-o", str(elsewhere / "plotsim.yaml")]) == 0  # a decoy: the saas tables
    work, database = tmp_path / "work", project / "w.duckdb"
    assert dbt(["deps"], project, work, database).returncode == 0
    build = dbt(["build"], project, work, database, cwd=elsewhere)
    assert build.returncode == 0, build.stdout[-4000:]
    statuses = results(work)
    assert green(statuses), {k: v for k, v in statuses.items() if v not in ("pass", "success")}
    assert {"model.analytics.order", "model.analytics.group", "model.analytics.limit", "model.analytics.from"} <= set(statuses)
    tests = [k for k in statuses if k.startswith("test.")]
    for kind in (
        "accepted_values_order_health_",
        "relationships_group_order_id_",
        "values_within_range_group__group_",
        "lag_recovered",
        "correlation_near_target",
        "scd2_matches_truth",
        "fact_points_to_active_version",
        "bridge_matches_truth",
    ):
        assert any(kind in k for k in tests), kind
    health = next(sql for k, sql in compiled(work).items() if "accepted_values_order_health_" in k)
    assert "'don''t'" in health and "'o''brien'" in health

    # the fault at the build's own database path, so dbt reuses the build's parse
    built = keep_build(project, work, database, build, cwd=elsewhere)
    with faulted(built, ["test", "--select", "order"], """update "order" set health = 'dont' where order_id = 1""") as retest:
        failed = {k for k, status in results(work).items() if status == "fail"}
    assert retest.returncode == 1
    assert failed and all("accepted_values_order_health_" in k for k in failed), failed
