"""A segment's own range of a metric (``ranges`` or a ``baseline`` third): its centre moves across
that range, its cells are drawn there, the truth records it, and bad input is one ConfigError."""

from __future__ import annotations

import math

import numpy as np
import pytest

import plotsim_dbt as ps

THIRDS = {"high": (200 / 3, 100.0), "mid": (100 / 3, 200 / 3), "low": (0.0, 100 / 3)}  # of the range [0, 100]


def config(metrics=None, **segment):
    """Four segments of 300 entities x 12 months, no variation, no noise; the first carries ``segment``."""
    metrics = metrics or [{"name": "score", "type": "score"}, {"name": "level", "type": "score", "range": [0, 100]}]
    return ps.create(
        about="segment ranges",
        unit="acct",
        window=("2024-01", "2024-12"),
        metrics=metrics,
        segments=[
            {"name": "first", "count": 300, "archetype": "plateau(level=0.7)", **segment},
            {"name": "up", "count": 300, "archetype": "growth", "baseline": {"score": "high", "level": "high"}},
            {"name": "middle", "count": 300, "archetype": "decline", "baseline": {"score": "mid", "level": "mid"}},
            {"name": "down", "count": 300, "archetype": "growth", "baseline": {"score": "low", "level": "low"}},
        ],
        variation=0.0,
        seed=11,
    )


def cells_by_segment(cfg) -> tuple[dict, dict]:
    tables, state = ps.generate_tables_with_state(cfg)
    fact = tables["fct_acct"]
    segment = np.repeat([s.name for s in cfg.segments], [s.count for s in cfg.segments])[fact["acct_id"].to_numpy() - 1]
    return {name: fact[segment == name] for name in np.unique(segment)}, state.truth


@pytest.mark.parametrize("word, segment", [("high", "up"), ("mid", "middle"), ("low", "down")])
def test_every_cell_of_a_bounded_family_lies_in_its_baseline_third(word, segment):
    cells, truth = cells_by_segment(config())
    low, high = THIRDS[word]
    level = cells[segment]["level"]
    assert level.between(low, high).all(), (level.min(), level.max())
    assert cells[segment]["score"].between(low / 100, high / 100).all()
    centres = truth["truth_centres"].to_pandas()
    rows = centres[centres["segment"] == segment]
    by_metric = rows.groupby("metric")[["centre_low", "centre_high"]].agg(["min", "max"])
    assert by_metric.loc["level"].tolist() == pytest.approx([low, low, high, high])
    assert by_metric.loc["score"].tolist() == pytest.approx([low / 100, low / 100, high / 100, high / 100])
    assert rows["centre"].between(rows["centre_low"], rows["centre_high"]).all()


def test_a_segment_without_a_range_keeps_the_metric_range_in_the_truth():
    _, truth = cells_by_segment(config())
    centres = truth["truth_centres"].to_pandas()
    rows = centres[(centres["segment"] == "first") & (centres["metric"] == "level")]
    assert (rows["centre_low"] == 0).all() and (rows["centre_high"] == 100).all()
    metrics = truth["truth_metrics"].to_pandas().set_index("metric")
    assert metrics.loc["level", ["centre_low", "centre_high"]].tolist() == [0, 100]  # the metric's own range is unchanged


def test_the_mean_of_an_unbounded_family_follows_the_narrowed_centre():
    """A normal metric: a segment's cells average its planned centres. sigma is a tenth of the
    segment's range (30 / 10 = 3); the mean of n = 300 x 12 = 3,600 independent cells has sd
    3 / 60 = 0.05, so 0.25 is 5 sd (the clamp at 0 and 100 sits over 10 sd from every centre)."""
    metrics = [{"name": "score", "type": "score"}, {"name": "level", "distribution": "normal", "range": [0, 100]}]
    cells, truth = cells_by_segment(config(metrics, ranges={"level": [60, 90]}))
    centres = truth["truth_centres"].to_pandas()
    planned = centres[(centres["segment"] == "first") & (centres["metric"] == "level")]
    assert planned["centre_low"].unique().tolist() == [60] and planned["centre_high"].unique().tolist() == [90]
    assert cells["first"]["level"].mean() == pytest.approx(planned["centre"].mean(), abs=0.25)
    sd = cells["first"]["level"].std()
    assert sd == pytest.approx(3.0, rel=5 / math.sqrt(2 * 3600))  # the sd of a sample sd is sigma / sqrt(2n)


def test_builder_and_our_spelling_of_a_baseline_give_the_same_data():
    """baseline: high is the same as ranges: the top third, written out."""
    by_word, _ = cells_by_segment(config(baseline={"level": "high"}))
    by_range, _ = cells_by_segment(config(ranges={"level": [200 / 3, 100]}))
    assert by_word["first"]["level"].equals(by_range["first"]["level"])


@pytest.mark.parametrize(
    "segment, field, words",
    [
        ({"ranges": {"nope": [1, 2]}}, "segments.0.ranges.nope", "not a declared metric"),
        ({"baseline": {"nope": "high"}}, "segments.0.baseline.nope", "not a declared metric"),
        ({"ranges": {"level": [50, 120]}}, "segments.0.ranges.level", "inside the range [0.0, 100.0]"),
        ({"ranges": {"level": [60, 40]}}, "segments.0.ranges.level", "low < high"),
        ({"ranges": {"visits": [1, 3]}}, "segments.0.ranges.visits", "no range to narrow"),
        ({"baseline": {"level": "top"}}, "segments.0.baseline.level", "'high', 'mid' or 'low'"),
        ({"baseline": {"level": "high"}, "ranges": {"level": [1, 2]}}, "segments.0.baseline.level", "both a range and a baseline"),
    ],
)
def test_a_bad_segment_range_is_one_error_naming_the_field(segment, field, words):
    metrics = [{"name": "score", "type": "score"}, {"name": "level", "type": "score", "range": [0, 100]}, {"name": "visits", "type": "count"}]
    with pytest.raises(ps.ConfigError) as info:
        config(metrics, **segment)
    assert info.value.field == field and words in info.value.message, (info.value.field, info.value.message)


def test_a_baseline_on_a_count_without_a_range_warns_and_narrows_nothing():
    """As the reference skips it: the count keeps its full range (a `ranges` entry there is still an error)."""
    metrics = [{"name": "score", "type": "score"}, {"name": "level", "type": "score", "range": [0, 100]}, {"name": "visits", "type": "count"}]
    with pytest.warns(UserWarning, match=r"segments\.0\.baseline\.visits: 'visits' is a count without a range"):
        cfg = config(metrics, baseline={"visits": "high"})
    assert cfg.segments[0].baseline == {}
