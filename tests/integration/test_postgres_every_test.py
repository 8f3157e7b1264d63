"""The generic tests the saas warehouse does not use, proven on PostgreSQL: one small config
(tests/data/configs/every_test.yaml) loaded into a throwaway cluster, a dbt-postgres project on its
sources with the user models those tests sit on (a matching model, a staging model of the faulted
table, a point-in-time answer, a snapshot of the change feed), one `dbt build` green, then each
test failing on the DuckDB proofs' fault in PostgreSQL's SQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dbt_helpers import ROOT, compiled, dbt, results
from test_postgres import CLEAN, PROFILE, SCHEMA, _as, cluster, query, sql  # noqa: F401 (cluster is a fixture)

from plotsim_dbt import load_config
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.cli.main import main
from plotsim_dbt.dbt.wide import wide_model_sql
from plotsim_dbt.denormalize import wide_tables
from plotsim_dbt.plan.resolve import resolve_plan

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).resolve().parents[1] / "data" / "configs" / "every_test.yaml"
TARGET = "analytics"  # the profile's schema: user models and snapshots
LAST_BATCH = ["--vars", "{plotsim_batch: 2}"]  # the change feed's batches (batch_every 6 over 12 months)

FILES = {
    # the user's entity resolution: the answer key itself
    "models/er_match.sql": "select source, source_key, entity_id from {{ source('plotsim', 'truth_entity_resolution') }}\n",
    # the faulted fct_visits cleaned: copies removed, visits a number again, late rows kept in their month
    "models/stg_visits.sql": "select distinct date_key, company_id, cast(replace(trim(visits), ',', '') as decimal(18, 2)) as visits, dim_row_id\n"
    "from {{ source('plotsim', 'fct_visits') }}\n",
    # the plan tier in force at each fct_company row (docs/scd2.md, the join by dim_row_id)
    "models/tier_by_month.sql": "select f.company_id, f.date_key, d.plan_tier\nfrom {{ source('plotsim', 'fct_company') }} as f\n"
    "join {{ source('plotsim', 'dim_company') }} as d on d.dim_row_id = f.dim_row_id\n",
    "models/_user.yml": """version: 2
models:
  - name: er_match
    data_tests:
      - plotsim_dbt.entity_resolution_matches_truth
  - name: stg_visits
    data_tests:
      - plotsim_dbt.no_duplicate_keys_after_dedup:
          arguments: {source_table: fct_visits, key_columns: [date_key, company_id]}
      - plotsim_dbt.cleaned_matches_truth:
          arguments: {source_table: fct_visits, key_columns: [date_key, company_id], columns: [visits]}
      - plotsim_dbt.late_rows_accounted:
          arguments: {source_table: fct_visits, key_columns: [date_key, company_id]}
  - name: tier_by_month
    data_tests:
      - plotsim_dbt.scd2_label_as_of_matches_truth:
          arguments: {natural_key: company_id, date_column: date_key, label_column: plan_tier, dim_table: dim_company,
                      covers: "source('plotsim', 'fct_company')"}
""",
    "snapshots/company_timestamp.sql": """{% snapshot company_timestamp %}
{{ config(unique_key='company_id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
{{ plotsim_dbt.plotsim_cdc_extract(source('plotsim', 'dim_company_changes'), 'company_id') }}
{% endsnapshot %}
""",
    "snapshots/_snapshots.yml": """version: 2
snapshots:
  - name: company_timestamp
    data_tests:
      - plotsim_dbt.snapshot_matches_truth:
          arguments: {cdc_table: dim_company_changes, unique_key: company_id, strategy: timestamp, hard_deletes: invalidate}
""",
}

# Every generic test the build must run and pass: those saas lacks, and the scaffold's own here.
GENERICS = (
    "children_sum_to_parent",
    "rows_follow_driver",
    "narrative_matches_truth",
    "treatment_effect_recovered",
    "entity_resolution_matches_truth",
    "cleaned_matches_truth",
    "no_duplicate_keys_after_dedup",
    "late_rows_accounted",
    "scd2_label_as_of_matches_truth",
    "snapshot_matches_truth",
)


@pytest.fixture(scope="module")
def project(cluster, tmp_path_factory):  # noqa: F811 (the imported fixture)
    """The project loaded, built (the snapshot at batch 1), snapshotted at the last batch, and the
    tables the faults touch copied aside clean."""
    folder = tmp_path_factory.mktemp("pg_every")
    (folder / "profiles.yml").write_text(PROFILE.format(port=cluster.port))
    (folder / "dbt_project.yml").write_text(
        "name: pg_consumer\nversion: '1.0.0'\nconfig-version: 2\nprofile: pg_consumer\n"
        f"models:\n  pg_consumer:\n    +materialized: table\nvars:\n  plotsim_source: {SCHEMA}\n"
    )
    (folder / "packages.yml").write_text(f"packages:\n  - local: {ROOT}\n")
    sources = folder / "models" / "plotsim" / "_plotsim__sources.yml"
    assert main(["load", str(CONFIG), "--profile", "pg_consumer", "--profiles-dir", str(folder), "--sources", str(sources), "-q"]) == 0
    # the scaffold's wide model of fct_company (output.denormalized), reading the loaded tables as sources
    plan = resolve_plan(load_config(CONFIG))
    wide = wide_model_sql(plan, plan.tables["fct_company"])
    for table in ("fct_company", "dim_company", "dim_date"):
        wide = wide.replace(f"ref('{table}')", f"source('{SCHEMA}', '{table}')")
    for path, text in {**FILES, "models/fct_company_wide.sql": wide}.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    work, database = folder / "work", folder / "unused.duckdb"
    assert dbt(["deps"], folder, work, database).returncode == 0
    built = dbt(["build"], folder, work, database)
    statuses = results(work)
    snapped = dbt(["snapshot", *LAST_BATCH], folder, work, database)
    assert snapped.returncode == 0, snapped.stdout[-3000:]
    touched = sorted({fault.relation for fault in FAULTS.values()})
    sql(cluster.url, f"create schema {CLEAN}", *(f"create table {CLEAN}.{r.replace('.', '__')} as table {r}" for r in touched))
    return folder, work, statuses, built.stdout


def test_the_build_runs_every_test_green(project):
    folder, work, statuses, stdout = project
    assert statuses and set(statuses.values()) <= {"pass", "success"}, stdout[-4000:]
    tests = [k for k in statuses if k.startswith("test.")]
    for generic in GENERICS:
        assert any(generic in k for k in tests), generic
    done = dbt(["test", "--select", "test_name:snapshot_matches_truth", *LAST_BATCH], folder, work, folder / "unused.duckdb")
    assert set(results(work).values()) == {"pass"}, done.stdout[-3000:]


def test_the_wide_model_equals_the_python_wide_table_on_postgres(cluster, project):  # noqa: F811 (the imported fixture)
    config = load_config(CONFIG)
    tables, _ = generate_arrow(config)
    python = wide_tables(resolve_plan(config), tables)["fct_company_wide"]
    model = _as(query(cluster.url, f"select * from {TARGET}.fct_company_wide"), python.schema)
    assert model.column_names == python.column_names and model.num_rows == python.num_rows > 0
    assert sorted(zip(*(c.to_pylist() for c in model.columns))) == sorted(zip(*(c.to_pylist() for c in python.columns)))


class Fault:
    """A fault (SQL on ``relation``, ``{s}`` the loaded schema, ``{a}`` dbt's) that ``generic``'s
    test must fail on; ``violation`` a reason its failing rows must give."""

    def __init__(self, generic: str, relation: str, *statements: str, violation: str | None = None):
        self.generic, self.relation, self.statements, self.violation = generic, relation, statements, violation


TREATED = f"(select entity_id from {SCHEMA}.truth_entities where treatment_group = 'treatment')"
FIRST_VISIT = "(select company_id, date_key from {a}.tier_by_month order by 1, 2 limit 1)"

# The DuckDB proofs' faults (test_fact_grains, test_breadth_columns_dbt, test_treatment_effect,
# test_dbt_sources, test_quality_staging, test_dbt_scd_practice, test_dbt_snapshots).
FAULTS = {
    "children_sum_to_parent": Fault(
        "children_sum_to_parent",
        f"{SCHEMA}.fct_order_items",
        "update {s}.fct_order_items set line_amount = line_amount + 0.01 where item_id = (select min(item_id) from {s}.fct_order_items)",
    ),
    "rows_follow_driver": Fault(
        "rows_follow_driver", f"{SCHEMA}.fct_orders", "delete from {s}.fct_orders where order_id = (select max(order_id) from {s}.fct_orders)"
    ),
    # happy text at a low position
    "narrative_matches_truth": Fault(
        "narrative_matches_truth", f"{SCHEMA}.fct_company", "update {s}.fct_company set review = 'a great month' where review = 'a slow month'"
    ),
    # the lift taken out of the treated arm
    "treatment_effect_recovered": Fault(
        "treatment_effect_recovered",
        f"{SCHEMA}.fct_company",
        "update {s}.fct_company set activity = activity - (select expected_effect from {s}.truth_treatments where metric = 'activity') "
        f"where company_id in {TREATED} and date_key >= (select start_date_key from {{s}}.truth_treatments where metric = 'activity')",
    ),
    # a company's erp row matched to nothing
    "entity_resolution_matches_truth": Fault(
        "entity_resolution_matches_truth",
        f"{TARGET}.er_match",
        "update {a}.er_match set entity_id = null "
        "where source = 'erp' and entity_id = (select min(entity_id) from {a}.er_match where source = 'erp')",
        violation="missed match",
    ),
    "cleaned_matches_truth": Fault("cleaned_matches_truth", f"{TARGET}.stg_visits", "update {a}.stg_visits set visits = visits + 1"),
    "no_duplicate_keys_after_dedup": Fault(
        "no_duplicate_keys_after_dedup", f"{TARGET}.stg_visits", "insert into {a}.stg_visits select * from {a}.stg_visits limit 1"
    ),
    "late_rows_accounted": Fault("late_rows_accounted", f"{TARGET}.stg_visits", "update {a}.stg_visits set date_key = 20990101"),
    "scd2_label_as_of_matches_truth": Fault(
        "scd2_label_as_of_matches_truth",
        f"{TARGET}.tier_by_month",
        "update {a}.tier_by_month set plan_tier = case when plan_tier = 'pro' then 'free' else 'pro' end "
        f"where (company_id, date_key) = {FIRST_VISIT}",
    ),
    "snapshot_matches_truth-missing": Fault(
        "snapshot_matches_truth",
        f"{TARGET}.company_timestamp",
        "delete from {a}.company_timestamp where company_id = (select min(company_id) from {a}.company_timestamp)",
        violation="missing version",
    ),
    "snapshot_matches_truth-open": Fault(
        "snapshot_matches_truth", f"{TARGET}.company_timestamp", "update {a}.company_timestamp set dbt_valid_to = null", violation="wrong valid_to"
    ),
}


# Faults applied together, one `dbt test` per batch: in a batch no fault touches what another
# batch member's test reads, so each test fails on its own fault only.
BATCHES = (
    ("children_sum_to_parent", "entity_resolution_matches_truth", "scd2_label_as_of_matches_truth", "cleaned_matches_truth"),
    ("rows_follow_driver", "narrative_matches_truth", "no_duplicate_keys_after_dedup", "snapshot_matches_truth-missing"),
    ("treatment_effect_recovered", "late_rows_accounted", "snapshot_matches_truth-open"),
)


def test_the_batches_hold_every_fault_once():
    names = [name for batch in BATCHES for name in batch]
    assert sorted(names) == sorted(FAULTS)
    for batch in BATCHES:
        assert len({FAULTS[n].generic for n in batch}) == len({FAULTS[n].relation for n in batch}) == len(batch), batch


def _generics(work: Path) -> dict[str, str]:
    """unique_id -> generic test name of the tests in the last invocation's manifest."""
    nodes = json.loads((work / "target" / "manifest.json").read_text())["nodes"]
    return {uid: node["test_metadata"]["name"] for uid, node in nodes.items() if node.get("test_metadata")}


@pytest.mark.parametrize("batch", BATCHES, ids=lambda batch: "+".join(batch))
def test_each_test_fails_on_its_fault_on_postgres(cluster, project, batch):  # noqa: F811 (the imported fixture)
    folder, work, _, _ = project
    faults = [FAULTS[name] for name in batch]
    sql(cluster.url, *(statement.format(s=SCHEMA, a=TARGET) for fault in faults for statement in fault.statements))
    try:
        selected = [arg for fault in faults for arg in ("--select", f"test_name:{fault.generic}")]
        done = dbt(["test", *selected, *LAST_BATCH], folder, work, folder / "unused.duckdb")
        statuses, generics, code = results(work), _generics(work), compiled(work)
        for fault in faults:
            mine = [uid for uid in statuses if generics.get(uid) == fault.generic]
            assert mine and {statuses[uid] for uid in mine} == {"fail"}, (fault.generic, done.stdout[-3000:])
            if fault.violation is not None:
                found = set().union(*(query(cluster.url, code[uid])["violation"].to_pylist() for uid in mine))
                assert fault.violation in found, (fault.generic, found)
    finally:
        for fault in faults:
            clean = f"{CLEAN}.{fault.relation.replace('.', '__')}"
            sql(cluster.url, f"truncate {fault.relation}", f"insert into {fault.relation} select * from {clean}")
