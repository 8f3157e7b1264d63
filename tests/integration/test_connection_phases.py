"""A project with connection phases: the scaffold checks each phase's connection on the phase's
periods and the base connection on the periods between them, and they pass on the generated data;
a fact whose phase lost its correlation fails its phase's test only."""

from __future__ import annotations

import pytest
from dbt_helpers import faulted, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: Connections that change over time
unit: shop
window: {start: "2023-01", end: "2024-12", every: monthly}
seed: 4
metrics:
  - {name: visits, type: score}
  - {name: sales, type: amount, range: [10, 500]}
segments:
  - {name: rising, count: 150, archetype: growth}
  - {name: falling, count: 150, archetype: decline}
connections: ["visits related sales"]
connection_phases:
  - {start_period: 0, end_period: 7, connections: ["visits inverts sales"]}
  - {start_period: 16, end_period: 23, connections: ["visits mirrors sales"]}
"""
SELECTOR = "test_name:correlation_near_target"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("phases"), "phases", CONFIG)


def correlation_nodes(statuses: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in statuses.items() if "correlation_near_target" in k}


def test_each_phase_and_the_base_connection_pass_on_clean_data(built):
    nodes = correlation_nodes(built.statuses)
    assert len(nodes) == 3 and set(nodes.values()) == {"pass"}, nodes


def test_a_phase_whose_correlation_is_shuffled_away_fails_alone(built):
    # Shuffle sales among the rows of the first phase (dates before 2023-09): its correlation goes
    # to about 0, far from -0.75; the other spans keep their rows.
    with faulted(
        built,
        ["test", "--select", SELECTOR],
        "create or replace table fct_shop as "
        "with early as (select *, row_number() over (order by shop_id, date_key) as rn from fct_shop where date_key < 20230901), "
        "sales as (select sales, row_number() over (order by hash(shop_id * 7919 + date_key::bigint)) as rn "
        "from fct_shop where date_key < 20230901) "
        "select e.* exclude (rn) replace (s.sales as sales) from early e join sales s using (rn) "
        "union all select * from fct_shop where date_key >= 20230901",
    ):
        nodes = correlation_nodes(results(built.work))
    failed = sorted(k for k, v in nodes.items() if v == "fail")
    assert len(nodes) == 3 and len(failed) == 1 and "phase" in failed[0], nodes
