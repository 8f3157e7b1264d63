"""Event timestamps follow each entity's weekly-calendar mixture: inside their period, on the
components' slots only, and with a total variation distance to the truth within the bound and
shrinking like 1/sqrt(n)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.calendar.slots import box_mask
from plotsim_dbt.plan.resolve import resolve_plan

DELTA = 1e-6


def config(scale: float, **calendar) -> ps.Config:
    return ps.create(
        about="calendar check",
        unit="user",
        window=("2024-01", "2024-06"),
        metrics=[{"name": "activity", "type": "score"}],
        segments=[{"name": "early", "count": 150, "archetype": "flat"}, {"name": "late", "count": 150, "archetype": "growth"}],
        dimensions=[{"name": "dim_user", "columns": [{"user_id": "id"}]}],
        facts=[{"name": "fct_user", "columns": [{"date_key": "ref.dim_date"}, {"user_id": "ref.dim_user"}, {"activity": "metric.activity"}]}],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "activity", "scale": scale},
                "columns": [{"visit_id": "id"}, {"user_id": "ref.dim_user"}, {"date_key": "ref.dim_date"}, {"seen_at": "timestamp"}],
            }
        ],
        calendar={
            "components": [
                {"name": "mornings", "days": [0, 5], "hours": [7, 10]},
                {"name": "nights", "days": [4, 7], "hours": [22, 2]},
            ],
            "weights": [2, 1],
            "segments": {"late": [1, 3]},
            **calendar,
        },
        seed=3,
    )


def observed_vs_truth(cfg: ps.Config):
    tables, state = generate_arrow(cfg)
    events = tables["evt_visit"].to_pandas()
    slot = events.seen_at.dt.day_of_week * 24 + events.seen_at.dt.hour
    counts = events.assign(slot=slot).groupby(["user_id", "slot"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(168), fill_value=0)
    mix = state.calendar_mixtures.to_pandas().pivot(index="entity_id", columns="component", values="weight")
    theta = mix[[c.name for c in cfg.calendar.components]].to_numpy()
    truth = theta @ resolve_plan(cfg).calendar.probabilities
    return events, counts, truth[counts.index.to_numpy() - 1], theta


def tv_and_bound(counts: pd.DataFrame, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = counts.sum(axis=1).to_numpy()
    tv = 0.5 * np.abs(counts.to_numpy() / n[:, None] - truth).sum(axis=1)
    support = (truth > 0).sum(axis=1)
    return tv, 0.5 * np.sqrt(support / n) + np.sqrt(np.log(1 / DELTA) / (2 * n))


def test_overnight_box_means_those_hours_on_each_chosen_day():
    nights = box_mask(4, 7, 22, 2)
    on = {(s // 24, s % 24) for s in np.flatnonzero(nights)}
    assert on == {(d, h) for d in (4, 5, 6) for h in (22, 23, 0, 1)}


def test_events_stay_on_their_support_and_inside_their_period():
    cfg = config(20)
    events, counts, truth, theta = observed_vs_truth(cfg)
    assert counts.to_numpy()[truth == 0].sum() == 0
    np.testing.assert_allclose(theta.sum(axis=1), 1.0)
    month_start = pd.to_datetime(events.date_key.astype(str), format="%Y%m%d")
    assert (events.seen_at >= month_start).all() and (events.seen_at < month_start + pd.offsets.MonthBegin(1)).all()


def test_each_entity_follows_its_own_mixture_within_the_bound_and_tv_shrinks():
    small = tv_and_bound(*observed_vs_truth(config(10))[1:3])
    large = tv_and_bound(*observed_vs_truth(config(160))[1:3])
    for tv, bound in (small, large):
        assert (tv <= bound).all()
    # 16x the events: TV falls by about 4x (sampling error ~ 1/sqrt(n)); allow 2.5x.
    assert np.mean(large[0]) < np.mean(small[0]) / 2.5


def test_segment_priors_and_concentration_shape_the_mixtures():
    _, _, _, theta = observed_vs_truth(config(1, concentration=50.0))
    early, late = theta[:150], theta[150:]
    # prior means: early 2/3 mornings, late 1/4 mornings; sd of a Dirichlet(50 * pi) weight ~ 0.06
    se = np.sqrt((2 / 3) * (1 / 3) / 51 / 150)
    assert abs(early[:, 0].mean() - 2 / 3) < 5 * se
    assert abs(late[:, 0].mean() - 1 / 4) < 5 * se
    _, _, _, spread = observed_vs_truth(config(1, concentration=0.5))
    assert spread[:150, 0].std() > 3 * early[:, 0].std()


def test_shuffling_timestamps_across_entities_breaks_the_bound():
    events, counts, truth, _ = observed_vs_truth(config(40, concentration=1.0))
    shuffled = events.assign(seen_at=events.seen_at.to_numpy()[np.random.default_rng(0).permutation(len(events))])
    slot = shuffled.seen_at.dt.day_of_week * 24 + shuffled.seen_at.dt.hour
    broken = shuffled.assign(slot=slot).groupby(["user_id", "slot"]).size().unstack(fill_value=0)
    broken = broken.reindex(index=counts.index, columns=range(168), fill_value=0)
    tv, bound = tv_and_bound(broken, truth)
    assert (tv > bound).sum() > 10


@pytest.mark.parametrize(
    "change, field",
    [
        ({"components": [{"name": "x", "days": [3, 2], "hours": [0, 1]}]}, "calendar.components.0.days"),
        ({"weights": [1]}, "calendar.weights"),
        ({"segments": {"nobody": [1, 1]}}, "calendar.segments"),
        ({"events": ["evt_nope"]}, "calendar.events"),
        ({"concentration": 0}, "calendar.concentration"),
    ],
)
def test_bad_calendar_blocks_name_the_field(change, field):
    cfg = config(1)
    data = cfg.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["calendar"] = {**data["calendar"], **change}
    with pytest.raises(ps.ConfigError) as err:
        ps.create(**data)
    assert err.value.field.startswith(field), err.value
