"""The report's metric-story frames on the saas template: what they show as realised agrees with
what the truth tables plan, within tolerances derived from the sample sizes."""

from __future__ import annotations

import numpy as np

from plotsim_dbt.report import story


def test_realised_correlations_sit_on_the_planned_ones(saas_data):
    pairs = story.correlations(saas_data)
    # two of the four connections involve mrr, which is scaled by the plan tier's price: left out
    assert len(pairs) == 2 and (pairs["cells"] == len(saas_data.tables["fct_revenue"])).all()
    # Cells of one entity share its trajectory, so count entities, not cells: the standard error
    # of a Pearson r over n independent units is about (1 - r^2) / sqrt(n).
    tolerance = 4 * (1 - pairs["delivered"] ** 2) / np.sqrt(pairs["entities"])
    assert ((pairs["realised"] - pairs["delivered"]).abs() < tolerance).all(), pairs


def test_the_realised_matrix_covers_every_metric_in_a_fact(saas_data):
    matrix = story.realised_matrix(saas_data)
    assert list(matrix.columns) == saas_data.metrics and len(saas_data.metrics) == 7
    assert np.allclose(np.diag(matrix), 1)


def test_the_cross_correlation_peaks_at_the_planned_lag(saas_data):
    frame = story.lags(saas_data)
    lag = frame.drop_duplicates(["driver", "follower"]).iloc[0]
    assert (lag["driver"], lag["follower"], lag["planned"]) == ("engagement", "support_tickets", 2)
    assert lag["best"] == lag["planned"]
    assert frame["shift"].max() >= lag["planned"] + 2  # shifts reach past the planned delay


def test_the_position_read_back_from_the_data_follows_the_entities_trajectories(saas_data):
    frame = story.trajectories(saas_data)
    assert len(frame) == 6 * 24 and frame[["planned", "entity_mean", "from_data"]].notna().all().all()
    gap = (frame["from_data"] - frame["entity_mean"]).abs()
    # Each point is a median over 60-150 entities of noisy cells: a typical error of a few hundredths.
    assert gap.groupby(frame["segment"]).mean().max() < 0.03
    assert gap.max() < 0.1
    # The planned archetype is the segment's curve: growth rises, decline falls.
    growth = frame[frame["segment"] == "rapid_adopter"]["planned"].to_numpy()
    decline = frame[frame["segment"] == "churning"]["planned"].to_numpy()
    assert growth[-1] > growth[0] + 0.4 and decline[-1] < decline[0] - 0.4


def test_metric_bands_hold_the_mean_inside_the_band(saas_data):
    frame = story.metric_bands(saas_data)
    assert len(frame) == 7 * 6 * 24
    # mrr is seats x the tier's price: a mixture whose mean can leave the middle band
    plain = frame[frame["metric"] != "mrr"]
    assert ((plain["low"] <= plain["mean"]) & (plain["mean"] <= plain["high"])).all()
    assert frame["centre"].notna().all()


def test_realised_seasonal_lift_matches_the_planned_months(saas_data):
    frame = story.seasonality(saas_data).set_index("month")
    # saas: +0.15 in November and December, -0.10 in July and August (at_risk at 1.5x).
    assert (frame.loc[[11, 12], "planned"] > 0.1).all() and (frame.loc[[7, 8], "planned"] < -0.05).all()
    assert (frame.loc[[1, 2, 3, 4, 5, 6, 9, 10], "planned"] == 0).all()
    # A month's value is a median over ~70 segment-metric cells, each a location of 60-150 values.
    assert ((frame["realised"] - frame["planned"]).abs() < 0.03).all(), frame
