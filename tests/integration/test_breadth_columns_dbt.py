"""A dbt build of a config with the issue-15 column kinds: a narrative column, geo over two
locales, struct and array columns and a dim_date column build green with their descriptions and
tests, DuckDB holds the nested columns as STRUCT / LIST, and the geo accepted_values test and the
narrative truth test fail on faulty rows."""

from __future__ import annotations

import duckdb
import pytest
import yaml
from dbt_helpers import faulted, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: Shops with reviews, places and tags
unit: shop
window: {start: "2024-01", end: "2024-12", every: monthly}
seed: 9
locale: [en_GB, fr_FR]
metrics:
  - {name: visits, type: score}
segments:
  - {name: rising, count: 40, archetype: growth}
  - {name: falling, count: 30, archetype: decline}
date_columns:
  - {fiscal_year: int, sql: "year + (month >= 4)::int"}
dimensions:
  - name: dim_shop
    columns:
      - {shop_id: id}
      - {city: geo.city}
      - {region: geo.region}
      - {postcode: geo.postcode}
      - {name: address, type: struct, fields: {street: string, number: int}}
      - {name: tags, type: array, length: 2, options: [new, loyal, vip]}
facts:
  - name: fct_shop
    columns:
      - {date_key: ref.dim_date}
      - {shop_id: ref.dim_shop}
      - {visits: metric.visits}
      - name: review
        type: narrative
        template: "{tone} month"
        lexicons: {default: {tone: {low: [a slow, a poor], mid: [a steady, "an 'ok' one"], high: [a busy, "a great (record)"]}}}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("breadth"), "shops", CONFIG)


def test_the_new_columns_build_green_described_and_tested(built):
    project, database, found = built.project, built.clean, built.statuses
    assert found and set(found.values()) <= {"pass", "success"}
    assert any("accepted_values" in node and "city" in node for node in found)
    assert {s for node, s in found.items() if "narrative_matches_truth" in node} == {"pass"}
    models = yaml.safe_load(next(project.rglob("_plotsim__models.yml")).read_text())
    columns = {(m["name"], c["name"]): c for m in models["models"] for c in m.get("columns", [])}
    for key in (("dim_shop", "address"), ("dim_shop", "tags"), ("dim_shop", "city"), ("fct_shop", "review"), ("dim_date", "fiscal_year")):
        assert columns[key]["description"], key
    con = duckdb.connect(str(database), read_only=True)
    kinds = dict(con.execute("select column_name, data_type from information_schema.columns where table_name = 'dim_shop'").fetchall())
    assert kinds["address"].startswith("STRUCT") and kinds["tags"] == "VARCHAR[]"
    assert con.execute("select count(*) from fct_shop where review is null").fetchone()[0] == 0


def test_the_geo_test_fails_on_a_city_of_no_configured_locale(built):
    with faulted(built, ["test", "--select", "dim_shop"], "update dim_shop set city = 'Berlin' where shop_id = 1"):
        found = results(built.work)
    assert {s for node, s in found.items() if "accepted_values" in node and "city" in node} == {"fail"}


@pytest.mark.parametrize(
    "fault",
    [
        "update fct_shop set review = 'a great (record) month' where review = 'a slow month'",  # happy text at a low position
        "update fct_shop set review = review || '!' where shop_id = 3 and date_key = 20240301",  # not a phrase of the lexicon
    ],
)
def test_the_narrative_test_fails_on_text_outside_its_band(built, fault):
    with faulted(built, ["test", "--select", "test_name:narrative_matches_truth"], fault):
        assert set(results(built.work).values()) == {"fail"}
