"""The argument names shared with dbt_utils: `combination_of_columns` (the old `columns` is refused
with the rename) and the range test's `inclusive`, each passing and failing where it should."""

from __future__ import annotations

import json

import pytest
from dbt_helpers import copy_project, dbt, results

pytestmark = pytest.mark.slow

PROBE = "select k, k % 3 as g from range(1, 13) as t(k)\n"  # k = 1..12; (k, g) unique, g repeats
PROPERTIES = """version: 2
models:
  - name: args_probe
    columns:
      - name: k
        data_tests:
          - plotsim_dbt.values_within_range:
              name: range_inclusive
              arguments: {min_value: 1, max_value: 12}
          - plotsim_dbt.values_within_range:
              name: range_exclusive
              arguments: {min_value: 1, max_value: 12, inclusive: false}
          - plotsim_dbt.values_within_range:
              name: range_exclusive_wider
              arguments: {min_value: 0, max_value: 13, inclusive: false}
    data_tests:
      - plotsim_dbt.unique_combination_of_columns:
          name: combination_unique
          arguments: {combination_of_columns: [k, g]}
      - plotsim_dbt.unique_combination_of_columns:
          name: combination_repeats
          arguments: {combination_of_columns: [g]}
"""
OLD_NAME = """      - plotsim_dbt.unique_combination_of_columns:
          name: combination_old_name
          arguments: {columns: [k, g]}
"""


def test_combination_of_columns_and_inclusive_pass_and_fail(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "models" / "args_probe.sql").write_text(PROBE)
    (project / "models" / "_args_probe.yml").write_text(PROPERTIES)
    work = tmp_path / "work"
    done = dbt(["build", "--select", "args_probe"], project, work, tmp_path / "w.duckdb")
    statuses = {key.split(".")[2]: status for key, status in results(work).items() if key.startswith("test.")}
    assert statuses == {
        "range_inclusive": "pass",
        "range_exclusive": "fail",
        "range_exclusive_wider": "pass",
        "combination_unique": "pass",
        "combination_repeats": "fail",
    }, done.stdout[-3000:]
    failures = {r["unique_id"].split(".")[2]: r["failures"] for r in json.loads((work / "target" / "run_results.json").read_text())["results"]}
    assert failures["range_exclusive"] == 2  # the values on the two bounds
    assert failures["combination_repeats"] == 3  # g = 0, 1, 2


def test_the_old_argument_name_is_refused_naming_the_new_one(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "models" / "args_probe.sql").write_text(PROBE)
    (project / "models" / "_args_probe.yml").write_text(PROPERTIES + OLD_NAME)
    done = dbt(["parse"], project, tmp_path / "work", tmp_path / "w.duckdb")
    assert done.returncode != 0
    assert "the argument `columns` is now `combination_of_columns`" in done.stdout, done.stdout[-2000:]
