"""Quality faults: each kind hits the declared share of rows (within a binomial tolerance), the same
rows at any block size, the truth restores the clean table exactly, and the holdout and entity
features are the clean ones."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from fault_checks import restore, within

from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config import ConfigError, create
from plotsim_dbt.pipeline import Views, generate_into
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.quality import without_faults
from plotsim_dbt.quality.inject import row_keys
from plotsim_dbt.quality.plan import ARRIVAL_COLUMN, DRIFT_SUFFIX
from plotsim_dbt.sinks import MemorySink

ISSUES = [
    {"issue": "null_injection", "table": "fct_account", "column": "usage", "rate": 0.1},
    {"issue": "duplicate_rows", "table": "fct_account", "rate": 0.05},
    {"issue": "type_mismatch", "table": "fct_account", "column": "spend", "rate": 0.1},
    {"issue": "schema_drift", "table": "fct_account", "column": "usage", "rate": 0.1},
    {"issue": "late_arrival", "table": "fct_account", "rate": 0.1},
    {"issue": "volume_anomaly", "table": "fct_account", "rate": 0.3, "mode": "drop", "period": 1},
    {"issue": "volume_anomaly", "table": "fct_account", "rate": 0.2, "mode": "spike", "periods": [2, 3]},
    {"issue": "null_injection", "table": "evt_visit", "column": "usage", "rate": 0.2},
]


def _config(quality=ISSUES, **extra):
    # 2,800 entities: more than two 1,024-entity key blocks, so block sizes 1,024 and 4,096 split differently.
    return create(
        about="Quality faults",
        unit="account",
        seed=3,
        window={"start": "2024-01", "end": "2024-04", "every": "monthly"},
        metrics=[{"name": "usage", "type": "score"}, {"name": "spend", "type": "amount", "range": [10, 500], "decimals": 2}],
        segments=[{"name": "growing", "count": 1500, "archetype": "growth"}, {"name": "fading", "count": 1300, "archetype": "decline"}],
        facts=[
            {
                "name": "fct_account",
                "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"usage": "metric.usage"}, {"spend": "metric.spend"}],
            }
        ],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "usage", "scale": 2},
                "columns": [{"visit_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}, {"usage": "metric.usage"}],
            }
        ],
        dimensions=[{"name": "dim_account", "columns": [{"account_id": "id"}]}],
        holdout={"target": "spend", "periods": 1, "min_training_periods": 2},
        entity_features=True,
        quality=quality,
        **extra,
    )


@pytest.fixture(scope="module")
def runs():
    config = _config()
    small = generate_arrow(config, block_size=1024)
    large = generate_arrow(config, block_size=4096)
    clean = generate_arrow(config, clean=True)
    return config, small, large, clean


def _faults(state, index: int) -> pa.Table:
    faults = state.truth["truth_quality_faults"]
    return faults.filter(pc.equal(faults["issue_index"], index))


def test_each_fault_hits_the_declared_share(runs):
    _, (_, state), _, (clean, _) = runs
    facts, events = clean["fct_account"], clean["evt_visit"]
    n = facts.num_rows
    period = pc.index_in(facts["date_key"], clean["dim_date"]["date_key"]).to_numpy()
    dropped = _faults(state, 5).num_rows
    within(dropped, int((period == 1).sum()), 0.3)
    kept = n - dropped  # the cell faults and late arrivals see the rows left after the drop
    for index in (0, 2, 3, 4):
        within(_faults(state, index).num_rows, kept, ISSUES[index]["rate"])
    within(_faults(state, 1).num_rows, kept, 0.05)
    spiked = int(np.isin(period, [2, 3]).sum())
    spike = _faults(state, 6).num_rows
    assert 0 < spike and abs(spike - 0.2 * spiked) <= 4 * (spiked * 0.2 * 0.8) ** 0.5 + 0.05 * spiked * 0.2 + 1
    within(_faults(state, 7).num_rows, events.num_rows, 0.2)


def test_faults_change_the_rows_they_record(runs):
    _, (raw, state), _, (clean, _) = runs
    facts = raw["fct_account"]
    assert facts.schema.field("spend").type == pa.string() and f"usage{DRIFT_SUFFIX}" in facts.schema.names
    assert facts.num_rows == clean["fct_account"].num_rows - _faults(state, 5).num_rows + _faults(state, 1).num_rows + _faults(state, 6).num_rows
    late = facts.filter(pc.is_valid(facts[ARRIVAL_COLUMN]))
    period = pc.index_in(late["date_key"], clean["dim_date"]["date_key"])
    assert pc.all(pc.greater(late[ARRIVAL_COLUMN], pc.cast(period, pa.int32()))).as_py()
    junk = _faults(state, 2)
    texts = dict(zip(row_keys(facts, ("date_key", "account_id")).to_pylist(), facts["spend"].to_pylist()))
    assert all(
        texts[k] != v and texts[k].replace(",", "").strip() == v
        for k, v in zip(junk["row_key"].to_pylist(), junk["clean_value"].to_pylist())
        if v is not None
    )


def test_faults_are_the_same_at_any_block_size(runs):
    _, (small, small_state), (large, large_state), _ = runs
    assert small["fct_account"].equals(large["fct_account"]) and small["evt_visit"].equals(large["evt_visit"])
    assert small_state.truth["truth_quality_faults"].equals(large_state.truth["truth_quality_faults"])


@pytest.mark.parametrize("table", ["fct_account", "evt_visit"])
def test_the_truth_restores_the_clean_table(runs, table):
    config, (raw, state), _, (clean, _) = runs
    plan = resolve_plan(config)
    faults = state.truth["truth_quality_faults"]
    faults = faults.filter(pc.equal(faults["table_name"], table))
    key = plan.tables[table].primary_key
    restored = restore(raw[table], faults, plan.tables[table].clean_schema, key)
    assert restored.equals(clean[table].sort_by([(c, "ascending") for c in key]))


def _views(config) -> dict[str, pa.Table]:
    with MemorySink() as sink:
        generate_into(resolve_plan(config), sink, views=Views(splits=True, features="features"))
    return sink.tables


def test_features_and_holdout_are_computed_from_clean_values():
    config = _config()
    faulted, clean = _views(config), _views(without_faults(config))
    assert faulted["features"].num_rows > 0 and faulted["features"].equals(clean["features"])
    assert faulted["fct_account_train"].equals(clean["fct_account_train"])
    assert not faulted["fct_account"].equals(clean["fct_account"])


@pytest.mark.parametrize(
    ("issue", "field", "message"),
    [
        ({"issue": "null_injection", "table": "fct_account", "column": "account_id", "rate": 0.1}, "quality.0.column", "is protected"),
        ({"issue": "null_injection", "table": "fct_account", "column": "date_key", "rate": 0.1}, "quality.0.column", "is protected"),
        ({"issue": "null_injection", "table": "fct_account", "column": "nope", "rate": 0.1}, "quality.0.column", "has no column 'nope'"),
        ({"issue": "volume_anomaly", "table": "fct_account", "rate": 0.1, "mode": "drop", "period": 9}, "quality.0.period", "outside the window"),
    ],
)
def test_bad_issues_are_one_clear_error(issue, field, message):
    with pytest.raises(ConfigError) as err:
        resolve_plan(_config([issue]))
    assert err.value.field == field and message in err.value.message


def test_a_table_that_is_not_a_fact_or_event_is_refused_at_load():
    with pytest.raises(ConfigError) as err:
        _config([{"issue": "duplicate_rows", "table": "dim_account", "rate": 0.1}])
    assert err.value.field == "quality.0.table" and "not a declared fact or event table" in err.value.message


def test_an_added_column_given_twice_is_refused():
    drift = {"issue": "schema_drift", "table": "fct_account", "column": "usage", "rate": 0.1}
    with pytest.raises(ConfigError, match="usage_v2"):
        resolve_plan(_config([drift, drift]))


def test_the_first_spelling_type_is_read_as_issue():
    config = _config([{"type": "duplicate_rows", "table": "fct_account", "rate": 0.1}])
    assert config.quality[0].issue == "duplicate_rows"
