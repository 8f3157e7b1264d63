"""A dbt build of a config whose MRR follows the plan tier's price (scaled_by) and whose companies
pass through lifecycle stages: metric_scaled_by_dimension and the stage's scd2_matches_truth pass
on the clean warehouse and fail on the faults they guard against."""

from __future__ import annotations

import pytest
from dbt_helpers import Built, faulted, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: Plans and stages
unit: company
window: {start: "2024-01", end: "2025-06", every: monthly}
seed: 5
metrics:
  - {name: engagement, type: score}
  - {name: mrr, type: amount, range: [2, 12], decimals: 0,
     scaled_by: {column: plan_tier, factors: {free: 0, starter: 49, pro: 199}}}
segments:
  - {name: growing, count: 60, archetype: growth}
  - {name: fading, count: 40, archetype: decline}
lifecycle: {track: engagement, stages: [{trial: 0}, {active: 0.35}, {champion: 0.65}]}
dimensions:
  - name: dim_company
    columns:
      - {company_id: id}
      - {name: plan_tier, type: scd, tracks: engagement, tiers: [free, starter, pro], at: [0.3, 0.6], monotonic: false, hold: 2}
facts:
  - name: fct_company
    columns:
      - {date_key: ref.dim_date}
      - {company_id: ref.dim_company}
      - {engagement: metric.engagement}
      - {mrr: metric.mrr}
"""
TESTS = ("metric_scaled_by_dimension", "scd2_matches_truth")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("tiers"), "plans", CONFIG)


def statuses(built: Built, fault: str) -> dict[str, str]:
    with faulted(built, ["test", "--select", " ".join(f"test_name:{t}" for t in TESTS)], fault):
        return results(built.work)


def nodes(found: dict[str, str], name: str, column: str) -> set[str]:
    return {status for node, status in found.items() if name in node and column in node}


def test_both_tests_are_scaffolded_and_pass_on_clean_data(built):
    found = built.statuses
    assert nodes(found, "metric_scaled_by_dimension", "mrr") == {"pass"}
    assert nodes(found, "scd2_matches_truth", "stage") == {"pass"} and nodes(found, "scd2_matches_truth", "plan_tier") == {"pass"}
    assert not any("metric_follows_archetype" in node and "mrr" in node for node in found), "per-unit centres do not apply"


@pytest.mark.parametrize(
    "fault",
    [
        "update fct_company set mrr = mrr * 2",  # the price list ignored
        "update fct_company set mrr = 10 where dim_row_id in (select dim_row_id from dim_company where plan_tier = 'free')",  # free charged
    ],
)
def test_the_price_test_fails_when_values_leave_the_tier_price(built, fault):
    found = statuses(built, fault)
    assert nodes(found, "metric_scaled_by_dimension", "mrr") == {"fail"}


def test_the_stage_history_test_fails_on_a_wrong_stage(built):
    fault = "update dim_company set stage = 'trial' where dim_row_id = (select min(dim_row_id) from dim_company where stage = 'champion')"
    found = statuses(built, fault)
    assert nodes(found, "scd2_matches_truth", "stage") == {"fail"} and nodes(found, "scd2_matches_truth", "plan_tier") == {"pass"}
