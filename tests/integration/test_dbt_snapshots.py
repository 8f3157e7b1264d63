"""dbt snapshot over the batches of a change feed: the shipped example snapshots (timestamp with
hard deletes invalidated, check with a 9999-12-31 open end) match truth_snapshot_versions after
every batch, and the exercise snapshot (check without updated_at) fails the same test."""

from __future__ import annotations

import shutil

import pytest
from dbt_helpers import ROOT, dbt, results

from plotsim_dbt.dbt.project import init_project

pytestmark = pytest.mark.slow

BATCHES = 4  # saas_cdc: 24 months, a batch every 6


def test_snapshots_match_the_true_history_after_every_batch(tmp_path):
    project = init_project(tmp_path / "proj", template="saas_cdc")
    shutil.copytree(ROOT / "docs" / "examples" / "snapshots", project / "snapshots")
    work, database = tmp_path / "work", tmp_path / "warehouse.duckdb"
    for args in (["deps"], ["run"]):
        done = dbt(args, project, work, database)
        assert done.returncode == 0, done.stdout[-3000:]
    for batch in range(1, BATCHES + 1):
        variables = ["--vars", f"{{plotsim_batch: {batch}}}"]
        done = dbt(["snapshot", *variables], project, work, database)
        assert done.returncode == 0, done.stdout[-3000:]
        dbt(["test", "-s", "test_name:snapshot_matches_truth", *variables], project, work, database)
        status = {k.split(".")[2]: v for k, v in results(work).items()}
        good = {k: v for k, v in status.items() if "exercise" not in k}
        bad = {k: v for k, v in status.items() if "exercise" in k}
        assert len(good) == 2 and set(good.values()) == {"pass"}, (batch, status)
        assert list(bad.values()) == ["fail"], (batch, status)
