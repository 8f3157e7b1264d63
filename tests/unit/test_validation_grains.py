"""Validation of child facts: an orphan child, a parent row that lost its children and shares that
no longer add up are errors naming the table; the clean tables pass."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import plotsim_dbt as ps
from plotsim_dbt.engine.block import build_block, global_tables
from plotsim_dbt.plan.resolve import resolve_plan

CONFIG = dict(
    about="orders",
    unit="company",
    window=("2024-01", "2024-06"),
    seed=8,
    metrics=[{"name": "engagement", "type": "score"}, {"name": "order_value", "type": "amount", "range": [20, 400]}],
    segments=[{"name": "growing", "count": 60, "archetype": "growth"}],
    dimensions=[{"name": "dim_company", "columns": [{"company_id": "id"}]}],
    facts=[
        {
            "name": "fct_company",
            "columns": [
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"engagement": "metric.engagement"},
                {"order_value": "metric.order_value"},
            ],
        },
        {
            "name": "fct_orders",
            "proportional": {"driver": "engagement", "scale": 3},
            "columns": [{"order_id": "id"}, {"date_key": "ref.dim_date"}, {"company_id": "ref.dim_company"}, {"order_value": "metric.order_value"}],
        },
        {
            "name": "fct_items",
            "parent": "fct_orders",
            "children_per_row": [1, 3],
            "columns": [
                {"item_id": "id"},
                {"order_id": "ref.fct_orders"},
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"line_amount": "share.order_value"},
            ],
        },
        {
            "name": "fct_sessions",
            "parent": "fct_company",
            "children_per_row": [2, 2],
            "columns": [
                {"session_id": "id"},
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"session_value": "share.order_value"},
            ],
        },
    ],
)


@pytest.fixture(scope="module")
def run():
    plan = resolve_plan(ps.create(**CONFIG))
    tables = {name: pa.Table.from_batches([batch]) for name, batch in build_block(plan, 0, plan.entity_count).items()}
    return plan, tables | global_tables(plan)


def issues(plan, tables, **changed) -> list[tuple[str, str]]:
    report = ps.validate(plan, {**tables, **changed})
    return [(i.check, i.table) for i in report.issues if i.severity == "error"]


def test_clean_child_facts_pass(run):
    assert issues(*run) == []


def test_an_orphan_child_is_an_error(run):
    plan, tables = run
    items = tables["fct_items"]
    moved = items.set_column(1, "order_id", pc.add(items["order_id"], pa.scalar(10**9, pa.int64())))
    found = issues(plan, tables, fct_items=moved)
    assert ("fk_integrity", "fct_items") in found and ("children_per_row", "fct_items") in found


def test_a_parent_row_without_its_children_is_an_error(run):
    plan, tables = run
    items = tables["fct_items"]
    first = items["order_id"][0]
    assert issues(plan, tables, fct_items=items.filter(pc.not_equal(items["order_id"], first))) == [
        ("children_per_row", "fct_items"),
        ("children_sum", "fct_items"),
    ]


def test_children_of_a_period_fact_missing_their_cell_are_orphans(run):
    plan, tables = run
    company = tables["fct_company"]
    assert ("children_per_row", "fct_sessions") in issues(plan, tables, fct_company=company.slice(1))


@pytest.mark.parametrize("table, column", [("fct_items", "line_amount"), ("fct_sessions", "session_value")])
def test_shares_that_do_not_add_up_are_an_error(run, table, column):
    plan, tables = run
    data = tables[table]
    values = data[column].to_pylist()
    values[0] += Decimal("0.01")  # one cent more on one child
    broken = data.set_column(data.schema.get_field_index(column), column, pa.array(values, data.schema.field(column).type))
    assert issues(plan, tables, **{table: broken}) == [("children_sum", table)]
