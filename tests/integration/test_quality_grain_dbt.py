"""A dbt build of a config whose variable fact (orders) is a raw source with quality faults is
green: the orders are scaffolded as a raw source, the tests that would fail on it by design (the
items' and refunds' references into it, the items' sums) are left for the staging model, and a
staging model keyed by order_id passes the three cleaning tests; each fails on a wrong staging model."""

from __future__ import annotations

import pytest
from dbt_helpers import copy_database, dbt, green, results
from grain_quality_config import ORDER_FAULTS, config

from plotsim_dbt.config import dump_config
from plotsim_dbt.dbt.project import init_project

pytestmark = pytest.mark.slow

# Every row fault and the two cell faults a staging model can undo (a null cannot be restored).
FAULTS = [f for f in ORDER_FAULTS if f["issue"] != "null_injection"]
STAGING = """-- Orders as a pipeline should read them: copies removed, the value parsed back from text, the
-- drifted basket taken from the column it moved to, late rows kept in the month they belong to.
select distinct
    order_id, date_key, shop_id,
    cast(replace(trim(order_value), ',', '') as decimal(18, 2)) as order_value,
    coalesce(basket, basket_v2) as basket
from {{ ref('fct_order') }}
"""
KEY = "{source_table: fct_order, key_columns: [order_id]"
STAGING_TESTS = f"""version: 2
models:
  - name: stg_order
    data_tests:
      - plotsim_dbt.no_duplicate_keys_after_dedup:
          arguments: {KEY}}}
      - plotsim_dbt.cleaned_matches_truth:
          arguments: {KEY}, columns: [order_value, basket]}}
      - plotsim_dbt.late_rows_accounted:
          arguments: {KEY}, date_column: date_key}}
"""
CLEANING = ("no_duplicate_keys_after_dedup", "cleaned_matches_truth", "late_rows_accounted")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("grain_quality")
    (root / "orders.yaml").write_text(dump_config(config(FAULTS, entities=300)), encoding="utf-8")
    project = init_project(root / "proj", config_file=root / "orders.yaml")
    (project / "models" / "stg_order.sql").write_text(STAGING, encoding="utf-8")
    (project / "models" / "_stg_order.yml").write_text(STAGING_TESTS, encoding="utf-8")
    work, database = root / "work", root / "warehouse.duckdb"
    assert dbt(["deps"], project, work, database).returncode == 0
    done = dbt(["build"], project, work, database)
    assert done.returncode == 0, done.stdout[-4000:]
    return project, work, database


def _cleaning(work) -> dict[str, set[str]]:
    found = results(work)
    return {test: {s for node, s in found.items() if test in node} for test in CLEANING}


def test_the_build_is_green_with_the_cleaning_tests_on_the_staging_model(built):
    _, work, _ = built
    found = results(work)
    assert green(found), {k: v for k, v in found.items() if v not in ("pass", "success")}
    assert _cleaning(work) == {test: {"pass"} for test in CLEANING}
    # the orders' raw-source model carries only its references; the items' sums wait for the staging model
    assert not any("children_sum_to_parent" in node or "relationships_fct_item_order_id" in node for node in found)
    assert any("relationships_fct_order_shop_id" in node for node in found)


@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        ("update stg_order set order_value = order_value + 1", "cleaned_matches_truth"),
        ("insert into stg_order select * from stg_order limit 1", "no_duplicate_keys_after_dedup"),
        ("update stg_order set date_key = 20990101 where order_id < 400", "late_rows_accounted"),
    ],
)
def test_a_cleaning_test_fails_on_a_wrong_staging_model(built, tmp_path, fault, failing):
    project, _, database = built
    work = tmp_path / "work"
    dbt(["test", "--select", "stg_order"], project, work, copy_database(database, tmp_path / "wrong.duckdb", fault))
    found = _cleaning(work)
    assert found[failing] == {"fail"}, found
