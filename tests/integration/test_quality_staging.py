"""A dbt build of saas_raw with the example staging layer: cleaned_matches_truth,
no_duplicate_keys_after_dedup and late_rows_accounted pass on it and fail on the faults they guard against."""

from __future__ import annotations

import time

import pytest
from dbt_helpers import Built, dbt, faulted, keep_build, results

from plotsim_dbt.cli.main import main

pytestmark = pytest.mark.slow

VARS = ["--vars", "{plotsim_staging_example: true}"]
TESTS = ("cleaned_matches_truth", "no_duplicate_keys_after_dedup", "late_rows_accounted")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("raw")
    project = root / "raw"
    assert main(["init", str(project), "--template", "saas_raw"]) == 0
    work, database = root / "work", root / "raw.duckdb"
    assert dbt(["deps"], project, work, database).returncode == 0
    began = time.perf_counter()
    # archetype_recoverable is left out: its slope features fail on the clean saas template too
    # (entity_features of saas_raw equal those of saas; tests/unit/quality checks the equality).
    done = dbt(["build", *VARS, "--exclude", "test_name:archetype_recoverable"], project, work, database)
    print(f"dbt build of saas_raw with the staging example: {time.perf_counter() - began:.0f} s")
    assert done.returncode == 0, done.stdout[-4000:]
    return keep_build(project, work, database, done)


def statuses(built: Built, fault: str) -> dict[str, set[str]]:
    with faulted(built, ["test", *VARS, "--select", " ".join(f"test_name:{t}" for t in TESTS)], fault):
        found = results(built.work)
    return {test: {s for node, s in found.items() if test in node} for test in TESTS}


def test_the_staging_layer_passes_every_cleaning_test(built):
    found = built.statuses
    assert {test: {s for node, s in found.items() if test in node} for test in TESTS} == {t: {"pass"} for t in TESTS}


@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        ("update stg_revenue set mrr = mrr + 1", "cleaned_matches_truth"),
        ("update stg_revenue set expansion_revenue = null", "cleaned_matches_truth"),
        ("insert into stg_revenue select * from stg_revenue limit 1", "no_duplicate_keys_after_dedup"),
        (
            "delete from stg_revenue where cast(date_key as varchar) || '|' || cast(company_id as varchar) in "
            "(select row_key from truth_quality_faults where column_name = '_extra_row')",
            "no_duplicate_keys_after_dedup",
        ),
        ("update stg_engagement set date_key = 20990101 where company_id < 200", "late_rows_accounted"),
    ],
)
def test_each_cleaning_test_fails_on_its_fault(built, fault, failing):
    found = statuses(built, fault)
    assert found[failing] == {"fail"}
