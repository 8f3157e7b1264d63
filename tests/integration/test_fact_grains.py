"""A dbt build of a config with a variable fact (orders, as many as engagement says), a child fact
(items whose amounts add up to their order's) and a sibling fact (returns pointing at orders):
relationships, children_sum_to_parent and rows_follow_driver pass on the clean warehouse and fail
on the faults they guard against."""

from __future__ import annotations

import pytest
from dbt_helpers import Built, faulted, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: Orders of companies
unit: company
window: {start: "2024-01", end: "2024-12", every: monthly}
seed: 3
metrics:
  - {name: engagement, type: score}
  - {name: order_value, type: amount, range: [20, 400]}
  - {name: returns_rate, type: score, polarity: negative}
segments:
  - {name: growing, count: 60, archetype: growth}
  - {name: fading, count: 40, archetype: decline}
dimensions:
  - name: dim_company
    columns: [{company_id: id}, {company_name: company}]
facts:
  - name: fct_company
    columns: [{date_key: ref.dim_date}, {company_id: ref.dim_company}, {engagement: metric.engagement},
              {order_value: metric.order_value}, {returns_rate: metric.returns_rate}]
  - name: fct_orders
    proportional: {driver: engagement, scale: 4}
    columns: [{order_id: id}, {date_key: ref.dim_date}, {company_id: ref.dim_company}, {order_value: metric.order_value},
              {ordered_at: timestamp}]
  - name: fct_order_items
    parent: fct_orders
    children_per_row: [1, 4]
    columns: [{item_id: id}, {order_id: ref.fct_orders}, {date_key: ref.dim_date}, {company_id: ref.dim_company},
              {line_amount: share.order_value}]
  - name: fct_returns
    proportional: {driver: returns_rate, scale: 1}
    columns: [{return_id: id}, {order_id: ref.fct_orders}, {date_key: ref.dim_date}, {company_id: ref.dim_company}]
"""
TESTS = ("children_sum_to_parent", "rows_follow_driver", "relationships")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("grains"), "orders", CONFIG)


def statuses(built: Built, fault: str) -> dict[str, str]:
    with faulted(built, ["test", "--select", " ".join(f"test_name:{t}" for t in TESTS)], fault):
        return results(built.work)


def nodes(found: dict[str, str], *words: str) -> set[str]:
    return {status for node, status in found.items() if all(w in node for w in words)}


def test_the_grain_tests_are_scaffolded_and_pass_on_clean_data(built):
    found = built.statuses
    assert nodes(found, "children_sum_to_parent", "fct_order_items") == {"pass"}
    assert nodes(found, "rows_follow_driver", "fct_orders") == {"pass"}
    assert nodes(found, "relationships", "fct_order_items", "order_id") == {"pass"}
    assert nodes(found, "relationships", "fct_returns", "order_id") == {"pass"}


@pytest.mark.parametrize(
    "fault",
    [
        "update fct_order_items set line_amount = line_amount + 0.01 where item_id = (select min(item_id) from fct_order_items)",
        "delete from fct_order_items where item_id = (select min(item_id) from fct_order_items)",  # an order loses its only or a share
    ],
)
def test_children_sum_to_parent_fails_when_items_leave_their_order_total(built, fault):
    found = statuses(built, fault)
    assert nodes(found, "children_sum_to_parent", "fct_order_items") == {"fail"}


def test_orphan_items_fail_the_parent_relationship(built):
    fault = "update fct_order_items set order_id = order_id + 1000000 where item_id = (select max(item_id) from fct_order_items)"
    found = statuses(built, fault)
    assert nodes(found, "relationships", "fct_order_items", "order_id") == {"fail"}
    assert nodes(found, "children_sum_to_parent", "fct_order_items") == {"fail"}


def test_rows_follow_driver_fails_on_a_dropped_order(built):
    fault = "delete from fct_orders where order_id = (select max(order_id) from fct_orders)"
    found = statuses(built, fault)
    assert nodes(found, "rows_follow_driver", "fct_orders") == {"fail"}
