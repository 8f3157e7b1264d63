"""A dbt build of a config with three source systems: the source tables build with their keys,
and entity_resolution_matches_truth passes on a matching model that is the truth itself and fails
on a swapped match, a missed match, a dropped row and low pairwise scores (and, limited to two
sources, ignores the third)."""

from __future__ import annotations

import duckdb
import pytest
from dbt_helpers import Built, compiled, faulted, init_and_build, results

pytestmark = pytest.mark.slow

CONFIG = """about: Companies as three systems see them
unit: company
window: {start: "2024-01", end: "2024-12", every: monthly}
seed: 11
metrics:
  - {name: engagement, type: score}
segments:
  - {name: growing, count: 60, archetype: growth}
  - {name: fading, count: 40, archetype: decline}
sources:
  - {name: crm, key_scheme: prefix_padded, name_drift_rate: 0.3, attribute_drift_rate: 0.1}
  - {name: erp, key_scheme: numeric, name_drift_rate: 0.2, coverage: 0.8}
  - {name: web, key_scheme: uuid_short, attribute_drift_rate: 0.2, coverage: 0.7}
dimensions:
  - name: dim_company
    columns:
      - {company_id: id}
      - {company_name: company}
      - {city: city}
facts:
  - name: fct_company
    columns:
      - {date_key: ref.dim_date}
      - {company_id: ref.dim_company}
      - {engagement: metric.engagement}
"""
# The user's matching model: here the answer key itself, so every check passes.
MATCH = """{{ config(materialized='table') }}
select source, source_key, entity_id from {{ ref('truth_entity_resolution') }}
"""
MATCH_TESTS = """version: 2
models:
  - name: er_match
    data_tests:
      - plotsim_dbt.entity_resolution_matches_truth:
          name: er_exact
      - plotsim_dbt.entity_resolution_matches_truth:
          name: er_scores
          arguments: {min_precision: 0.9, min_recall: 0.9}
      - plotsim_dbt.entity_resolution_matches_truth:
          name: er_no_web
          arguments: {sources: [crm, erp]}
"""
# A company in every source, and the rows of two such companies.
SHARED = "(select entity_id from er_match group by 1 having count(*) = 3 order by 1 limit {n})"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    files = {"models/er_match.sql": MATCH, "models/er_match.yml": MATCH_TESTS}
    return init_and_build(tmp_path_factory.mktemp("sources"), "systems", CONFIG, files)


def checks(built: Built, fault: str) -> tuple[dict[str, str], dict[str, int]]:
    """Status of each check on the warehouse with ``fault`` applied, and the exact check's failing
    rows counted by violation."""
    with faulted(built, ["test", "--select", "er_match"], fault):
        sql = next(code for node, code in compiled(built.work).items() if node.split(".")[2] == "er_exact")
        con = duckdb.connect(str(built.database), read_only=True)
        try:
            violations = dict(con.execute(f"select violation, count(*) from ({sql}) group by 1").fetchall())
        finally:
            con.close()
        return checks_on(results(built.work)), violations


def test_the_source_tables_and_the_truth_build_with_their_tests(built):
    found = built.statuses
    for source in ("crm", "erp", "web"):
        assert found[f"model.systems.dim_company_{source}"] == "success"
        assert [s for n, s in found.items() if n.startswith(f"test.systems.unique_dim_company_{source}_source_key")] == ["pass"]
    assert checks_on(found) == {"exact": "pass", "scores": "pass", "no_web": "pass"}


def checks_on(found: dict[str, str]) -> dict[str, str]:
    return {n.split(".")[2].removeprefix("er_"): s for n, s in found.items() if n.split(".")[2] in ("er_exact", "er_scores", "er_no_web")}


@pytest.mark.parametrize(
    "name, fault, expected, violations",
    [
        # two companies' crm rows swapped: two wrong and two missed pairs each way; the scores stay high
        (
            "swapped",
            f"update er_match set entity_id = case entity_id when (select min(entity_id) from {SHARED.format(n=2)}) "
            f"then (select max(entity_id) from {SHARED.format(n=2)}) else (select min(entity_id) from {SHARED.format(n=2)}) end "
            f"where source = 'crm' and entity_id in {SHARED.format(n=2)}",
            {"exact": "fail", "scores": "pass", "no_web": "fail"},
            {"wrong match": 4, "missed match": 4},
        ),
        # one company's erp row matched to nothing: its two pairs are missed
        (
            "missed",
            f"update er_match set entity_id = null where source = 'erp' and entity_id in {SHARED.format(n=1)}",
            {"exact": "fail", "scores": "pass", "no_web": "fail"},
            {"missed match": 2},
        ),
        # a web row left out of the model: the check limited to crm and erp does not miss it
        (
            "dropped",
            f"delete from er_match where source = 'web' and entity_id in {SHARED.format(n=1)}",
            {"exact": "fail", "scores": "pass", "no_web": "pass"},
            {"missed match": 2, "source row missing from the model": 1},
        ),
        # every row its own cluster: nothing matched, recall 0
        ("unmatched", "update er_match set entity_id = null", {"exact": "fail", "scores": "fail", "no_web": "fail"}, None),
    ],
)
def test_the_resolution_test_fails_on_wrong_matches(built, name, fault, expected, violations):
    statuses, found = checks(built, fault)
    assert statuses == expected
    if violations is None:  # every true pair missed, and nothing else
        assert set(found) == {"missed match"} and found["missed match"] > 100
    else:
        assert found == violations
