"""The report's warehouse frames: SCD2 tiers, event rates, the calendar, treatment arms and the
lifecycle, each realised from the data tables against the truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.report import warehouse
from plotsim_dbt.report.data import entity_ranges, load

TRIAL = Path(__file__).resolve().parents[2] / "data" / "configs" / "trial.yaml"


def test_tier_changes_in_the_dimension_equal_the_truth(saas_data):
    realised, planned = warehouse.tier_transitions(saas_data)
    assert realised.to_numpy().sum() == len(saas_data.truth["truth_scd_events"]) > 0
    assert realised.equals(planned)
    assert np.triu(realised.to_numpy(), 1).sum() == realised.to_numpy().sum()  # a monotonic ladder only climbs


def test_tier_counts_cover_every_active_entity_each_period(saas_data):
    counts = warehouse.tier_counts(saas_data)
    assert list(counts.columns) == ["free", "starter", "pro", "enterprise"]
    assert (counts.sum(axis=1) == warehouse.active_entities(saas_data).sum(axis=1)).all()


def test_event_rates_count_every_event_row(saas_data):
    frame = warehouse.event_rates(saas_data)
    for table in ("evt_login", "evt_churn"):
        assert frame[frame["table"] == table]["events"].sum() == len(saas_data.tables[table])
    logins = frame[frame["table"] == "evt_login"]
    assert np.allclose(logins["rate"], logins["events"] / logins["active"])
    # Rows are round(engagement x 10) per cell; the planned rate reads the median centre, so the
    # two agree to within the logit-normal's mean-median gap.
    assert ((logins["rate"] - logins["planned"]).abs() / logins["planned"]).median() < 0.1
    churn = frame[frame["table"] == "evt_churn"]
    assert churn.groupby("segment")["rate"].apply(lambda r: r.is_monotonic_increasing).all()


def test_realised_calendar_slots_match_the_planned_mixture(saas_data):
    slots = warehouse.calendar_slots(saas_data)
    assert slots["components"].shape == (3, 168)
    assert np.allclose(slots["planned"].sum(axis=1), 1) and np.allclose(slots["realised"].sum(axis=1), 1)
    assert slots["events"].sum() == len(saas_data.tables["evt_login"])
    # Total variation between a multinomial sample of n over k slots and its probabilities is
    # about sqrt(k / (2 pi n)); allow twice that.
    k = (slots["planned"] > 0).sum(axis=1)
    distance = 0.5 * (slots["planned"] - slots["realised"]).abs().sum(axis=1)
    assert (distance < 2 * np.sqrt(k / (2 * np.pi * slots["events"]))).all(), distance
    # enterprise companies log in mostly in office hours: their mornings outweigh the others'.
    mornings = slots["components"].loc["weekday_mornings"] > 0
    share = slots["realised"].loc[:, mornings.to_numpy()].sum(axis=1)
    assert share["enterprise"] > share.drop("enterprise").max()


def test_treatment_is_empty_for_the_template(saas_data):
    assert warehouse.treatment_arms(saas_data).empty


def test_lifecycle_counts_arrivals_and_endings():
    data = load(resolve_plan(ps.load_template("saas")))
    frame = warehouse.lifecycle(data)
    entities = data.truth["truth_entities"]
    assert frame["arrivals"].sum() == (entities["start_period"] > 0).sum() > 0
    assert frame["endings"].sum() == entities["end_period"].notna().sum() == len(data.tables["evt_churn"])
    assert frame.groupby("period_index")["active"].sum().max() <= data.plan.entity_count


def test_treatment_arms_recover_the_expected_effect(tmp_path):
    data = load(resolve_plan(ps.load_config(TRIAL)))
    frame = warehouse.treatment_arms(data)
    first = frame.iloc[0]
    assert set(frame["treatment_group"]) == {"treatment", "control"} and first["metric"] == "activity"
    # Standard error of a difference of two arm means of per-entity changes (150 entities each).
    cells = data.cells[data.cells["segment"] == "trial"]
    after = cells["period_index"] >= first["start_period"]
    change = cells[after].groupby("entity_id")["activity"].mean() - cells[~after].groupby("entity_id")["activity"].mean()
    se = change.std() * np.sqrt(2 / 150)
    assert abs(first["realised_effect"] - first["expected_effect"]) < 4 * se
    assert first["expected_effect"] > 4 * se  # the lift is visible, not noise


@pytest.mark.parametrize("entities, wanted, blocks", [(600, 20_000, 1), (5000, 2048, 2), (5000, 20_000, 5), (100_000, 20_000, 20)])
def test_entity_ranges_spread_key_blocks_over_the_entities(entities, wanted, blocks):
    ranges = entity_ranges(entities, wanted)
    assert len(ranges) == blocks and ranges[0][0] == 0 and ranges[-1][1] == entities
    assert all(stop - start <= 1024 and start % 1024 == 0 for start, stop in ranges)


def test_a_sampled_report_reads_exactly_the_full_run_rows_of_its_blocks():
    config = ps.create(
        about="Accounts",
        unit="account",
        window=("2024-01", "2024-06", "monthly"),
        metrics=[{"name": "engagement", "type": "score"}],
        seed=3,
        segments=[{"name": "up", "count": 2000, "archetype": "growth"}, {"name": "down", "count": 1500, "archetype": "decline"}],
    )
    plan = resolve_plan(config)
    data = load(plan, max_entities=2048)  # key blocks 0 (up) and 3 (the last 428 of down) of 4
    assert data.sampled == 1024 + 428 and set(data.cells["segment"]) == {"up", "down"}
    full = generate_arrow(plan, tables=["fct_account"])[0]["fct_account"].to_pandas()
    ids = data.cells["entity_id"].unique()
    expected = full[full["account_id"].isin(ids)].sort_values(["account_id", "date_key"])["engagement"].to_numpy()
    assert np.array_equal(data.cells["engagement"].to_numpy(), expected)
