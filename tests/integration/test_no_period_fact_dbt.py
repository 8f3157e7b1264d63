"""A dbt build of a warehouse whose only facts are a variable fact and its child (the reference
generator's orders-and-line-items shape): it builds green, with the keys and references of both
facts tested."""

from __future__ import annotations

import pytest
from dbt_helpers import green, init_and_build

pytestmark = pytest.mark.slow

CONFIG = """about: Shop sales and their lines, no monthly shop fact
unit: shop
window: {start: "2024-01", end: "2024-08", every: monthly}
seed: 5
metrics:
  - {name: footfall, type: count}
segments:
  - {name: busy, count: 12, archetype: growth}
  - {name: quiet, count: 8, archetype: decline}
dimensions:
  - {name: dim_shop, columns: [{shop_id: id}]}
facts:
  - name: fct_sale
    row_count_driver: footfall
    row_count_scale: 0.5
    columns: [{sale_id: id}, {shop_id: ref.dim_shop}, {date_key: ref.dim_date}]
  - name: fct_sale_line
    parent_table: fct_sale
    children_per_row: [1, 3]
    columns: [{line_id: id}, {shop_id: ref.dim_shop}, {date_key: ref.dim_date}]
"""


def test_variable_and_child_facts_alone_build_green_with_key_tests(tmp_path_factory):
    found = init_and_build(tmp_path_factory.mktemp("no_period_fact"), "sales", CONFIG).statuses
    assert green(found)
    assert any("unique_fct_sale_sale_id" in node for node in found)
    assert any("relationships_fct_sale_line_sale_id" in node for node in found)
