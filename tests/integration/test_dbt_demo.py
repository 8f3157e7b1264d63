"""The bundled dbt project: a green build, one generation at any thread count, the seed var, and
every shipped generic test failing on data with the fault it guards against (and passing on the
same selection of the clean warehouse)."""

from __future__ import annotations

import duckdb
import pytest
from dbt_helpers import ROOT, compiled, dbt, faulted, green, keep_build, reads, results

from plotsim_dbt import load_template
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.dbt.scaffold import scaffold

pytestmark = pytest.mark.slow

GENERICS = (
    "row_count_matches_truth",
    "values_within_range",
    "correlation_near_target",
    "lag_recovered",
    "metric_follows_archetype",
    "unique_combination_of_columns",
    "relationships",
    "scd2_valid_history",
    "scd2_matches_truth",
    "fact_points_to_active_version",
    "bridge_matches_truth",
    "archetype_recoverable",
    "no_holdout_leakage",
    "calendar_matches_truth",
)
# Scaffolded with severity warn, as no tolerance makes them safe on clean data (docs/dbt.md, False alarms).
TABLES = {
    "dim_date",
    "dim_plan",
    "dim_feature",
    "dim_company",
    "dim_user",
    "fct_engagement",
    "fct_revenue",
    "fct_support",
    "evt_login",
    "evt_churn",
    "bridge_company_feature",
    "truth_run",
    "truth_entities",
    "truth_trajectory",
    "truth_correlations",
    "truth_lags",
    "truth_metrics",
    "truth_centres",
    "truth_scd_versions",
    "truth_scd_events",
    "truth_bridge_links",
    "truth_holdout",
    "truth_calendar_components",
    "truth_calendar_mixtures",
    "entity_features",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo")
    done = dbt(["build", "--threads", "4"], ROOT, work, work / "demo.duckdb")
    assert done.returncode == 0, done.stdout[-4000:]
    return keep_build(ROOT, work, work / "demo.duckdb", done)


def test_demo_builds_green_and_generates_once_at_four_threads(built):
    assert built.done.stdout.count("plotsim_dbt: generated") == 1
    tests = {k: v for k, v in built.statuses.items() if k.startswith("test.")}
    assert green(tests), {k: v for k, v in tests.items() if v != "pass"}
    for generic in GENERICS:
        assert any(generic in k for k in tests), generic
    for fault in FAULTS.values():
        assert any(fault.node in k for k in tests), fault.node
    assert "test.plotsim_dbt.scd_joins_agree" in tests
    # the exercise (and its test) only builds with --vars '{plotsim_exercises: true}'
    assert not [k for k in built.statuses if "exercise" in k or "scd2_label_as_of_matches_truth" in k]
    con = duckdb.connect(str(built.clean), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    con.close()
    assert TABLES <= tables
    assert "fct_company" not in tables


def test_the_seed_var_changes_the_warehouse_and_the_same_seed_reproduces_it(built, tmp_path):
    database = tmp_path / "seed7.duckdb"
    done = dbt(["run", "--vars", "{plotsim_seed: 7}", "--select", "fct_revenue", "truth_run"], ROOT, tmp_path, database)
    assert done.returncode == 0, done.stdout[-3000:]
    con = duckdb.connect(str(database), read_only=True)
    fact7 = con.sql("select * from fct_revenue order by company_id, date_key").to_arrow_table()
    assert con.execute("select distinct seed from truth_run").fetchall() == [(7,)]
    con.close()
    con = duckdb.connect(str(built.clean), read_only=True)
    fact_default = con.sql("select * from fct_revenue order by company_id, date_key").to_arrow_table()
    con.close()
    assert not fact7.column("mrr").equals(fact_default.column("mrr"))
    expected, _ = generate_arrow(load_template("saas"), seed=7)
    assert fact7.equals(expected["fct_revenue"].cast(fact7.schema))


class Fault:
    """SQL that breaks `model` in the way `generic` guards against. `node` picks the test node
    (of the selection `test_name:<generic>,<model>`) that must fail; `violation`, where the
    test reports one, is a reason its failing rows must give. `status` is what dbt reports for the
    node: "warn" for a test the scaffold gives severity warn."""

    def __init__(self, generic: str, model: str, node: str, *sql: str, violation: str | None = None, status: str = "fail"):
        self.generic, self.model, self.node, self.sql, self.violation, self.status = generic, model, node, sql, violation, status

    @property
    def selector(self) -> str:
        return f"test_name:{self.generic},{self.model}"


# The company of the first SCD2 change: it has at least two dim_company versions.
CHANGED = "(select min(company_id) from dim_company where not is_current)"

FAULTS = {
    "row_count_matches_truth": Fault(
        "row_count_matches_truth",
        "fct_revenue",
        "row_count_matches_truth_fct_revenue_",
        "delete from fct_revenue where company_id <= 3",
    ),
    "values_within_range": Fault(
        "values_within_range",
        "fct_revenue",
        "values_within_range_fct_revenue_mrr.",
        "update fct_revenue set mrr = 999999 where company_id = 1 and date_key = (select min(date_key) from fct_revenue where company_id = 1)",
    ),
    "unique_combination_of_columns": Fault(
        "unique_combination_of_columns",
        "fct_revenue",
        "unique_combination_of_columns_fct_revenue_date_key__company_id.",
        "insert into fct_revenue select * from fct_revenue limit 1",
    ),
    "correlation_near_target": Fault(
        "correlation_near_target",
        "fct_engagement",
        "correlation_near_target_fct_engagement_engagement__feature_adoption__company_id.",
        "create or replace table fct_engagement as select f.* replace (s.engagement as engagement) from "
        "(select *, row_number() over (order by company_id, date_key) as rn from fct_engagement) f join "
        "(select engagement, row_number() over (order by hash(company_id * 1000 + date_key::bigint)) as rn "
        "from fct_engagement) s using (rn)",
    ),
    "lag_recovered": Fault(
        "lag_recovered",
        "fct_support",
        "lag_recovered_fct_support_engagement__company_id__support_tickets__",
        "create or replace table fct_support as select * replace (coalesce(lag(support_tickets) over "
        "(partition by company_id order by date_key), support_tickets) as support_tickets) from fct_support",
        status="warn",
    ),
    "metric_follows_archetype": Fault(
        "metric_follows_archetype",
        "fct_engagement",
        "metric_follows_archetype_fct_engagement_engagement__company_id.",
        "create or replace table fct_engagement as select f.* replace (s.engagement as engagement) from "
        "(select *, row_number() over (order by company_id, date_key) as rn from fct_engagement) f join "
        "(select engagement, row_number() over (order by hash(date_key::bigint * 7919 + company_id)) as rn "
        "from fct_engagement) s using (rn)",
    ),
    # one company's old version runs a month into its next one
    "scd2_valid_history-overlap": Fault(
        "scd2_valid_history",
        "dim_company",
        "scd2_valid_history_dim_company_company_id.",
        f"update dim_company set valid_to = cast(valid_to + interval 1 month as date) where company_id = {CHANGED} and not is_current",
        violation="overlaps the next version",
    ),
    # one company's old version is reopened: two current rows, both open-ended
    "scd2_valid_history-two_current": Fault(
        "scd2_valid_history",
        "dim_company",
        "scd2_valid_history_dim_company_company_id.",
        f"update dim_company set valid_to = null, is_current = true "
        f"where dim_row_id = (select min(dim_row_id) from dim_company where company_id = {CHANGED})",
        violation="2 current versions (expected 1)",
    ),
    # one version carries another (still accepted) plan_tier label
    "scd2_matches_truth": Fault(
        "scd2_matches_truth",
        "dim_company",
        "scd2_matches_truth_dim_company_plan_tier__company_id.",
        "update dim_company set plan_tier = case when plan_tier = 'pro' then 'starter' else 'pro' end "
        "where dim_row_id = (select min(dim_row_id) from dim_company)",
        violation="different version",
    ),
    # one revenue row points at a version of another company (in force at its date)
    "fact_points_to_active_version-other_company": Fault(
        "fact_points_to_active_version",
        "fct_revenue",
        "fact_points_to_active_version_fct_revenue_dim_row_id__",
        "update fct_revenue set dim_row_id = (select min(dim_row_id) from dim_company where company_id = 2) "
        "where company_id = 1 and date_key = (select min(date_key) from fct_revenue where company_id = 1)",
        violation="version belongs to another key",
    ),
    # the rows of a company's current version point at its previous version instead
    "fact_points_to_active_version-previous_version": Fault(
        "fact_points_to_active_version",
        "fct_revenue",
        "fact_points_to_active_version_fct_revenue_dim_row_id__",
        f"update fct_revenue set dim_row_id = (select max(dim_row_id) from dim_company "
        f"where company_id = {CHANGED} and not is_current) "
        f"where dim_row_id = (select dim_row_id from dim_company where company_id = {CHANGED} and is_current)",
        violation="version not in force at the date",
    ),
    "bridge_matches_truth-missing": Fault(
        "bridge_matches_truth",
        "bridge_company_feature",
        "bridge_matches_truth_bridge_company_feature_company_id__feature_id.",
        "delete from bridge_company_feature where company_id = 1 "
        "and feature_id = (select min(feature_id) from bridge_company_feature where company_id = 1)",
        violation="missing link",
    ),
    "bridge_matches_truth-duplicated": Fault(
        "bridge_matches_truth",
        "bridge_company_feature",
        "bridge_matches_truth_bridge_company_feature_company_id__feature_id.",
        "insert into bridge_company_feature select * from bridge_company_feature where company_id = 1 order by feature_id limit 1",
        violation="duplicated link",
    ),
    # the slope feature shuffled across companies: it no longer tells the archetypes apart
    "archetype_recoverable": Fault(
        "archetype_recoverable",
        "entity_features",
        "archetype_recoverable_entity_features_nps_slope__company_id.",
        "create or replace table entity_features as select f.* replace (s.nps_slope as nps_slope) from "
        "(select *, row_number() over (order by company_id) as rn from entity_features) f join "
        "(select nps_slope, row_number() over (order by hash(company_id * 7919)) as rn from entity_features) s using (rn)",
        status="warn",
    ),
    # engagement_mean computed over the whole window, holdout periods included
    "no_holdout_leakage": Fault(
        "no_holdout_leakage",
        "entity_features",
        "no_holdout_leakage_entity_features_date_key__company_id__ref_fct_engagement_",
        "create or replace table entity_features as select f.* replace (w.full_mean as engagement_mean) from entity_features f "
        "join (select company_id, avg(engagement) as full_mean from fct_engagement group by 1) w using (company_id)",
    ),
    # every login twelve hours late: mornings become evenings, for each company and in total
    "calendar_matches_truth-pooled": Fault(
        "calendar_matches_truth",
        "evt_login",
        "calendar_matches_truth_evt_login_company_id__pooled__logged_in_at.",
        "update evt_login set logged_in_at = logged_in_at + interval 12 hour",
    ),
    # login timestamps shuffled across companies: each company's weekly pattern is lost
    "calendar_matches_truth": Fault(
        "calendar_matches_truth",
        "evt_login",
        "calendar_matches_truth_evt_login_company_id__entity__logged_in_at.",
        "create or replace table evt_login as select f.* replace (s.logged_in_at as logged_in_at) from "
        "(select *, row_number() over (order by login_id) as rn from evt_login) f join "
        "(select logged_in_at, row_number() over (order by hash(login_id)) as rn from evt_login) s using (rn)",
    ),
}


# Faults applied together, one `dbt test` per batch. No fault of a batch changes a table that
# another member's tests read (checked on the manifest), so each test fails on its own fault, as
# if alone. A batch holds one severity, so dbt's exit code is still checked for warn and for fail.
BATCHES = (
    (
        "row_count_matches_truth",
        "scd2_valid_history-overlap",
        "correlation_near_target",
        "bridge_matches_truth-missing",
        "calendar_matches_truth-pooled",
    ),
    (
        "values_within_range",
        "scd2_valid_history-two_current",
        "metric_follows_archetype",
        "bridge_matches_truth-duplicated",
        "calendar_matches_truth",
    ),
    ("unique_combination_of_columns", "scd2_matches_truth"),
    ("fact_points_to_active_version-other_company",),
    ("fact_points_to_active_version-previous_version",),
    # its tests read fct_engagement and fct_revenue too
    ("no_holdout_leakage",),
    ("lag_recovered", "archetype_recoverable"),
)


def test_the_batches_hold_every_fault_once_one_table_and_severity_each():
    assert sorted(name for batch in BATCHES for name in batch) == sorted(FAULTS)
    for batch in BATCHES:
        assert len({FAULTS[name].model for name in batch}) == len(batch), batch
        assert len({FAULTS[name].status for name in batch}) == 1, batch


@pytest.mark.parametrize("batch", BATCHES, ids="+".join)
def test_each_generic_test_fails_on_its_fault(built, batch):
    faults = [FAULTS[name] for name in batch]
    statements = [statement for fault in faults for statement in fault.sql]
    with faulted(built, ["test", "--select", *(fault.selector for fault in faults)], *statements) as done:
        statuses, read, sql = results(built.work), reads(built.work), compiled(built.work)
        assert statuses, done.stdout[-3000:]
        assert done.returncode == (1 if faults[0].status == "fail" else 0)
        con, claimed = duckdb.connect(str(built.database), read_only=True), set()
        try:
            for fault in faults:
                selected = {k for k in statuses if k.startswith("test.") and fault.generic in k and fault.model in k}
                changed_by_others = {other.model for other in faults} - {fault.model}
                assert not any(read[k] & changed_by_others for k in selected), (fault.generic, {k: read[k] for k in selected})
                failing = {k for k in selected if fault.node in k}
                assert failing and {statuses[k] for k in failing} == {fault.status}, (fault.generic, statuses)
                if fault.violation is not None:
                    found = set().union(*({r[0] for r in con.sql(sql[node]).select("violation").fetchall()} for node in failing))
                    assert fault.violation in found, (fault.generic, found)
                claimed |= selected
        finally:
            con.close()
        assert claimed == set(statuses), "only the faults' test nodes ran"


def test_clean_copy_passes_every_fault_selection(built):
    """The same test nodes pass on an untouched copy of the warehouse."""
    with faulted(built, ["test", "--select", *sorted({fault.selector for fault in FAULTS.values()})]) as done:
        statuses = results(built.work)
    assert done.returncode == 0, done.stdout[-3000:]
    assert green(statuses), {k: v for k, v in statuses.items() if v != "pass"}
    for fault in FAULTS.values():
        assert any(fault.node in k for k in statuses), fault.node


def test_committed_demo_models_match_a_fresh_scaffold(tmp_path):
    scaffold(load_template("saas"), "saas", tmp_path, demo=True)
    committed = ROOT / "models" / "plotsim"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in committed.iterdir())
    for fresh in tmp_path.iterdir():
        assert fresh.read_text() == (committed / fresh.name).read_text(), fresh.name
