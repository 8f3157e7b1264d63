"""Terminal events: an event with ``ends_entity`` ends its entity in the period it fires; nothing
of the entity (facts, events, sub-entities, SCD versions, truth) follows, its dimension records the
end (status, ended_on, a last version current from the end date), and truth records it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from star_helpers import DIMENSIONS, EVENTS, generate, star_kwargs

import plotsim_dbt as ps
from plotsim_dbt.config import ConfigError

LAPSE = {
    "name": "evt_lapse",
    "threshold": {"metric": "risk", "above": 0.8, "for": 3},
    "ends_entity": True,
    "status": "lapsed",
    "columns": [{"lapse_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}, {"lapsed_at": "timestamp"}],
}
# the shared star schema's dim_account declares a column named status: the ending adds its own
ACCOUNT = {**DIMENSIONS[2], "columns": [c for c in DIMENSIONS[2]["columns"] if "status" not in c]}
STAR_DIMENSIONS = [*DIMENSIONS[:2], ACCOUNT, *DIMENSIONS[3:]]


def ending_kwargs(*events: dict) -> dict:
    return star_kwargs(dimensions=STAR_DIMENSIONS, events=[*EVENTS, *events])


@pytest.fixture(scope="module")
def ended():
    return generate(**ending_kwargs(LAPSE))


def period_of(tables, frame: pd.DataFrame) -> np.ndarray:
    dates = tables["dim_date"].to_pandas().set_index("date_key")["period_index"]
    return frame["date_key"].map(dates).to_numpy()


def test_an_ended_entity_has_nothing_after_its_end_in_any_table(ended):
    _, tables, state = ended
    truth = state.truth["truth_entities"].to_pandas()
    end = truth["end_period"].fillna(99).to_numpy()  # not ended: no bound
    assert 10 < truth["end_period"].notna().sum() < len(truth), "some entities end, some do not"
    checked = 0
    for name in ("fct_activity", "evt_login", "evt_power_user", "evt_safe", "evt_lapse"):
        frame = tables[name].to_pandas()
        assert (period_of(tables, frame) <= end[frame["account_id"].to_numpy() - 1]).all(), name
        checked += len(frame)
    assert checked > 1000
    fact = tables["fct_activity"].to_pandas()
    rows = fact.groupby("account_id").size().reindex(range(1, len(end) + 1)).to_numpy()
    lived = np.minimum(end, 11) + 1 - truth["start_period"].to_numpy()
    assert (rows == lived).all(), "one fact row for every period up to and including the end"
    users = tables["dim_user"].to_pandas()
    signed_up = pd.to_datetime(users["signed_up_at"]).dt.month.to_numpy() - 1
    assert (signed_up <= end[users["account_id"].to_numpy() - 1]).all(), "sub-entities start inside the entity's life"
    trajectory = state.truth["truth_trajectory"].to_pandas()
    assert (trajectory["period_index"].to_numpy() <= end[trajectory["entity_id"].to_numpy() - 1]).all()
    assert ps.validate(state.plan, tables).ok


def test_the_terminal_event_fires_once_at_the_end_and_truth_records_it(ended):
    _, tables, state = ended
    truth = state.truth["truth_entities"].to_pandas()
    lapses = tables["evt_lapse"].to_pandas()
    assert lapses["account_id"].is_unique
    recorded = truth.dropna(subset=["end_period"]).set_index("entity_id")
    assert sorted(lapses["account_id"]) == sorted(recorded.index)
    assert (period_of(tables, lapses) == recorded.loc[lapses["account_id"], "end_period"].to_numpy()).all()
    assert set(recorded["end_event"]) == {"evt_lapse"} and truth.loc[truth["end_period"].isna(), "end_event"].isna().all()


def test_the_dimension_closes_with_a_current_ended_version(ended):
    _, tables, state = ended
    dim = tables["dim_account"].to_pandas()
    truth = state.truth["truth_entities"].to_pandas().set_index("entity_id")
    dates = tables["dim_date"].to_pandas().set_index("period_index")["date"]
    current = dim[dim["is_current"]].set_index("account_id")
    assert current.index.is_unique and len(current) == len(truth)
    ended_ids = truth.index[truth["end_period"].notna()]
    assert (current.loc[ended_ids, "status"] == "lapsed").all()
    assert (current.drop(ended_ids)["status"] == "active").all()
    end_dates = dates.loc[truth.loc[ended_ids, "end_period"].astype(int)].to_numpy()
    assert (pd.to_datetime(current.loc[ended_ids, "valid_from"]).to_numpy() == pd.to_datetime(end_dates).to_numpy()).all()
    assert (pd.to_datetime(dim.set_index("account_id").loc[ended_ids, "ended_on"]).groupby(level=0).nunique() == 1).all()
    assert current.drop(ended_ids)["ended_on"].isna().all()
    before = dim[~dim["is_current"]]
    assert (before["status"] == "active").all(), "only the last version carries the end"
    closed = dim.dropna(subset=["ended_on"])
    assert (pd.to_datetime(closed["valid_from"]) <= pd.to_datetime(closed["ended_on"])).all()


def test_the_earliest_of_two_terminal_events_ends_the_entity():
    power = {**EVENTS[1], "ends_entity": True}  # evt_power_user: default status "power_user"
    _, tables, state = generate(**star_kwargs(dimensions=STAR_DIMENSIONS, events=[EVENTS[0], power, EVENTS[2], LAPSE]))
    truth = state.truth["truth_entities"].to_pandas().set_index("entity_id")
    for name in ("evt_power_user", "evt_lapse"):
        frame = tables[name].to_pandas()
        assert (truth.loc[frame["account_id"], "end_event"] == name).all(), name
        assert (period_of(tables, frame) == truth.loc[frame["account_id"], "end_period"].to_numpy()).all()
    assert {"power_user", "lapsed"} <= set(tables["dim_account"].to_pandas()["status"])


def test_without_terminal_events_nothing_ends_and_no_columns_are_added():
    _, tables, state = generate(**star_kwargs())
    assert state.truth["truth_entities"].column("end_period").null_count == state.plan.entity_count
    assert "ended_on" not in tables["dim_account"].column_names


@pytest.mark.parametrize(
    "event, field",
    [
        ({**EVENTS[0], "ends_entity": True}, "events.3.ends_entity"),
        ({**EVENTS[1], "status": "gone"}, "events.3.status"),
        ({**LAPSE, "status": "active"}, "events.3.status"),
    ],
)
def test_a_wrong_ending_is_one_clear_error(event, field):
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        ps.create(**ending_kwargs(event))


def test_a_declared_status_column_collides_with_the_ending():
    with pytest.raises(ConfigError, match=r"dimensions\.2\.columns: 'status'"):
        ps.create(**star_kwargs(events=[*EVENTS, LAPSE]))
