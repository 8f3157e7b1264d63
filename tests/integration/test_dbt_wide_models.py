"""output.denormalized in dbt: the scaffold writes `<fact>_wide` as a SQL model over the generated
fact and dimension models (the SCD2 dimension joined as of the row's date), and its rows equal the
Python API's `<fact>_wide`: same columns in the same order, same values."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from dbt_helpers import init_and_build

import plotsim_dbt as ps

pytestmark = pytest.mark.slow

CONFIG = """about: Accounts on a plan ladder
unit: account
window: {start: "2024-01", end: "2024-12", every: monthly}
seed: 4
metrics:
  - {name: spend, type: amount, range: [10, 500]}
segments:
  - {name: up, count: 60, archetype: growth}
  - {name: down, count: 60, archetype: decline}
dimensions:
  - name: dim_plan
    grain: reference
    columns: [{plan_id: id}, {plan: "static.basic,plus,max"}]
  - name: dim_account
    columns:
      - {account_id: id}
      - {account_name: company}
      - {plan_id: ref.dim_plan}
      - {name: level, type: scd, tracks: spend, tiers: [low, mid, high], at: [0.35, 0.65]}
facts:
  - name: fct_account
    columns: [{date_key: ref.dim_date}, {account_id: ref.dim_account}, {spend: metric.spend}]
output: {format: parquet, denormalized: true}
"""
WIDE = "fct_account_wide"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("wide"), "wide", CONFIG)


def rows(table: pa.Table) -> list[tuple]:
    """Every row as a tuple of Python values, sorted (the model has no order)."""
    return sorted(zip(*(column.to_pylist() for column in table.columns)))


def test_the_wide_model_equals_the_python_wide_table(built, tmp_path):
    project, database = built.project, built.database
    assert built.statuses[f"model.wide.{WIDE}"] == "success"
    (sql_model,) = project.rglob(f"{WIDE}.sql")
    assert "valid_from" in sql_model.read_text()  # the as-of join by date, not the stored version key
    properties = yaml.safe_load(next(project.rglob("_plotsim__models.yml")).read_text())
    entry = next(m for m in properties["models"] if m["name"] == WIDE)
    con = duckdb.connect(str(database), read_only=True)
    model = con.sql(f"select * from {WIDE}").fetch_arrow_table()
    con.close()
    assert [c["name"] for c in entry["columns"]] == model.column_names

    ps.run(ps.create_from_yaml(project.parent / "wide.yaml"), tmp_path / "out")  # the config init_and_build wrote
    python = pq.read_table(tmp_path / "out" / f"{WIDE}.parquet")
    assert model.column_names == python.column_names
    assert model.num_rows == python.num_rows > 0
    assert rows(model.cast(python.schema)) == rows(python)
    # accounts change level within the window, so a join to the current version would differ
    levels: dict[int, set[str]] = {}
    for account, level in zip(python["account_id"].to_pylist(), python["dim_account__level"].to_pylist()):
        levels.setdefault(account, set()).add(level)
    assert any(len(seen) > 1 for seen in levels.values())
