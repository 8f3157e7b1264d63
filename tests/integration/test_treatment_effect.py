"""treatment_effect_recovered on a small treated config built by dbt (`plotsim-dbt init --config`):
it passes on the clean warehouse and fails when the lift is taken out of the treated arm, when
the arms are swapped, and when the truth leaves no period before the start."""

from __future__ import annotations

import duckdb
import pytest
from dbt_helpers import compiled, copy_database, dbt, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: A small trial
unit: user
window: {start: "2024-01", end: "2025-03", every: monthly}
seed: 11
metrics:
  - {name: activity, type: score}
  - {name: spend, type: amount, range: [10, 100]}
segments:
  - {name: trial, count: 300, archetype: growth,
     treatment: {fraction: 0.5, lift_log_odds: 0.7, start_period: 7, target_metric: activity}}
  - {name: others, count: 60, archetype: decline}
noise: {gaussian_sigma: 0.03}
"""
SELECTOR = "test_name:treatment_effect_recovered"
TREATED = "(select entity_id from truth_entities where treatment_group = 'treatment')"
START = "(select start_date_key from truth_treatments where metric = 'activity')"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("treated"), "trial", CONFIG)


def run_test(project, database, tmp_path) -> tuple[dict[str, str], list[tuple]]:
    """Statuses of the treatment test nodes on ``database``, and the rows they return."""
    work = tmp_path / "work"
    dbt(["test", "--select", SELECTOR], project, work, database)
    statuses = results(work)
    con = duckdb.connect(str(database), read_only=True)
    rows = [row for sql in compiled(work).values() for row in con.sql(sql).fetchall()]
    con.close()
    return statuses, rows


def test_the_scaffold_adds_the_test_and_it_passes_on_clean_data(built, tmp_path):
    project, work, database = built
    statuses = results(work)
    nodes = {k: v for k, v in statuses.items() if "treatment_effect_recovered" in k}
    assert len(nodes) == 1 and set(nodes.values()) == {"pass"}, nodes
    assert "activity" in next(iter(nodes)), "only the targeted metric is checked"
    con = duckdb.connect(str(database), read_only=True)
    truth = con.sql("select segment, metric, treated, control, expected_effect from truth_treatments").fetchall()
    con.close()
    assert [r[:4] for r in truth] == [("trial", "activity", 150, 150)] and truth[0][4] > 0.05


def test_fails_when_the_lift_is_taken_out_of_the_treated_arm(built, tmp_path):
    project, _, database = built
    broken = copy_database(
        database, tmp_path / "no_lift.duckdb",
        "update fct_user set activity = activity - (select expected_effect from truth_treatments where metric = 'activity') "
        f"where user_id in {TREATED} and date_key >= {START}",
    )
    statuses, rows = run_test(project, broken, tmp_path)
    assert set(statuses.values()) == {"fail"}, statuses
    (segment, metric, estimate, expected, se, *_, violation), = rows
    assert (segment, metric) == ("trial", "activity") and abs(estimate) < 4 * se < expected
    assert "standard errors from expected_effect" in violation


def test_fails_when_the_arms_are_swapped(built, tmp_path):
    project, _, database = built
    broken = copy_database(
        database, tmp_path / "swapped.duckdb",
        "update truth_entities set treatment_group = case treatment_group when 'treatment' then 'control' else 'treatment' end "
        "where treatment_group is not null",
    )
    statuses, rows = run_test(project, broken, tmp_path)
    assert set(statuses.values()) == {"fail"}, statuses
    (_, _, estimate, expected, *_), = rows
    assert estimate < 0 < expected


def test_fails_with_a_reason_when_no_period_precedes_the_start(built, tmp_path):
    project, _, database = built
    broken = copy_database(
        database, tmp_path / "start_zero.duckdb",
        "update truth_treatments set start_period = 0, start_date_key = (select min(date_key) from dim_date), expected_effect = null",
    )
    statuses, rows = run_test(project, broken, tmp_path)
    assert set(statuses.values()) == {"fail"}, statuses
    assert [r[-1] for r in rows] == ["start_period 0: no period before the treatment, so no difference-in-differences"]

