"""treatment_effect_recovered on a small treated config built by dbt (`plotsim-dbt init --config`):
it passes on the clean warehouse and fails when the lift is taken out of the treated arm, when
the arms are swapped, and when the truth leaves no period before the start."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import Built, compiled, faulted, init_and_build, results

pytestmark = pytest.mark.slow

TRIAL = Path(__file__).resolve().parents[1] / "data" / "configs" / "trial.yaml"
SELECTOR = "test_name:treatment_effect_recovered"
TREATED = "(select entity_id from truth_entities where treatment_group = 'treatment')"
START = "(select start_date_key from truth_treatments where metric = 'activity')"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("treated"), "trial", TRIAL.read_text(encoding="utf-8"))


def run_test(built: Built, fault: str) -> tuple[dict[str, str], list[tuple]]:
    """Statuses of the treatment test nodes on the warehouse with ``fault`` applied, and the rows they return."""
    with faulted(built, ["test", "--select", SELECTOR], fault):
        statuses = results(built.work)
        con = duckdb.connect(str(built.database), read_only=True)
        rows = [row for sql in compiled(built.work).values() for row in con.sql(sql).fetchall()]
        con.close()
    return statuses, rows


def test_the_scaffold_adds_the_test_and_it_passes_on_clean_data(built):
    nodes = {k: v for k, v in built.statuses.items() if "treatment_effect_recovered" in k}
    assert len(nodes) == 1 and set(nodes.values()) == {"pass"}, nodes
    assert "activity" in next(iter(nodes)), "only the targeted metric is checked"
    con = duckdb.connect(str(built.clean), read_only=True)
    truth = con.sql("select segment, metric, treated, control, expected_effect from truth_treatments").fetchall()
    con.close()
    assert [r[:4] for r in truth] == [("trial", "activity", 150, 150)] and truth[0][4] > 0.05


def test_fails_when_the_lift_is_taken_out_of_the_treated_arm(built):
    statuses, rows = run_test(
        built,
        "update fct_user set activity = activity - (select expected_effect from truth_treatments where metric = 'activity') "
        f"where user_id in {TREATED} and date_key >= {START}",
    )
    assert set(statuses.values()) == {"fail"}, statuses
    ((segment, metric, estimate, expected, se, *_, margin, violation),) = rows
    z = math.sqrt(2 * math.log(2 / 1e-4))  # the default false_alarm_rate's allowance, in standard errors
    assert (segment, metric) == ("trial", "activity") and abs(estimate) < z * se < expected and margin < 0
    assert "standard errors from expected_effect" in violation


def test_fails_when_the_arms_are_swapped(built):
    statuses, rows = run_test(
        built,
        "update truth_entities set treatment_group = case treatment_group when 'treatment' then 'control' else 'treatment' end "
        "where treatment_group is not null",
    )
    assert set(statuses.values()) == {"fail"}, statuses
    ((_, _, estimate, expected, *_),) = rows
    assert estimate < 0 < expected


def test_fails_with_a_reason_when_no_period_precedes_the_start(built):
    statuses, rows = run_test(
        built,
        "update truth_treatments set start_period = 0, start_date_key = (select min(date_key) from dim_date), expected_effect = null",
    )
    assert set(statuses.values()) == {"fail"}, statuses
    assert [r[-1] for r in rows] == ["start_period 0: no period before the treatment, so no difference-in-differences"]
