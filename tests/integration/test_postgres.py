"""The PostgreSQL path: `plotsim-dbt load` into a throwaway cluster reads back identical to the
DuckDB warehouse; a dbt-postgres project on the loaded sources builds green (every shipped generic
test, the SCD practice models and their join-agreement test) and every generic test fails on its
fault there. One cluster (initdb in a temporary folder, 127.0.0.1, a free port) serves the module."""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from dbt_helpers import ROOT, WARNINGS, compiled, dbt, results
from pg_cluster import postgres_bin, start_cluster

from plotsim_dbt import load_template
from plotsim_dbt.cli.main import main
from plotsim_dbt.config import ConfigError
from plotsim_dbt.dbt.scaffold import model_names
from plotsim_dbt.load.postgres import profile_url
from plotsim_dbt.pipeline import Views, generate_into
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.sinks.duckdb_file import DuckDBSink

adbc = pytest.importorskip("adbc_driver_postgresql.dbapi", reason="the postgres extra (adbc-driver-postgresql) is not installed")
pytest.importorskip("dbt.adapters.postgres", reason="the postgres extra (dbt-postgres) is not installed")
pytestmark = pytest.mark.slow

SCHEMA = "plotsim"
CLEAN = "plotsim_clean"  # an untouched copy; each fault test restores its table from it


@pytest.fixture(scope="module")
def cluster():
    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server = start_cluster()
    yield server
    server.stop()


def sql(url: str, *statements: str) -> None:
    with adbc.connect(url) as con, con.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        con.commit()


def query(url: str, statement: str) -> pa.Table:
    with adbc.connect(url) as con, con.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetch_arrow_table()


PROFILE = """pg_consumer:
  target: dev
  outputs:
    dev:
      type: postgres
      host: 127.0.0.1
      port: {port}
      user: "{{{{ env_var('PLOTSIM_TEST_PG_USER', 'postgres') }}}}"
      password: ""
      dbname: postgres
      schema: analytics
      threads: 2
"""


@pytest.fixture(scope="module")
def project(cluster, tmp_path_factory):
    """A dbt-postgres project whose warehouse `plotsim-dbt load --profile` wrote (sources form)."""
    folder = tmp_path_factory.mktemp("pg_project")
    (folder / "profiles.yml").write_text(PROFILE.format(port=cluster.port))
    (folder / "dbt_project.yml").write_text(
        "name: pg_consumer\nversion: '1.0.0'\nconfig-version: 2\nprofile: pg_consumer\n"
        f"models:\n  pg_consumer:\n    +materialized: table\nvars:\n  plotsim_source: {SCHEMA}\n"
    )
    (folder / "packages.yml").write_text(f"packages:\n  - local: {ROOT}\n")
    sources = folder / "models" / "plotsim" / "_plotsim__sources.yml"
    assert main(["load", "saas", "--profile", "pg_consumer", "--profiles-dir", str(folder), "--sources", str(sources), "-q"]) == 0
    _copy_scd_practice(folder)
    tables = yaml.safe_load(sources.read_text())["sources"][0]["tables"]
    sql(cluster.url, f"create schema {CLEAN}", *(f"create table {CLEAN}.{t['name']} as table {SCHEMA}.{t['name']}" for t in tables))
    work = folder / "work"
    assert dbt(["deps"], folder, work, folder / "unused.duckdb").returncode == 0
    return folder, work


SOURCED = ("dim_company", "fct_revenue", "dim_date", "truth_scd_events", "truth_entities", "truth_lifecycle")


def _copy_scd_practice(folder) -> None:
    """The demo's SCD practice models and their test, unchanged but for reading the loaded
    tables as sources and being enabled."""
    enabled = "project_name == 'plotsim_dbt' or var('plotsim_build_demo', false)"
    for source, target in [(ROOT / "models" / "scd_practice", folder / "models" / "scd_practice"), (ROOT / "tests" / "dbt", folder / "tests")]:
        target.mkdir(parents=True)
        for path in source.iterdir():
            text = path.read_text().replace(f'"{{{{ {enabled} }}}}"', "true").replace(enabled, "true")
            for table in SOURCED:
                text = text.replace(f"ref('{table}')", f"source('{SCHEMA}', '{table}')")
            (target / path.name).write_text(text)


def _checksum(table: pa.Table) -> str:
    """Order-free: the rows sorted on every column, hashed."""
    table = table.sort_by([(name, "ascending") for name in table.column_names])
    digest = hashlib.sha256()
    for column in table.columns:
        digest.update(repr(column.to_pylist()).encode())
    return digest.hexdigest()


def _as(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A table read back from PostgreSQL in the types it was loaded from (NUMERIC arrives as text)."""
    columns = []
    for field in schema:
        column = table[field.name]
        if isinstance(column.type, pa.ExtensionType):
            column = pa.chunked_array([chunk.storage for chunk in column.chunks], column.type.storage_type)
        columns.append(pc.cast(column, field.type))
    return pa.table(columns, schema=schema)


def test_load_reads_back_identical_to_the_duckdb_warehouse(cluster, project, tmp_path):
    plan = resolve_plan(load_template("saas"))
    with DuckDBSink(tmp_path / "duck") as sink:
        generate_into(plan, sink, views=Views(features="entity_features"))
    con = duckdb.connect(str(tmp_path / "duck" / "warehouse.duckdb"), read_only=True)
    names = model_names(plan)
    assert len(names) > 25
    for name in names:
        local = con.sql(f'select * from "{name}"').fetch_arrow_table()
        loaded = _as(query(cluster.url, f'select * from {SCHEMA}."{name}"'), local.schema)
        assert loaded.num_rows == local.num_rows, name
        assert _checksum(loaded) == _checksum(local), name
    con.close()


def test_a_failed_load_keeps_the_previous_schema_and_leaves_no_staging(cluster, project):
    from plotsim_dbt.sinks.postgres import STAGING_SUFFIX, PostgresSink

    before = query(cluster.url, f"select count(*) as n from {SCHEMA}.fct_revenue")["n"][0].as_py()
    with pytest.raises(RuntimeError, match="stop"), PostgresSink(cluster.url, SCHEMA) as sink:
        sink.write("fct_revenue", pa.table({"company_id": pa.array([1], pa.int64())}))
        raise RuntimeError("stop")
    assert query(cluster.url, f"select count(*) as n from {SCHEMA}.fct_revenue")["n"][0].as_py() == before
    schemas = query(cluster.url, "select schema_name from information_schema.schemata")["schema_name"].to_pylist()
    assert SCHEMA in schemas and SCHEMA + STAGING_SUFFIX not in schemas


def test_profile_url_reads_the_target_and_names_what_is_missing(tmp_path, monkeypatch):
    (tmp_path / "profiles.yml").write_text(PROFILE.format(port=6543).replace('password: ""', 'password: "p@ss"'))
    monkeypatch.setenv("PLOTSIM_TEST_PG_USER", "ana")
    assert profile_url("pg_consumer", None, tmp_path) == "postgresql://ana:p%40ss@127.0.0.1:6543/postgres"
    with pytest.raises(ConfigError, match="no target 'prod'"):
        profile_url("pg_consumer", "prod", tmp_path)
    with pytest.raises(ConfigError, match="no profile 'other'"):
        profile_url("other", None, tmp_path)


# Test nodes that fail on the clean saas warehouse on DuckDB as well, from the same rows and the
# same SQL (checked): not PostgreSQL differences. The slopes of these metrics do not separate the
# retold template's archetypes, and scd_history_from_events starts every company at the window's
# first period and follows plan_tier changes only, while truth_scd_versions has arrivals and stage
# versions too.
GENERICS = (
    "row_count_matches_truth",
    "values_within_range",
    "correlation_near_target",
    "lag_recovered",
    "metric_follows_archetype",
    "metric_scaled_by_dimension",
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


def test_dbt_build_on_the_loaded_sources_passes_every_test(project):
    folder, work = project
    done = dbt(["build"], folder, work, folder / "unused.duckdb")
    statuses = results(work)
    tests = {k: v for k, v in statuses.items() if k.startswith("test.")}
    unexpected = {k: v for k, v in statuses.items() if v not in ("pass", "success")}
    assert not unexpected, done.stdout[-4000:]
    for generic in GENERICS:
        assert any(generic in k for k in tests), generic
    for model in ("scd_join_by_row_id", "scd_join_by_date", "scd_as_of", "scd_current_state", "scd_history_from_events"):
        assert statuses[f"model.pg_consumer.{model}"] == "success"
    assert tests["test.pg_consumer.scd_joins_agree"] == "pass"
    assert any("scd2_valid_history_scd_history_from_events" in k and v == "pass" for k, v in tests.items())


def _shuffle(table: str, column: str, key: str) -> str:
    """Reassign ``column`` across the rows of ``table`` in a fixed pseudo-random order (md5 of ``key``)."""
    return (
        f"update {{s}}.{table} as t set {column} = s.{column} from "
        f"(select {key}, row_number() over (order by {key}) as rn from {{s}}.{table}) as k join "
        f"(select {column}, row_number() over (order by md5(({key})::text)) as rn from {{s}}.{table}) as s using (rn) "
        f"where ({', '.join(f't.{c.strip()}' for c in key.split(','))}) = ({', '.join(f'k.{c.strip()}' for c in key.split(','))})"
    )


class Fault:
    """The DuckDB demo's faults (tests/integration/test_dbt_demo.py) in PostgreSQL's SQL, on the
    loaded source ``table``; ``node`` picks the test node that must fail, ``violation`` a reason
    its failing rows must give, ``status`` what dbt reports for the node (warn for the tests
    scaffolded as warnings)."""

    def __init__(self, generic: str, table: str, node: str, *statements: str, violation: str | None = None):
        self.generic, self.table, self.node, self.statements, self.violation = generic, table, node, statements, violation
        self.status = "warn" if any(generic == w for w in WARNINGS) else "fail"

    @property
    def selector(self) -> str:
        return f"test_name:{self.generic},source:{SCHEMA}.{self.table}"


CHANGED = "(select min(company_id) from {s}.dim_company where not is_current)"

FAULTS = {
    "row_count_matches_truth": Fault(
        "row_count_matches_truth", "fct_revenue", "row_count_matches_truth_plotsim_fct_revenue_", "delete from {s}.fct_revenue where company_id <= 3"
    ),
    "values_within_range": Fault(
        "values_within_range",
        "fct_revenue",
        "values_within_range_plotsim_fct_revenue_mrr",
        # one row far above truth_metrics' max_value (the first row: companies arrive during the window)
        "update {s}.fct_revenue set mrr = 999999 where (company_id, date_key) = "
        "(select company_id, date_key from {s}.fct_revenue order by company_id, date_key limit 1)",
    ),
    "unique_combination_of_columns": Fault(
        "unique_combination_of_columns",
        "fct_revenue",
        "unique_combination_of_columns_plotsim_fct_revenue_",
        "insert into {s}.fct_revenue select * from {s}.fct_revenue limit 1",
    ),
    "correlation_near_target": Fault(
        "correlation_near_target",
        "fct_engagement",
        "correlation_near_target_plotsim_fct_engagement_engagement_",
        _shuffle("fct_engagement", "engagement", "company_id, date_key"),
    ),
    "lag_recovered": Fault(
        "lag_recovered",
        "fct_support",
        "lag_recovered_plotsim_fct_support_",
        "update {s}.fct_support as t set support_tickets = l.previous from (select company_id, date_key, "
        "coalesce(lag(support_tickets) over (partition by company_id order by date_key), support_tickets) as previous "
        "from {s}.fct_support) as l where t.company_id = l.company_id and t.date_key = l.date_key",
    ),
    "metric_follows_archetype": Fault(
        "metric_follows_archetype",
        "fct_revenue",
        "metric_follows_archetype_plotsim_fct_revenue_expansion_revenue",
        _shuffle("fct_revenue", "expansion_revenue", "company_id, date_key"),
    ),
    # the price list ignored: every tier charged double
    "metric_scaled_by_dimension": Fault(
        "metric_scaled_by_dimension",
        "fct_revenue",
        "metric_scaled_by_dimension_plotsim_fct_revenue_mrr",
        "update {s}.fct_revenue set mrr = mrr * 2 + 1000",
    ),
    "scd2_valid_history-overlap": Fault(
        "scd2_valid_history",
        "dim_company",
        "scd2_valid_history_plotsim_dim_company_company_id",
        f"update {{s}}.dim_company set valid_to = (valid_to + interval '1 month')::date where company_id = {CHANGED} and not is_current",
        violation="overlaps the next version",
    ),
    "scd2_valid_history-two_current": Fault(
        "scd2_valid_history",
        "dim_company",
        "scd2_valid_history_plotsim_dim_company_company_id",
        f"update {{s}}.dim_company set valid_to = null, is_current = true "
        f"where dim_row_id = (select min(dim_row_id) from {{s}}.dim_company where company_id = {CHANGED})",
        violation="2 current versions (expected 1)",
    ),
    "scd2_matches_truth": Fault(
        "scd2_matches_truth",
        "dim_company",
        "scd2_matches_truth_plotsim_dim_company_plan_tier__company_id",
        "update {s}.dim_company set plan_tier = case when plan_tier = 'pro' then 'starter' else 'pro' end "
        "where dim_row_id = (select min(dim_row_id) from {s}.dim_company)",
        violation="different version",
    ),
    "fact_points_to_active_version-other_company": Fault(
        "fact_points_to_active_version",
        "fct_revenue",
        "fact_points_to_active_version_plotsim_fct_revenue_dim_row_id",
        "update {s}.fct_revenue set dim_row_id = (select min(dim_row_id) from {s}.dim_company where company_id = 2) "
        "where company_id = 1 and date_key = (select min(date_key) from {s}.fct_revenue where company_id = 1)",
        violation="version belongs to another key",
    ),
    "fact_points_to_active_version-previous_version": Fault(
        "fact_points_to_active_version",
        "fct_revenue",
        "fact_points_to_active_version_plotsim_fct_revenue_dim_row_id",
        f"update {{s}}.fct_revenue set dim_row_id = (select max(dim_row_id) from {{s}}.dim_company where company_id = {CHANGED} and not is_current) "
        f"where dim_row_id = (select dim_row_id from {{s}}.dim_company where company_id = {CHANGED} and is_current)",
        violation="version not in force at the date",
    ),
    "bridge_matches_truth-missing": Fault(
        "bridge_matches_truth",
        "bridge_company_feature",
        "bridge_matches_truth_plotsim_bridge_company_feature_",
        "delete from {s}.bridge_company_feature where company_id = 1 "
        "and feature_id = (select min(feature_id) from {s}.bridge_company_feature where company_id = 1)",
        violation="missing link",
    ),
    "bridge_matches_truth-duplicated": Fault(
        "bridge_matches_truth",
        "bridge_company_feature",
        "bridge_matches_truth_plotsim_bridge_company_feature_",
        "insert into {s}.bridge_company_feature select * from {s}.bridge_company_feature where company_id = 1 order by feature_id limit 1",
        violation="duplicated link",
    ),
    # nps_slope: a slope the scaffold checks (its metric's trajectory loading is high)
    "archetype_recoverable": Fault(
        "archetype_recoverable",
        "entity_features",
        "archetype_recoverable_plotsim_entity_features_nps_slope",
        _shuffle("entity_features", "nps_slope", "company_id"),
    ),
    "no_holdout_leakage": Fault(
        "no_holdout_leakage",
        "entity_features",
        "no_holdout_leakage_plotsim_entity_features_date_key__company_id__source_plotsim_fct_engagement",
        "update {s}.entity_features as e set engagement_mean = w.full_mean from "
        "(select company_id, avg(engagement) as full_mean from {s}.fct_engagement group by 1) as w "
        "where e.company_id = w.company_id",
    ),
    "calendar_matches_truth-pooled": Fault(
        "calendar_matches_truth",
        "evt_login",
        "calendar_matches_truth_plotsim_evt_login_company_id__pooled_",
        "update {s}.evt_login set logged_in_at = logged_in_at + interval '12 hours'",
    ),
    "calendar_matches_truth": Fault(
        "calendar_matches_truth",
        "evt_login",
        "calendar_matches_truth_plotsim_evt_login_company_id__entity_",
        _shuffle("evt_login", "logged_in_at", "login_id"),
    ),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_generic_test_fails_on_its_fault_on_postgres(cluster, project, name):
    folder, work = project
    fault = FAULTS[name]
    sql(cluster.url, *(statement.format(s=SCHEMA) for statement in fault.statements))
    try:
        done = dbt(["test", "--select", fault.selector], folder, work, folder / "unused.duckdb")
        statuses = results(work)
        failing = {k for k, s in statuses.items() if fault.node in k}
        assert failing and {statuses[k] for k in failing} == {fault.status}, done.stdout[-3000:]
        assert all(fault.generic in k and fault.table in k for k in statuses), statuses
        if fault.violation is not None:
            code = compiled(work)
            found = set().union(*(query(cluster.url, code[node])["violation"].to_pylist() for node in failing))
            assert fault.violation in found, found
    finally:
        sql(cluster.url, f"truncate {SCHEMA}.{fault.table}", f"insert into {SCHEMA}.{fault.table} select * from {CLEAN}.{fault.table}")


def test_clean_warehouse_passes_every_fault_selection(project):
    folder, work = project
    selectors = sorted({fault.selector for fault in FAULTS.values()})
    done = dbt(["test", "--select", *selectors], folder, work, folder / "unused.duckdb")
    statuses = results(work)
    for fault in FAULTS.values():
        nodes = {k: v for k, v in statuses.items() if fault.node in k}
        assert nodes and set(nodes.values()) == {"pass"}, done.stdout[-3000:]
