"""A dbt build of a config with a period dimension and a bridge with columns and uniform links:
everything builds green with descriptions, key and relationships tests; the bridge truth test
fails on a dropped link of the uniform bridge."""

from __future__ import annotations

import duckdb
import pytest
import yaml
from dbt_helpers import faulted, green, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: Shops in campaign weeks, linked to regions
unit: shop
window: {start: "2024-01", end: "2024-12", every: monthly}
seed: 4
metrics:
  - {name: visits, type: score}
segments:
  - {name: rising, count: 40, archetype: growth}
  - {name: falling, count: 30, archetype: decline}
dimensions:
  - {name: dim_region, grain: reference, count: 5, columns: [{region_id: id}, {region: city}]}
  - {name: dim_shop, columns: [{shop_id: id}]}
  - name: dim_campaign
    grain: period
    columns: [{campaign_id: id}, {date_key: ref.dim_date}, {theme: "static.spring,summer"}, {budget: range, min: 1, max: 9}]
facts:
  - name: fct_shop
    columns: [{date_key: ref.dim_date}, {shop_id: ref.dim_shop}, {campaign_id: ref.dim_campaign}, {visits: metric.visits}]
bridges:
  - name: bridge_shop_region
    left: dim_shop
    right: dim_region
    cardinality: [1, 3]
    links: uniform
    columns: [{avg_visits: metric.visits}, {weight: static.1}, {contact: name}]
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("bridges"), "shops", CONFIG)


def test_period_dimension_and_bridge_columns_build_green_described_and_tested(built):
    project, database, found = built.project, built.clean, built.statuses
    assert green(found)
    assert any("relationships_fct_shop_campaign_id" in node for node in found)
    assert any("unique_dim_campaign_campaign_id" in node for node in found)
    assert any("bridge_matches_truth" in node for node in found)
    models = yaml.safe_load(next(project.rglob("_plotsim__models.yml")).read_text())
    columns = {(m["name"], c["name"]): c for m in models["models"] for c in m.get("columns", [])}
    for key in (("dim_campaign", "theme"), ("fct_shop", "campaign_id"), ("bridge_shop_region", "avg_visits"), ("bridge_shop_region", "contact")):
        assert columns[key]["description"], key
    con = duckdb.connect(str(database), read_only=True)
    wrong = "select count(*) from fct_shop f join dim_campaign c using (campaign_id) where c.date_key != f.date_key"
    assert con.execute(wrong).fetchone()[0] == 0  # the campaign row is the fact row's own period


def test_the_bridge_truth_test_fails_on_a_dropped_uniform_link(built):
    with faulted(built, ["test", "--select", "test_name:bridge_matches_truth"], "delete from bridge_shop_region where shop_id = 1"):
        assert set(results(built.work).values()) == {"fail"}
