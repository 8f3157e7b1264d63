"""Entities of their own: arrival (nothing of an entity exists before it arrives), per-entity
trajectory variation, and treatment (an exact split whose lift a difference-in-differences
recovers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special
from star_helpers import SEGMENTS, USERS_PER_ACCOUNT, generate, own_positions, star_kwargs

import plotsim_dbt as ps

ARRIVING = [
    {**SEGMENTS[0], "arrival": {"kind": "uniform"}},
    {**SEGMENTS[1], "arrival": {"kind": "step", "blocks": [{"period": 0, "fraction": 0.5}, {"period": 5, "fraction": 0.5}]}},
    {**SEGMENTS[2], "arrival": {"kind": "linear", "start": 2, "end": 9, "direction": "decreasing"}},
]


@pytest.fixture(scope="module")
def arrived():
    return generate(**star_kwargs(segments=ARRIVING))


def starts(state) -> np.ndarray:
    return state.truth["truth_entities"].column("start_period").to_numpy()


def test_start_periods_follow_each_arrival_kind(arrived):
    _, _, state = arrived
    first = starts(state)
    grower, steady, faller = first[:40], first[40:70], first[70:]
    assert grower.min() >= 0 and grower.max() <= 10 and len(set(grower)) > 5  # uniform over [0, periods - 1)
    assert steady.tolist() == [0] * 15 + [5] * 15  # step: the blocks in entity order
    assert faller.min() >= 2 and faller.max() <= 8
    assert np.mean(faller <= 4) > 0.5  # decreasing: most arrive early


def test_explicit_start_periods_are_used_as_given():
    segments = [
        {"name": "a", "count": 4, "archetype": "growth", "arrival": {"kind": "explicit", "start_periods": [0, 3, 3, 7]}},
        {"name": "b", "count": 2, "archetype": "decline"},
    ]
    _, state = ps.generate_tables_with_state(
        ps.create(about="x", unit="u", window=("2024-01", "2024-12"), metrics=[{"name": "m", "type": "score"}], segments=segments)
    )
    assert starts(state).tolist() == [0, 3, 3, 7, 0, 0]


def test_linear_increasing_arrival_loads_late_periods():
    segments = [{"name": "a", "count": 4000, "archetype": "flat", "arrival": {"kind": "linear", "direction": "increasing"}}]
    _, state = ps.generate_tables_with_state(
        ps.create(about="x", unit="u", window=("2024-01", "2024-12"), metrics=[{"name": "m", "type": "score"}], segments=segments)
    )
    first = starts(state)
    # start = floor(11 sqrt(u)): P(start < 6) = (6/11)^2
    expected = (6 / 11) ** 2
    assert abs(np.mean(first < 6) - expected) < 4 * np.sqrt(expected * (1 - expected) / len(first))


def test_nothing_of_an_entity_exists_before_it_arrives(arrived):
    _, tables, state = arrived
    first = starts(state)
    dates = tables["dim_date"].to_pandas().set_index("date_key")["period_index"]
    checked = 0
    for name in ("fct_activity", "evt_login", "evt_power_user", "evt_safe"):
        frame = tables[name].to_pandas()
        period = frame["date_key"].map(dates).to_numpy()
        assert (period >= first[frame["account_id"].to_numpy() - 1]).all(), name
        checked += len(frame)
    assert checked > 1000
    fact = tables["fct_activity"].to_pandas()
    rows = fact.groupby("account_id").size().reindex(range(1, len(first) + 1)).to_numpy()
    assert (rows == 12 - first).all(), "one fact row per period of each entity's life"
    versions = tables["dim_account"].to_pandas()
    month = pd.to_datetime(versions.groupby("account_id")["valid_from"].min()).dt.month.to_numpy()
    assert (month - 1 == first).all(), "the first SCD2 version starts at arrival"
    created = pd.to_datetime(tables["dim_account"].to_pandas().drop_duplicates("account_id")["created_at"]).dt.month.to_numpy()
    assert (created - 1 == first).all()
    signed_up = pd.to_datetime(tables["dim_user"].to_pandas()["signed_up_at"]).dt.month.to_numpy().reshape(-1, USERS_PER_ACCOUNT)
    assert (signed_up - 1 >= first[:, None]).all() and (signed_up[:, 0] - 1 == first).all()
    truth = state.truth["truth_trajectory"].to_pandas()
    assert (truth["period_index"].to_numpy() >= first[truth["entity_id"].to_numpy() - 1]).all()
    assert ps.validate(state.plan, tables).ok


def test_each_entity_has_its_own_path_and_variation_zero_is_the_archetype():
    for variation, spread in ((0.0, 0.0), (0.3, None), (0.8, None)):
        _, _, state = generate(**star_kwargs(variation=variation, noise={}))
        own = own_positions(state)[:40]  # the growth segment
        archetype = state.plan.positions[0]
        gap = np.abs(own - archetype).mean()
        if spread == 0.0:
            assert gap == 0.0
        else:
            assert 0.01 < gap < 0.3
            assert len({tuple(np.round(row, 9)) for row in own}) == 40, "entities of one segment differ"
            assert (np.nanmean(own[:, -3:], axis=1) > np.nanmean(own[:, :3], axis=1)).mean() > 0.9, "still growth"
    gaps = []
    for variation in (0.1, 0.4, 0.9):
        _, _, state = generate(**star_kwargs(variation=variation, noise={}))
        gaps.append(np.abs(own_positions(state)[:40] - state.plan.positions[0]).mean())
    assert gaps == sorted(gaps), gaps


def test_a_segments_variation_overrides_the_configs():
    segments = [{**SEGMENTS[0], "variation": 0.0}, SEGMENTS[1], SEGMENTS[2]]
    _, _, state = generate(**star_kwargs(segments=segments, variation=0.5))
    entities = state.truth["truth_entities"].to_pandas()
    assert entities["variation"].tolist() == [0.0] * 40 + [0.5] * 60
    assert (entities["timing_shift"][:40] == 0).all() and (entities["timing_shift"][40:] != 0).all()
    own = own_positions(state)
    assert np.array_equal(own[:40], np.tile(state.plan.positions[0], (40, 1)))


# ------------------------------------------------------------------------------------ treatment

TREATED = 240
LIFT = 0.8
START = 6


@pytest.fixture(scope="module")
def trial():
    cfg = ps.create(
        about="trial",
        unit="user",
        window=("2024-01", "2024-12"),
        seed=3,
        metrics=[{"name": "score", "type": "score"}, {"name": "other", "type": "score"}],
        segments=[
            {
                "name": "cohort",
                "count": 2 * TREATED,
                "archetype": "flat",
                "treatment": {"fraction": 0.5, "lift_log_odds": LIFT, "start_period": START, "target_metric": "score"},
            },
            {"name": "rest", "count": 50, "archetype": "growth"},
        ],
    )
    tables, state = ps.generate_tables_with_state(cfg)
    return cfg, tables, state


def test_exactly_round_fraction_times_count_entities_are_treated(trial):
    _, _, state = trial
    entities = state.truth["truth_entities"].to_pandas()
    cohort = entities[entities["segment"] == "cohort"]
    assert (cohort["treatment_group"] == "treatment").sum() == TREATED
    assert set(cohort["treatment_group"]) == {"treatment", "control"}
    assert cohort.loc[cohort["treatment_group"] == "treatment", "treatment_lift_log_odds"].eq(LIFT).all()
    assert cohort.loc[cohort["treatment_group"] == "control", "treatment_lift_log_odds"].eq(0).all()
    assert entities.loc[entities["segment"] == "rest", "treatment_group"].isna().all()


def test_a_difference_in_differences_recovers_the_lift(trial):
    cfg, tables, state = trial
    entities = state.truth["truth_entities"].to_pandas().set_index("entity_id")
    fact = tables["fct_user"].merge(tables["dim_date"][["date_key", "period_index"]], on="date_key")
    fact = fact[fact["user_id"].isin(entities.index[entities["segment"] == "cohort"])]
    # A score is logit-normal around its centre: the logit of the value moves by the lift exactly.
    fact["logit"] = special.logit(fact["score"].clip(1e-9, 1 - 1e-9))
    fact["arm"] = fact["user_id"].map(entities["treatment_group"])
    fact["after"] = fact["period_index"] >= START
    per_entity = fact.groupby(["user_id", "arm", "after"])["logit"].mean().unstack("after")
    change = (per_entity[True] - per_entity[False]).groupby(level="arm")
    did = change.mean()["treatment"] - change.mean()["control"]
    se = np.sqrt((change.var() / change.count()).sum())
    assert abs(did - LIFT) < 4 * se, (did, se)
    other = fact.copy()
    other["logit"] = special.logit(
        tables["fct_user"]
        .set_index(["user_id", "date_key"])
        .loc[list(zip(fact["user_id"], fact["date_key"])), "other"]
        .clip(1e-9, 1 - 1e-9)
        .to_numpy()
    )
    placebo = other.groupby(["user_id", "arm", "after"])["logit"].mean().unstack("after")
    placebo_change = (placebo[True] - placebo[False]).groupby(level="arm").mean()
    assert abs(placebo_change["treatment"] - placebo_change["control"]) < 4 * se, "a metric it does not target is not lifted"
