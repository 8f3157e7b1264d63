"""Quality faults on a variable fact (orders) and on a child fact (items): each kind hits the
declared share of rows, the truth names every hit row by the fact's id and restores the clean
table, the other facts (children, siblings) are made from the clean rows and stay as they are,
the result is the same at any block size, and validation judges the raw tables as a messy source."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from fault_checks import restore, within
from grain_quality_config import ITEM_FAULTS, ORDER_FAULTS, config

from plotsim_dbt import validate
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config import ConfigError, create
from plotsim_dbt.dbt.scaffold import model_properties
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.quality import clean_name
from plotsim_dbt.quality.faults import EXTRA_ROW, MISSING_ROW
from plotsim_dbt.quality.plan import ARRIVAL_COLUMN

FAULTS = {"fct_order": ORDER_FAULTS, "fct_item": ITEM_FAULTS}
FACTS = ("fct_shop", "fct_order", "fct_item", "fct_refund")


@pytest.fixture(scope="module", params=list(FAULTS))
def run(request):
    table = request.param
    faulted = config(FAULTS[table])
    small = generate_arrow(faulted, block_size=1024)
    large = generate_arrow(faulted, block_size=65536)
    clean = generate_arrow(faulted, clean=True)[0]
    return table, faulted, small, large, clean


def _faults(state, index: int) -> pa.Table:
    faults = state.truth["truth_quality_faults"]
    return faults.filter(pc.equal(faults["issue_index"], index))


def test_each_fault_hits_the_declared_share(run):
    table, _, (_, state), _, clean = run
    n = clean[table].num_rows
    period = pc.index_in(clean[table]["date_key"], clean["dim_date"]["date_key"]).to_numpy()
    dropped = _faults(state, 5).num_rows
    within(dropped, int((period == 1).sum()), 0.3)
    kept = n - dropped  # the cell faults, late arrivals and copies see the rows left after the drop
    for index in (0, 1, 2, 3, 4):
        within(_faults(state, index).num_rows, kept, FAULTS[table][index]["rate"])
    within(_faults(state, 6).num_rows, int(np.isin(period, [2, 3]).sum()), 0.2)  # the drop is in period 1 only
    assert set(state.truth["truth_quality_faults"]["table_name"].to_pylist()) == {table}


def test_the_truth_names_rows_by_id_and_restores_the_clean_table(run):
    table, faulted, (raw, state), _, clean = run
    plan = resolve_plan(faulted)
    faults = state.truth["truth_quality_faults"]
    key = plan.tables[table].primary_key
    assert len(key) == 1
    held = raw[table][key[0]].to_numpy()
    ids, counts = np.unique(held, return_counts=True)
    copies = dict(zip(ids.tolist(), counts.tolist()))
    records = faults.to_pylist()
    extra = [int(r["row_key"]) for r in records if r["column_name"] == EXTRA_ROW]
    missing = [int(r["row_key"]) for r in records if r["column_name"] == MISSING_ROW]
    assert extra and missing
    assert all(copies[k] >= 2 for k in extra) and sum(c - 1 for c in copies.values()) == len(extra)
    assert not set(missing) & set(copies)
    late = {int(r["row_key"]) for r in records if r["issue"] == "late_arrival"}
    arrived = raw[table].filter(pc.is_valid(raw[table][ARRIVAL_COLUMN]))[key[0]].to_pylist()
    assert late == set(arrived)
    restored = restore(raw[table], faults, plan.tables[table].clean_schema, key)
    assert restored.equals(clean[table].sort_by([(key[0], "ascending")]))


def test_the_other_facts_are_made_from_the_clean_rows(run):
    table, _, (raw, _), _, clean = run
    assert not raw[table].equals(clean[table])
    for other in FACTS:
        if other != table:
            assert raw[other].equals(clean[other]), other


@pytest.mark.parametrize("run", ["fct_order"], indirect=True)  # only a parent's drop orphans rows
def test_a_dropped_order_leaves_its_items_orphaned_in_the_raw_source(run):
    _, _, (raw, state), _, _ = run
    dropped = {int(k) for k in _faults(state, 5)["row_key"].to_pylist()}
    orphaned = set(raw["fct_item"]["order_id"].to_pylist()) - set(raw["fct_order"]["order_id"].to_pylist())
    assert orphaned and orphaned <= dropped


def test_faults_are_the_same_at_any_block_size(run):
    table, _, (small, small_state), (large, large_state), _ = run
    for name in FACTS:
        assert small[name].equals(large[name]), name
    assert small_state.truth["truth_quality_faults"].equals(large_state.truth["truth_quality_faults"])


def test_validation_reads_faulted_parents_and_children_from_their_clean_rows(run):
    table, faulted, (raw, _), _, _ = run
    report = validate(faulted, raw)
    assert report.ok, report.issues


@pytest.mark.parametrize("table", list(FAULTS))
def test_copied_and_dropped_rows_read_as_written_break_the_children_checks(table):
    rows_only = config([FAULTS[table][1], FAULTS[table][5]])  # duplicate_rows and the drop: the columns keep their types
    raw = generate_arrow(rows_only)[0]
    assert validate(rows_only, raw).ok
    as_written = validate(rows_only, {**raw, clean_name(table): raw[table]})
    orphans = {"fk_integrity"} if table == "fct_order" else set()  # items and refunds point at dropped orders
    assert {i.check for i in as_written.errors} == {"children_per_row", "children_sum", *orphans}


@pytest.mark.parametrize("run", ["fct_order"], indirect=True)  # the children are clean here: only the parent is faulted
def test_validation_still_finds_a_child_that_does_not_add_up_to_a_faulted_parent(run):
    _, faulted, (raw, _), _, _ = run
    items = raw["fct_item"]
    wrong = pc.add(items["amount"], pa.scalar(1, items["amount"].type))
    report = validate(faulted, {**raw, "fct_item": items.set_column(items.schema.get_field_index("amount"), "amount", wrong)})
    assert [i.check for i in report.errors] == ["children_sum"]


@pytest.mark.parametrize("table", ["dim_shop", "dim_date"])
def test_a_dimension_is_refused_with_one_line(table):
    with pytest.raises(ConfigError) as err:
        config([{"issue": "duplicate_rows", "table": table, "rate": 0.1}])
    assert err.value.field == "quality.0.table" and "not dimensions or bridges" in err.value.message and "\n" not in err.value.message


def test_a_faulted_per_period_parent_of_a_child_fact_validates():
    row_faults = [{"issue": "duplicate_rows", "table": "fct_shop", "rate": 0.1}, {**FAULTS["fct_order"][5], "table": "fct_shop"}]
    document = config(row_faults, entities=200).model_dump(mode="json")
    visits = {
        "name": "fct_visit",
        "parent": "fct_shop",
        "children_per_row": [1, 2],
        "columns": [{"visit_id": "id"}, {"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}],
    }
    faulted = create(**{**document, "facts": [*document["facts"], visits]})
    raw = generate_arrow(faulted)[0]
    assert validate(faulted, raw).ok
    assert [i.check for i in validate(faulted, {**raw, clean_name("fct_shop"): raw["fct_shop"]}).errors] == ["children_per_row"]


def _tests(properties: dict, model: str) -> dict[str, list[str]]:
    """column ('' for the model) -> names of its tests."""
    entry = next(m for m in properties["models"] if m["name"] == model)
    name = lambda test: test if isinstance(test, str) else next(iter(test)).removeprefix("plotsim_dbt.")  # noqa: E731
    found = {"": [name(t) for t in entry.get("data_tests", [])]}
    return found | {c["name"]: [name(t) for t in c.get("data_tests", [])] for c in entry["columns"]}


@pytest.mark.parametrize("drop", [True, False])
def test_the_scaffold_leaves_tests_that_fail_by_design_to_the_staging_model(drop):
    faults = [f for f in ORDER_FAULTS if drop or f.get("mode") != "drop"]
    properties = model_properties(config(faults), "orders.yaml")
    orders, items, refunds = (_tests(properties, name) for name in ("fct_order", "fct_item", "fct_refund"))
    # the raw orders: only their references (no unique id, no row count); the items' sums wait for the staging model
    assert orders[""] == orders["order_id"] == [] and orders["shop_id"] == orders["date_key"] == ["relationships"]
    assert "children_sum_to_parent" not in items["amount"]
    assert ("relationships" in items["order_id"]) is not drop and ("relationships" in refunds["order_id"]) is not drop
    clean = _tests(model_properties(config([]), "orders.yaml"), "fct_item")
    assert "children_sum_to_parent" in clean["amount"] and "relationships" in clean["order_id"]
