"""The change feed: replayed by _seq it gives the true state at every change, its delivery faults
come at the declared rates, and it does not depend on the block size."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from cdc_config import config

from plotsim_dbt import create_from_yaml
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config import ConfigError


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tables, state = generate_arrow(config(tmp_path_factory.mktemp("cdc")))
    return tables, state.truth


def replay(feed: pa.Table, key: list[str]) -> dict[tuple, dict]:
    """Apply the deliveries by _seq, each change once: key -> row (deleted keys removed)."""
    state: dict[tuple, dict] = {}
    seen: set[int] = set()
    for row in feed.sort_by("_seq").to_pylist():
        if row["_seq"] in seen:
            continue
        seen.add(row["_seq"])
        k = tuple(row[c] for c in key)
        if row["_op"] == "delete":
            assert k in state, f"delete of a key never inserted: {k}"
            del state[k]
        else:
            assert (k in state) == (row["_op"] == "update"), f"{row['_op']} of {k} out of order"
            state[k] = {c: v for c, v in row.items() if not c.startswith("_")}
    return state


def test_dimension_feed_replays_to_the_version_in_force_at_every_change(warehouse):
    tables, truth = warehouse
    feed, dim = tables["dim_company_changes"], tables["dim_company"].to_pandas()
    seen: set[int] = set()
    state: dict[int, dict] = {}
    for row in feed.sort_by("_seq").to_pylist():
        if row["_seq"] in seen:
            continue
        seen.add(row["_seq"])
        if row["_op"] == "delete":
            del state[row["company_id"]]
            continue
        state[row["company_id"]] = row
        # the state after the change carries the tier and status of the SCD2 version in force that day
        day = row["_changed_at"].date()
        version = dim[(dim.company_id == row["company_id"]) & (dim.valid_from <= day) & (dim.valid_to.isna() | (dim.valid_to > day))]
        assert len(version) == 1 and (version.tier.iloc[0], version.status.iloc[0]) == (row["tier"], row["status"]), row
    assert len(seen) == truth["truth_cdc_changes"].filter(pc.equal(truth["truth_cdc_changes"]["cdc_table"], "dim_company_changes")).num_rows
    # every company still active at the end is in the replayed state with its current tier
    current = dim[dim.is_current & (dim.status == "active")]
    assert {k: state[k]["tier"] for k in current.company_id} == dict(zip(current.company_id, current.tier))


def test_fact_feed_replays_to_the_fact_table_and_its_deletes(warehouse):
    tables, truth = warehouse
    state = replay(tables["fct_usage_changes"], ["date_key", "company_id"])
    fact = {(r["date_key"], r["company_id"]): r for r in tables["fct_usage"].to_pylist()}
    changes = truth["truth_cdc_changes"].filter(pc.equal(truth["truth_cdc_changes"]["cdc_table"], "fct_usage_changes"))
    deleted = changes.filter(pc.equal(changes["op"], "delete")).num_rows
    assert len(state) == len(fact) - deleted > 0
    assert all(state[k] == fact[k] for k in state), "a replayed row differs from the fact table"


def test_truth_gives_the_state_at_every_change_time(warehouse):
    tables, truth = warehouse
    changes = truth["truth_cdc_changes"].to_pandas()
    for _, group in changes.groupby(["cdc_table", "entity_id", "period_index"], dropna=False):
        group = group.sort_values("seq")
        assert list(group.superseded_at.iloc[:-1]) == list(group.changed_at.iloc[1:])
        assert (group.changed_at.diff().dropna() > np.timedelta64(0)).all()
        assert group.op.iloc[0] == "insert" and "delete" not in set(group.op.iloc[:-1])


def within(count: int, n: int, rate: float) -> bool:
    return abs(count - n * rate) <= 4 * math.sqrt(n * rate * (1 - rate)) + 1


@pytest.mark.parametrize("column, rate", [("is_late", 0.1), ("duplicated", 0.05), ("is_out_of_order", 0.2)])
def test_delivery_faults_come_at_their_declared_rates(warehouse, column, rate):
    changes = warehouse[1]["truth_cdc_changes"].to_pandas()
    assert within(int(changes[column].sum()), len(changes), rate), (changes[column].sum(), len(changes))


def test_deliveries_are_what_the_truth_says(warehouse):
    tables, truth = warehouse
    changes = truth["truth_cdc_changes"].to_pandas().set_index("seq")
    feed = pa.concat_tables(
        [
            tables["dim_company_changes"].select(["_seq", "_changed_at", "_commit_ts"]),
            tables["fct_usage_changes"].select(["_seq", "_changed_at", "_commit_ts"]),
        ]
    ).to_pandas()
    copies = feed.groupby("_seq").size()
    assert (copies - 1).sum() == changes["duplicated"].sum() and copies.max() <= 2
    first = feed.groupby("_seq")._commit_ts.min()
    assert (first == changes.committed_at.loc[first.index]).all()
    on_time = ~(changes.is_late | changes.is_out_of_order)
    assert (changes.committed_at[on_time] == changes.changed_at[on_time]).all()
    assert (changes.committed_at >= changes.changed_at).all()
    # out-of-order and late deliveries do overtake: some later changes commit before earlier ones
    ordered = feed.drop_duplicates("_seq").sort_values("_seq")
    assert (ordered._commit_ts.diff().dropna() < np.timedelta64(0)).any()


def test_fact_revisions_and_deletes_come_at_their_declared_rates(warehouse):
    changes = warehouse[1]["truth_cdc_changes"].to_pandas()
    rows = changes[changes.cdc_table == "fct_usage_changes"]
    inserts = int((rows.op == "insert").sum())
    assert within(int((rows.op == "update").sum()), inserts, 0.2)
    # a delete falls after the row's last change and before the window end: a few miss the window
    assert int((rows.op == "delete").sum()) <= inserts * 0.05 + 4 * math.sqrt(inserts * 0.05)
    assert int((rows.op == "delete").sum()) > 0


def test_feeds_do_not_depend_on_the_block_size(tmp_path):
    cfg = config(tmp_path, entities=2600, periods=3)
    names = ["dim_company_changes", "fct_usage_changes", "truth_cdc_changes", "truth_snapshot_versions"]
    runs = []
    for block_size in (1024, 4096):
        tables, state = generate_arrow(cfg, block_size=block_size)
        runs.append({n: (tables | state.truth)[n] for n in names})
    for name in names:
        assert runs[0][name].num_rows > 0 and runs[0][name].equals(runs[1][name]), name
    seqs = runs[0]["truth_cdc_changes"]["seq"].to_numpy()
    assert len(np.unique(seqs)) == len(seqs), "_seq repeats across changes"


def test_cdc_on_a_reference_dimension_is_refused(tmp_path):
    config(tmp_path)
    with pytest.raises(ConfigError, match=r"dimensions\.\d+\.cdc"):
        create_from_yaml(_with_reference_cdc(tmp_path))


def _with_reference_cdc(tmp_path):
    path = tmp_path / "cdc.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["dimensions"].append(
        {
            "name": "dim_plan",
            "grain": "reference",
            "cdc": True,
            "columns": [{"name": "plan_id", "type": "id"}, {"name": "plan", "type": "static.free,pro"}],
        }
    )
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize("dialect", ["engine", "builder"])
def test_the_reference_cdc_flag_gives_the_fact_a_change_feed(dialect):
    from pathlib import Path

    from plotsim_dbt.plan.resolve import resolve_plan

    path = Path(__file__).resolve().parents[2] / "data" / "reference_dialect" / f"{dialect}_cdc.yaml"
    plan = resolve_plan(create_from_yaml(path))
    feeds = [name for name in plan.tables if name.endswith("_changes")]
    assert len(feeds) == 1 and plan.tables[feeds[0]].source in {t.name for t in plan.fact_tables}


# ---------------------------------------------------------------- variable and child facts

GRAIN_FEEDS = {"fct_orders": "order_id", "fct_items": "item_id"}  # fact -> its id column, the feed's key


@pytest.fixture(scope="module")
def grains(tmp_path_factory):
    tables, state = generate_arrow(config(tmp_path_factory.mktemp("cdc_grains"), grains=True))
    return tables, state.truth["truth_cdc_changes"]


def changes_of(truth: pa.Table, fact: str) -> pa.Table:
    return truth.filter(pc.equal(truth["cdc_table"], fact + "_changes")).sort_by("seq")


@pytest.mark.parametrize("fact", sorted(GRAIN_FEEDS))
def test_a_grain_feed_inserts_every_row_once_corrects_revised_rows_and_deletes_last(grains, fact):
    tables, truth = grains
    key = GRAIN_FEEDS[fact]
    rows = {r[key]: r for r in tables[fact].to_pylist()}
    feed = tables[fact + "_changes"].sort_by("_seq").to_pylist()
    by_id: dict[int, list[dict]] = {}
    seen: set[int] = set()
    for row in feed:
        if row["_seq"] not in seen:
            seen.add(row["_seq"])
            by_id.setdefault(row[key], []).append(row)
    assert set(by_id) == set(rows), "a fact row without changes, or a change of no row"
    preliminary = 0
    for row_id, changes in by_id.items():
        ops = [c["_op"] for c in changes]
        assert ops in (["insert"], ["insert", "update"], ["insert", "delete"], ["insert", "update", "delete"]), (row_id, ops)
        image = [{c: v for c, v in change.items() if not c.startswith("_")} for change in changes]
        assert image[-1] == rows[row_id], "the last change carries another row than the fact's"
        if "update" in ops:  # the insert carried a preliminary amount (x 0.8-1.2, rounded) that the update corrects
            final = float(rows[row_id]["mrr"])
            assert image[0] == {**rows[row_id], "mrr": image[0]["mrr"]} and abs(float(image[0]["mrr"]) - final) <= 0.2 * final + 0.5
            preliminary += image[0]["mrr"] != final
        else:
            assert image[0] == rows[row_id], "a row inserted with other values and never corrected"
    assert preliminary > 0 or fact == "fct_items"
    # the truth lists the same changes, keyed by the row id
    true = changes_of(truth, fact)
    assert sorted(true["row_id"].to_pylist()) == sorted(row_id for row_id, changes in by_id.items() for _ in changes)


def test_a_variable_fact_is_revised_at_its_rate_and_a_child_of_shares_never(grains):
    _, truth = grains
    orders, items = changes_of(truth, "fct_orders").to_pandas(), changes_of(truth, "fct_items").to_pandas()
    inserts = int((orders.op == "insert").sum())
    assert within(int((orders.op == "update").sum()), inserts, 0.3)
    assert "update" not in set(items.op)  # shares only: no metric column to revise
    for rows in (orders, items):
        inserts = int((rows.op == "insert").sum())
        assert 0 < int((rows.op == "delete").sum()) <= inserts * 0.05 + 4 * math.sqrt(inserts * 0.05)


@pytest.mark.parametrize("fact", sorted(GRAIN_FEEDS))
def test_a_grain_feed_replays_to_the_fact_table_minus_its_deletes(grains, fact):
    tables, truth = grains
    key = GRAIN_FEEDS[fact]
    state = replay(tables[fact + "_changes"], [key])
    rows = {(r[key],): r for r in tables[fact].to_pylist()}
    changes = changes_of(truth, fact)
    deleted = {(i,) for i in changes.filter(pc.equal(changes["op"], "delete"))["row_id"].to_pylist()}
    assert set(state) == set(rows) - deleted and len(state) > 0
    assert all(state[k] == rows[k] for k in state), "a replayed row differs from the fact table"


def test_grain_feeds_do_not_depend_on_the_block_size(tmp_path):
    cfg = config(tmp_path, entities=1100, periods=3, grains=True)
    names = ["fct_orders_changes", "fct_items_changes", "truth_cdc_changes", "truth_snapshot_versions"]
    runs = []
    for block_size in (1024, 65536):
        tables, state = generate_arrow(cfg, block_size=block_size)
        runs.append({n: (tables | state.truth)[n] for n in names})
    for name in names:
        assert runs[0][name].num_rows > 0 and runs[0][name].equals(runs[1][name]), name
    orders = runs[0]["fct_orders_changes"]
    assert pc.max(orders["company_id"]).as_py() > 1024, "no change in the second block of 1024"
