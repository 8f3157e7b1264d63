"""Lifecycle stages: the stage follows the tracked metric through its thresholds (free, forward only,
with a downgrade delay, with hysteresis), is an SCD2 attribute of the entity dimension and a column
of the first fact carrying the metric, is recorded in truth, and its final stage can end entities."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from star_helpers import DIMENSIONS, EVENTS, generate, star_kwargs

import plotsim_dbt as ps
from plotsim_dbt.columns.lifecycle import LifecyclePlan

NAN = np.nan


def plan(**options) -> LifecyclePlan:
    stages = options.pop("stages", ("new", "regular", "loyal"))
    enter = np.array(options.pop("enter", (0.0, 0.4, 0.7)))
    return LifecyclePlan("stage", pa.string(), "", accepted_values=stages, enter=enter, **options)


def path(lifecycle: LifecyclePlan, *series: list[float], first: int = 0) -> list[list[int]]:
    values = np.array(series, dtype=float)[:, :, None]
    return lifecycle.path(values, np.full(len(series), first)).tolist()


def test_free_mode_follows_the_value_up_and_down():
    assert path(plan(), [0.1, 0.5, 0.8, 0.5, 0.1]) == [[0, 1, 2, 1, 0]]


def test_enforce_order_only_moves_forward():
    assert path(plan(enforce_order=True), [0.1, 0.5, 0.8, 0.5, 0.1]) == [[0, 1, 2, 2, 2]]


def test_downgrade_delay_steps_back_after_that_many_periods_below():
    lifecycle = plan(enforce_order=True, downgrade_delay=2)
    # one period below is not enough; two are
    assert path(lifecycle, [0.8, 0.5, 0.8, 0.5, 0.5, 0.5]) == [[2, 2, 2, 2, 1, 1]]


def test_hysteresis_leaves_a_stage_only_below_its_exit():
    lifecycle = plan(exit=np.array([0.0, 0.3, 0.6]))
    # 0.65 is below loyal's entry but above its exit: stays loyal; 0.5 is below the exit
    assert path(lifecycle, [0.1, 0.75, 0.65, 0.5, 0.35, 0.2]) == [[0, 2, 2, 1, 1, 0]]


def test_a_missing_value_moves_nothing_and_nothing_moves_before_arrival():
    assert path(plan(), [0.5, NAN, 0.1]) == [[1, 1, 0]]
    assert path(plan(), [0.9, 0.9, 0.1, 0.5], first=2)[0][2:] == [0, 1]


def test_the_final_stage_fires_once_when_first_entered():
    fired = plan(ends_entity=True).ends(np.array([[0.1, 0.8, 0.2, 0.9]])[:, :, None], np.array([0]))
    assert fired.tolist() == [[0, 1, 0, 0]]


LIFECYCLE = {"track": "engagement", "stages": [{"new": 0.0}, {"regular": 0.35}, {"loyal": 0.6}], "enforce_order": True}


@pytest.fixture(scope="module")
def staged():
    return generate(**star_kwargs(lifecycle=LIFECYCLE))


def stage_index(frame, column: str = "stage") -> np.ndarray:
    return frame[column].map({s: i for i, s in enumerate(["new", "regular", "loyal"])}).to_numpy()


def test_the_stage_is_an_scd2_attribute_and_a_fact_column_that_agree(staged):
    _, tables, state = staged
    dim, fact = tables["dim_account"].to_pandas(), tables["fct_activity"].to_pandas()
    assert "stage" in dim and "stage" in fact
    assert dim["stage"].nunique() == 3
    # the fact's stage is the stage of the version in force at the row (dim_row_id)
    joined = fact.merge(dim[["dim_row_id", "stage", "tier"]], on="dim_row_id", suffixes=("", "_version"))
    assert len(joined) == len(fact) and (joined["stage"] == joined["stage_version"]).all()
    # a version starts on every stage change and every tier change, and only then
    versions = dim.sort_values(["account_id", "valid_from"])
    again = versions.groupby("account_id")[["stage", "tier"]].shift()
    later = again["stage"].notna()
    assert ((versions["stage"] != again["stage"]) | (versions["tier"] != again["tier"]))[later].all()
    assert (versions["stage"] != again["stage"])[later].sum() > 20


def test_enforce_order_never_moves_a_stage_back_in_the_data(staged):
    _, tables, _ = staged
    fact = tables["fct_activity"].to_pandas().sort_values(["account_id", "date_key"])
    steps = np.diff(stage_index(fact))[np.diff(fact["account_id"].to_numpy()) == 0]
    assert (steps >= 0).all() and (steps > 0).sum() > 20


def test_truth_lifecycle_spells_reproduce_the_stage_of_every_fact_row(staged):
    _, tables, state = staged
    fact = tables["fct_activity"].to_pandas().merge(tables["dim_date"].to_pandas()[["date_key", "period_index"]], on="date_key")
    spells = state.truth["truth_lifecycle"].to_pandas()
    spells["to_period_index"] = spells["to_period_index"].fillna(10**6)
    rows = fact.merge(spells, left_on="account_id", right_on="entity_id", suffixes=("", "_truth"))
    inside = rows[(rows["period_index"] >= rows["from_period_index"]) & (rows["period_index"] < rows["to_period_index"])]
    assert len(inside) == len(fact), "each fact row lies in exactly one spell"
    assert (inside["stage"] == inside["stage_truth"]).all()
    versions = state.truth["truth_scd_versions"].to_pandas()
    dim = tables["dim_account"].to_pandas().set_index("dim_row_id")
    assert (versions.set_index("dim_row_id")["stage"] == dim.loc[versions["dim_row_id"], "stage"]).all()


def test_a_terminal_final_stage_ends_the_entity():
    lifecycle = {"track": "risk", "stages": [{"fine": 0.0}, {"watch": 0.5}, {"gone": 0.75}], "ends_entity": True}
    account = {**DIMENSIONS[2], "columns": [c for c in DIMENSIONS[2]["columns"] if "status" not in c]}
    _, tables, state = generate(**star_kwargs(dimensions=[*DIMENSIONS[:2], account, *DIMENSIONS[3:]], events=EVENTS, lifecycle=lifecycle))
    entities = state.truth["truth_entities"].to_pandas()
    ended = entities["end_period"].notna()
    assert 5 < ended.sum() < len(entities)
    assert (entities.loc[ended, "end_event"] == "stage").all()
    current = tables["dim_account"].to_pandas().query("is_current").set_index("account_id").sort_index()
    assert (current["status"].to_numpy()[ended.to_numpy()] == "gone").all()
    assert (current["stage"].to_numpy()[ended.to_numpy()] == "gone").all()
    fact = tables["fct_activity"].to_pandas().merge(tables["dim_date"].to_pandas()[["date_key", "period_index"]], on="date_key")
    end = entities["end_period"].fillna(99).to_numpy()
    assert (fact["period_index"].to_numpy() <= end[fact["account_id"].to_numpy() - 1]).all()
    last = fact.sort_values("period_index").groupby("account_id").tail(1).set_index("account_id").sort_index()
    assert (last.loc[ended.to_numpy(), "stage"] == "gone").all(), "the entity lives through the period it enters the final stage"


@pytest.mark.parametrize(
    "lifecycle, field, words",
    [
        ({"track": "nope", "stages": [{"a": 0}, {"b": 0.5}]}, "lifecycle.track", "not a declared metric"),
        ({"track": "engagement", "stages": [{"a": 0.5}, {"b": 0.2}]}, "lifecycle.stages", "rise strictly"),
        ({"track": "engagement", "stages": [{"a": 0}, {"name": "b", "threshold": 0.5, "exit": 0.6}]}, "lifecycle.stages.1.exit", "above"),
        (
            {"track": "engagement", "stages": [{"a": 0}, {"name": "b", "threshold": 0.5, "exit": 0.4}, {"c": 0.8}]},
            "lifecycle.stages",
            "every stage after the first",
        ),
        ({"track": "engagement", "stages": [{"a": 0}, {"tier": 0.5}], "column": "tier"}, "lifecycle.column", "already has a column"),
    ],
)
def test_bad_lifecycles_are_one_error_naming_the_field(lifecycle, field, words):
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**star_kwargs(lifecycle=lifecycle))
    assert info.value.field == field and words in info.value.message and "\n" not in str(info.value)


def test_the_reference_stage_forms_read_the_same():
    forms = [[{"new": 0.0}, {"loyal": 0.5}], [["new", 0.0], ["loyal", 0.5]], [{"name": "new", "threshold": 0.0}, {"name": "loyal", "threshold": 0.5}]]
    read = [ps.create(**star_kwargs(lifecycle={"track": "engagement", "stages": f})).lifecycle for f in forms]
    assert read[0] == read[1] == read[2]
