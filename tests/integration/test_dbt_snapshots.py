"""dbt snapshot over the batches of change feeds: the shipped example snapshots (the dimension's
timestamp with hard deletes invalidated, check with a 9999-12-31 open end, timestamp with
hard_deletes new_record; the fact's, keyed by [date_key, company_id], timestamp and check with
new_record) match truth_snapshot_versions after every batch, and wrong configs fail the same test:
check without updated_at, on the dimension (the exercise) and on the fact; so do
new_record snapshots without their deletion records or with the deleted versions left open."""

from __future__ import annotations

import shutil

import pytest
from dbt_helpers import ROOT, copy_database, dbt, results

from plotsim_dbt.dbt.project import init_project
from plotsim_dbt.templates import template_path

pytestmark = pytest.mark.slow

BATCHES = 4  # a batch every 6 months over saas_cdc's 24
# saas_cdc's fact feed, cut like the dimension's and with deletes and delivery faults enough to meet in 4 batches
FACT_CDC = (
    "cdc: {update_rate: 0.2, delete_rate: 0.1, late_rate: 0.05, duplicate_rate: 0.05, out_of_order_rate: 0.1, out_of_order_window: 48, "
    "batch_every: 6}"
)
GOOD = {"company_timestamp", "company_check", "company_new_record", "engagement_timestamp", "engagement_check"}
BAD = {"exercise_company_check", "engagement_no_updated_at"}  # wrong configs

# check without updated_at: versions stamped with the run's clock (a wrong unique_key fails too, but
# its snapshot multiplies rows run after run)
NO_UPDATED_AT = """{% snapshot engagement_no_updated_at %}
{{ config(unique_key=['date_key', 'company_id'], strategy='check', check_cols=['engagement', 'feature_adoption', 'engagement_last_month'],
          hard_deletes='invalidate') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('fct_engagement_changes'), ['date_key', 'company_id']) }}
{% endsnapshot %}
"""
NO_UPDATED_AT_TEST = """version: 2
snapshots:
  - name: engagement_no_updated_at
    data_tests:
      - plotsim_dbt.snapshot_matches_truth:
          arguments:
            {cdc_table: fct_engagement_changes, unique_key: [date_key, company_id], period_column: date_key,
             strategy: check, hard_deletes: invalidate}
"""


def test_snapshots_match_the_true_history_after_every_batch(tmp_path):
    text = template_path("saas_cdc").read_text(encoding="utf-8")
    assert text.count("cdc: {update_rate: 0.1, delete_rate: 0.01}") == 1
    (tmp_path / "saas_cdc.yaml").write_text(text.replace("cdc: {update_rate: 0.1, delete_rate: 0.01}", FACT_CDC), encoding="utf-8")
    project = init_project(tmp_path / "proj", config_file=tmp_path / "saas_cdc.yaml")
    shutil.copytree(ROOT / "docs" / "examples" / "snapshots", project / "snapshots")
    (project / "snapshots" / "engagement_no_updated_at.sql").write_text(NO_UPDATED_AT, encoding="utf-8")
    (project / "snapshots" / "_no_updated_at.yml").write_text(NO_UPDATED_AT_TEST, encoding="utf-8")
    work, database = tmp_path / "work", tmp_path / "warehouse.duckdb"
    for args in (["deps"], ["run"]):
        done = dbt(args, project, work, database)
        assert done.returncode == 0, done.stdout[-3000:]
    for batch in range(1, BATCHES + 1):
        variables = ["--vars", f"{{plotsim_batch: {batch}}}"]
        done = dbt(["snapshot", *variables], project, work, database)
        assert done.returncode == 0, done.stdout[-3000:]
        dbt(["test", "-s", "test_name:snapshot_matches_truth", *variables], project, work, database)
        status = {snapshot_of(k): v for k, v in results(work).items()}
        assert status == {**dict.fromkeys(GOOD, "pass"), **dict.fromkeys(BAD, "fail")}, (batch, results(work))
    # new_record's deletion records are compared: without them, or with the deleted versions left open, the test fails
    broken = copy_database(
        database,
        tmp_path / "broken.duckdb",
        "delete from company_new_record where dbt_is_deleted = 'True'",
        "update engagement_check set dbt_valid_to = null where dbt_is_deleted = 'False' and (date_key, company_id) in "
        "(select date_key, company_id from engagement_check where dbt_is_deleted = 'True')",
    )
    dbt(["test", "-s", "test_name:snapshot_matches_truth", "--vars", f"{{plotsim_batch: {BATCHES}}}"], project, work, broken)
    status = {snapshot_of(k): v for k, v in results(work).items()}
    assert status == {**dict.fromkeys(GOOD | BAD, "pass"), **dict.fromkeys(BAD | {"company_new_record", "engagement_check"}, "fail")}, status


def snapshot_of(test_id: str) -> str:
    """The snapshot a test's unique_id names (the longest name it contains: one name holds another)."""
    return max((name for name in GOOD | BAD if name in test_id), key=len)


# A variable fact's feed, two batches of three months: snapshots keyed by the fact's id column.
ORDERS_CONFIG = """about: orders feed
unit: company
seed: 5
window: {start: 2023-01, end: 2023-06}
metrics:
  - {name: engagement, type: score, polarity: positive}
  - {name: mrr, type: amount, polarity: positive, range: [1, 100], decimals: 0}
segments:
  - {name: up, count: 30, archetype: growth}
  - {name: down, count: 30, archetype: decline}
dimensions:
  - name: dim_company
    columns: [{company_id: id}]
facts:
  - name: fct_usage
    columns: [{date_key: ref.dim_date}, {company_id: ref.dim_company}, {engagement: metric.engagement}]
  - name: fct_orders
    proportional: {driver: engagement, scale: 4}
    cdc: {update_rate: 0.3, delete_rate: 0.1, late_rate: 0.1, duplicate_rate: 0.05, out_of_order_rate: 0.1, out_of_order_window: 48,
          batch_every: 3}
    columns: [{order_id: id}, {date_key: ref.dim_date}, {company_id: ref.dim_company}, {mrr: metric.mrr}]
"""
ORDERS_SNAPSHOTS = """{% snapshot orders_timestamp %}
{{ config(unique_key='order_id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('fct_orders_changes'), 'order_id') }}
{% endsnapshot %}

{% snapshot orders_check %}
{{ config(unique_key='order_id', strategy='check', check_cols=['date_key', 'company_id', 'mrr'], updated_at='updated_at',
          hard_deletes='new_record') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('fct_orders_changes'), 'order_id') }}
{% endsnapshot %}
"""
ORDERS_TESTS = """version: 2
snapshots:
  - name: orders_timestamp
    data_tests:
      - plotsim_dbt.snapshot_matches_truth:
          arguments: {cdc_table: fct_orders_changes, unique_key: order_id, row_id_column: order_id, hard_deletes: invalidate}
  - name: orders_check
    data_tests:
      - plotsim_dbt.snapshot_matches_truth:
          arguments: {cdc_table: fct_orders_changes, unique_key: order_id, row_id_column: order_id, strategy: check, hard_deletes: new_record}
"""


def test_snapshots_of_a_variable_fact_keyed_by_its_id_match_the_truth_and_fail_when_damaged(tmp_path):
    (tmp_path / "orders.yaml").write_text(ORDERS_CONFIG, encoding="utf-8")
    project = init_project(tmp_path / "proj", config_file=tmp_path / "orders.yaml")
    (project / "snapshots").mkdir()
    (project / "snapshots" / "orders.sql").write_text(ORDERS_SNAPSHOTS, encoding="utf-8")
    (project / "snapshots" / "_orders.yml").write_text(ORDERS_TESTS, encoding="utf-8")
    work, database = tmp_path / "work", tmp_path / "warehouse.duckdb"
    last = ["--vars", "{plotsim_batch: 2}"]
    for args in (
        ["deps"],
        ["run", "-s", "+fct_orders_changes", "+truth_snapshot_versions"],
        ["snapshot", "--vars", "{plotsim_batch: 1}"],
        ["snapshot", *last],
        ["test", "-s", "test_name:snapshot_matches_truth", *last],
    ):
        done = dbt(args, project, work, database)
        assert done.returncode == 0, (args, done.stdout[-3000:])
    assert sorted(results(work).values()) == ["pass", "pass"], results(work)
    # a version closed by its correction lost, a deleted order's version left open: each snapshot's test fails
    broken = copy_database(
        database,
        tmp_path / "broken.duckdb",
        "delete from orders_timestamp where order_id = (select min(order_id) from orders_timestamp where dbt_valid_to is not null)",
        "update orders_check set dbt_valid_to = null where dbt_is_deleted = 'False' and order_id in "
        "(select order_id from orders_check where dbt_is_deleted = 'True')",
    )
    dbt(["test", "-s", "test_name:snapshot_matches_truth", *last], project, work, broken)
    assert sorted(results(work).values()) == ["fail", "fail"], results(work)
