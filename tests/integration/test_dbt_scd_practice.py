"""The SCD2 practice models and the exercise: the two point-in-time joins of models/scd_practice
agree on the demo warehouse and tests/dbt/scd_joins_agree.sql catches a misdated history; the
shipped exercise stub fails its test and the reference answer of docs/scd2.md passes it.

One build (with the exercise enabled) serves every test; the fault is applied to the build's own
database (the clean one put back after), the answer to copies of its database and of the project."""

from __future__ import annotations

import re

import duckdb
import pytest
from dbt_helpers import ROOT, compiled, copy_database, copy_project, dbt, faulted, keep_build, results

pytestmark = pytest.mark.slow

EXERCISES = ["--vars", "{plotsim_exercises: true}"]
EXERCISE_SQL = "models/scd_exercises/exercise_tier_by_month.sql"
AGREE = "test.plotsim_dbt.scd_joins_agree"
JOINS = ("model.plotsim_dbt.scd_join_by_row_id", "model.plotsim_dbt.scd_join_by_date")


def _exercise_test(statuses: dict[str, str]) -> str:
    [node] = [k for k in statuses if k.startswith("test.") and "scd2_label_as_of_matches_truth" in k and "exercise_tier_by_month" in k]
    return node


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The whole project built with the exercise enabled: green except the stub's test."""
    work = tmp_path_factory.mktemp("scd")
    database = work / "scd.duckdb"
    done = dbt(["build", "--threads", "4", *EXERCISES], ROOT, work, database)
    assert results(work), done.stdout[-4000:]
    return keep_build(ROOT, work, database, done)


def test_the_two_point_in_time_joins_agree_on_the_demo(built):
    database, statuses = built.clean, built.statuses
    assert statuses[AGREE] == "pass"
    assert all(statuses[model] == "success" for model in JOINS)
    con = duckdb.connect(str(database), read_only=True)
    facts = con.execute("select count(*) from fct_revenue").fetchone()[0]
    by_row_id = con.execute("select count(*), count(plan_tier) from scd_join_by_row_id").fetchone()
    by_date = con.execute("select count(*), count(plan_tier) from scd_join_by_date").fetchone()
    changed = con.execute("select count(distinct company_id) from dim_company where not is_current").fetchone()[0]
    con.close()
    # every fact row is kept and gets a tier, and there is history to get wrong (companies that changed tier)
    assert by_row_id == by_date == (facts, facts)
    assert changed > 0


def test_the_shipped_exercise_stub_fails_its_test(built):
    database, done, statuses = built.clean, built.done, built.statuses
    node = _exercise_test(statuses)
    assert statuses[node] == "fail"
    assert statuses["model.plotsim_dbt.exercise_tier_by_month"] == "success"
    # nothing else fails: the stub's test is the only reason the build is red
    assert {k for k, s in statuses.items() if s not in ("pass", "success")} == {node}
    assert done.returncode == 1
    con = duckdb.connect(str(database), read_only=True)
    rel = con.sql(built.sql[node])
    violations = {r[0] for r in rel.select("violation").fetchall()}
    failing = len(rel.fetchall())
    facts = con.execute("select count(*) from fct_revenue").fetchone()[0]
    con.close()
    assert violations == {"wrong label"} and failing == facts


def test_scd_joins_agree_fails_when_one_company_history_is_shifted(built):
    """Move every change date of one company a month later: the history stays well-formed (its
    scd2_valid_history test passes) but the date join now picks the old version for the month of
    each change, while the fact rows still carry the new version's dim_row_id. (The exercise vars
    of the build keep its parse; the exercise is not selected.)"""
    company = "(select min(company_id) from dim_company where not is_current)"
    selection = ["--select", *[m.split(".")[-1] for m in JOINS], "scd_joins_agree", "test_name:scd2_valid_history,dim_company"]
    with faulted(
        built,
        ["build", *selection, *EXERCISES],
        f"update dim_company set valid_to = cast(valid_to + interval 1 month as date) where company_id = {company} and valid_to is not null",
        f"update dim_company set valid_from = cast(valid_from + interval 1 month as date) "
        f"where company_id = {company} and valid_from > (select min(valid_from) from dim_company where company_id = {company})",
    ) as done:
        statuses = results(built.work)
        assert statuses, done.stdout[-3000:]
        assert all(statuses[model] == "success" for model in JOINS)
        [history] = [k for k in statuses if "scd2_valid_history_dim_company" in k]
        assert statuses[history] == "pass"
        assert statuses[AGREE] == "fail"
        assert done.returncode == 1
        con = duckdb.connect(str(built.database), read_only=True)
        rows = con.sql(compiled(built.work)[AGREE])
        companies = {r[0] for r in rows.select("company_id").distinct().fetchall()}
        sides = {r[0] for r in rows.select("found").distinct().fetchall()}
        expected = con.execute(company).fetchone()[0]
        con.close()
    assert companies == {expected}
    assert sides == {"only in scd_join_by_row_id", "only in scd_join_by_date"}


def _reference_answer() -> str:
    text = (ROOT / "docs" / "scd2.md").read_text()
    section = text[text.index("### Reference answer") :]
    match = re.search(r"```sql\n(.*?)```", section, re.S)
    assert match, "no ```sql block under 'Reference answer' in docs/scd2.md"
    return match.group(1)


def test_the_reference_answer_passes_the_exercise_test(built, tmp_path):
    shipped = (ROOT / EXERCISE_SQL).read_text()
    answer = _reference_answer()
    assert "ref('fct_revenue')" in answer and answer.strip() not in shipped
    project = copy_project(tmp_path / "project")
    (project / EXERCISE_SQL).write_text(answer)
    copy = copy_database(built.clean, tmp_path / "answer.duckdb")
    run = tmp_path / "run"
    done = dbt(["build", "--select", "exercise_tier_by_month", *EXERCISES], project, run, copy)
    assert done.returncode == 0, done.stdout[-3000:]
    statuses = results(run)
    assert statuses.pop("model.plotsim_dbt.exercise_tier_by_month") == "success"
    assert statuses == {_exercise_test(statuses): "pass"}
    assert (ROOT / EXERCISE_SQL).read_text() == shipped, "the checkout's stub must stay untouched"
