"""The bundled dbt project: a green build, one generation at any thread count, the seed var, and
every shipped generic test failing on data with the fault it guards against."""

from __future__ import annotations

import shutil

import duckdb
import pyarrow as pa
import pytest

from plotsim_dbt import load_template
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.dbt.scaffold import scaffold

from dbt_helpers import ROOT, dbt, results

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo")
    database = work / "demo.duckdb"
    done = dbt(["build", "--threads", "4"], ROOT, work, database)
    assert done.returncode == 0, done.stdout[-4000:]
    return work, database, done.stdout


def test_demo_builds_green_and_generates_once_at_four_threads(built):
    work, database, stdout = built
    assert stdout.count("plotsim_dbt: generated") == 1
    statuses = results(work)
    tests = {k: v for k, v in statuses.items() if k.startswith("test.")}
    assert tests and set(tests.values()) == {"pass"}
    for generic in ("row_count_matches_truth", "values_within_range", "correlation_near_target", "lag_recovered",
                    "metric_follows_archetype", "unique_combination_of_columns", "relationships"):
        assert any(generic in k for k in tests), generic
    con = duckdb.connect(str(database), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    con.close()
    assert {"dim_date", "dim_company", "fct_company", "truth_run", "truth_entities", "truth_trajectory",
            "truth_correlations", "truth_lags", "truth_metrics", "truth_centres"} <= tables


def test_the_seed_var_changes_the_warehouse_and_the_same_seed_reproduces_it(built, tmp_path):
    _, default_db, _ = built
    database = tmp_path / "seed7.duckdb"
    done = dbt(["run", "--vars", "{plotsim_seed: 7}", "--select", "fct_company", "truth_run"], ROOT, tmp_path, database)
    assert done.returncode == 0, done.stdout[-3000:]
    con = duckdb.connect(str(database), read_only=True)
    fact7 = con.sql("select * from fct_company order by company_id, date_key").to_arrow_table()
    assert con.execute("select distinct seed from truth_run").fetchall() == [(7,)]
    con.close()
    con = duckdb.connect(str(default_db), read_only=True)
    fact_default = con.sql("select * from fct_company order by company_id, date_key").to_arrow_table()
    con.close()
    assert not fact7.column("mrr").equals(fact_default.column("mrr"))
    expected, _ = generate_arrow(load_template("saas"), seed=7)
    assert fact7.equals(expected["fct_company"].cast(fact7.schema))


FAULTS = {
    "row_count_matches_truth": ("fct_company", "delete from fct_company where company_id <= 3"),
    "values_within_range": ("fct_company", "update fct_company set mrr = 999999 where company_id = 1 and date_key = 20230101"),
    "unique_combination_of_columns": ("fct_company", "insert into fct_company select * from fct_company limit 1"),
    "correlation_near_target": (
        "fct_company",
        "create or replace table fct_company as select f.* replace (s.engagement as engagement) from "
        "(select *, row_number() over (order by company_id, date_key) as rn from fct_company) f join "
        "(select engagement, row_number() over (order by hash(company_id * 1000 + date_key::bigint)) as rn from fct_company) s using (rn)",
    ),
    "lag_recovered": (
        "fct_company",
        "create or replace table fct_company as select * replace (coalesce(lag(support_tickets) over "
        "(partition by company_id order by date_key), support_tickets) as support_tickets) from fct_company",
    ),
    "metric_follows_archetype": (
        "fct_company",
        "create or replace table fct_company as select f.* replace (s.mrr as mrr) from "
        "(select *, row_number() over (order by company_id, date_key) as rn from fct_company) f join "
        "(select mrr, row_number() over (order by hash(date_key::bigint * 7919 + company_id)) as rn from fct_company) s using (rn)",
    ),
}


@pytest.mark.parametrize("generic", sorted(FAULTS))
def test_each_generic_test_fails_on_its_fault(built, tmp_path, generic):
    work, database, _ = built
    model, fault = FAULTS[generic]
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(database, broken)
    con = duckdb.connect(str(broken))
    con.execute(fault)
    con.close()
    done = dbt(["test", "--select", f"test_name:{generic},{model}"], ROOT, tmp_path, broken)
    statuses = results(tmp_path)
    assert statuses, done.stdout[-3000:]
    assert done.returncode == 1
    assert "fail" in {s for k, s in statuses.items() if generic in k}, statuses


def test_committed_demo_models_match_a_fresh_scaffold(tmp_path):
    scaffold(load_template("saas"), "saas", tmp_path, demo=True)
    committed = ROOT / "models" / "plotsim"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in committed.iterdir())
    for fresh in tmp_path.iterdir():
        assert fresh.read_text() == (committed / fresh.name).read_text(), fresh.name


def test_clean_copy_passes_the_same_selection(built, tmp_path):
    work, database, _ = built
    clean = tmp_path / "clean.duckdb"
    shutil.copyfile(database, clean)
    done = dbt(["test", "--select", "fct_company"], ROOT, tmp_path, clean)
    assert done.returncode == 0, done.stdout[-3000:]
    assert set(results(tmp_path).values()) == {"pass"}
