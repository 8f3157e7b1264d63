"""Events -> wide format transformers: round trips, input kinds, options, pipelines, bad arguments."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from plotsim_dbt.calendar import DummyModel, LatentCalendar
from plotsim_dbt.calendar.generate import wide_to_events
from plotsim_dbt.calendar.transformers import (
    CalendarTimestampFeatures,
    HourDiscretizer,
    LongToWide,
    RawToVocab,
    VocabAggregation,
    VocabTransformer,
    create_raw_to_vocab_transformer,
    create_timestamp_feature_pipeline,
)
from plotsim_dbt.calendar.vocab import FULL_VOCAB, create_full_vocab


@pytest.fixture
def sampled(three_boxes):
    _, wide = DummyModel.from_segments(three_boxes).create_sampler(random_state=0).sample([30, 0, 5, 80, 12])
    wide.index.name = "user_id"
    return wide


def test_round_trip_events_wide_events_wide_preserves_counts(sampled):
    events = wide_to_events(sampled, weeks=6, random_state=1)
    assert len(events) == sampled.to_numpy().sum() and list(events.columns) == ["user_id", "timestamp"]
    wide = RawToVocab("user_id", "timestamp", min_events=0).fit_transform(events)
    # user 1 had no events, so it has no event rows and no wide row
    np.testing.assert_array_equal(wide.to_numpy(), sampled.drop(index=1).to_numpy())
    assert wide.columns.equals(FULL_VOCAB) and wide.index.name == "user_id"
    again = RawToVocab("user_id", "timestamp").fit_transform(wide_to_events(wide, start="2023-01-02", random_state=2))
    assert again.equals(wide)


@pytest.mark.parametrize("minutes, per_day", [(30, 48), (60, 24), (120, 12)])
def test_other_slot_sizes_round_trip(minutes, per_day):
    rng = np.random.default_rng(minutes)
    wide = pd.DataFrame(rng.poisson(0.3, size=(4, 7 * per_day)), columns=create_full_vocab(minutes=minutes))
    events = wide_to_events(wide, random_state=0)
    out = RawToVocab("id", "timestamp", minutes=minutes, min_events=0).fit_transform(events)
    assert out.shape[1] == 7 * per_day and out.columns.equals(wide.columns)
    np.testing.assert_array_equal(out.to_numpy(), wide.loc[out.index].to_numpy())


def test_hourly_counts_are_the_sum_of_half_hour_counts(sampled):
    events = wide_to_events(sampled, random_state=5)
    half = RawToVocab("user_id", "timestamp", minutes=30).fit_transform(events).to_numpy()
    hourly = RawToVocab("user_id", "timestamp").fit_transform(events).to_numpy()
    np.testing.assert_array_equal(half.reshape(len(half), 168, 2).sum(axis=2), hourly)


def test_pooled_min_events_and_string_vocab(sampled):
    events = wide_to_events(sampled, random_state=3)
    pooled = RawToVocab(None, "timestamp").fit_transform(events)
    assert list(pooled.index) == ["all"]
    np.testing.assert_array_equal(pooled.to_numpy()[0], sampled.to_numpy().sum(axis=0))
    kept = RawToVocab("user_id", "timestamp", min_events=12).fit_transform(events)
    assert list(kept.index) == [0, 3, 4]
    strings = RawToVocab("user_id", "timestamp", as_multiindex=False).fit_transform(events)
    assert strings.columns[0] == "00 00" and strings.columns[-1] == "06 23"


def test_input_from_duckdb_and_arrow(sampled):
    events = wide_to_events(sampled, random_state=7)
    expected = RawToVocab("user_id", "timestamp").fit_transform(events)
    con = duckdb.connect()
    con.register("events", events)
    relation = con.sql("select user_id, timestamp from events")
    assert RawToVocab("user_id", "timestamp").fit_transform(relation).equals(expected)
    assert RawToVocab("user_id", "timestamp").fit_transform(pa.Table.from_pandas(events)).equals(expected)
    with pytest.raises(TypeError, match="DuckDB relation"):
        RawToVocab("user_id", "timestamp").fit_transform([1, 2, 3])


def test_step_by_step_pipeline_equals_the_one_step_transformer(sampled):
    events = wide_to_events(sampled, random_state=8)
    steps = Pipeline(
        [
            ("features", create_timestamp_feature_pipeline("timestamp", create_vocab=False)),
            ("aggregate", VocabAggregation(["user_id", "day_of_week", "hour"])),
            ("widen", LongToWide()),
        ]
    )
    assert steps.fit_transform(events).equals(create_raw_to_vocab_transformer("user_id", "timestamp").fit_transform(events))
    long = RawToVocab("user_id", "timestamp", widen=False).fit_transform(events)
    assert list(long.index.names) == ["user_id", "day_of_week", "hour"] and long["num_events"].sum() == len(events)


def test_features_discretizer_and_vocab():
    frame = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01 07:59:59.999", "2024-01-07 23:45:00.000", "2024-01-03 10:20:00.000"])})
    features = CalendarTimestampFeatures("ts").fit_transform(frame)
    assert features["day_of_week"].tolist() == [0, 6, 2]
    assert features["hour"].iloc[1] == pytest.approx(23.75)
    assert HourDiscretizer(minutes=60).fit_transform(features)["hour"].tolist() == [7, 23, 10]
    assert HourDiscretizer(minutes=20).fit_transform(features)["hour"].tolist() == pytest.approx([23 / 3, 71 / 3, 31 / 3])  # 07:40, 23:40, 10:20
    half = HourDiscretizer(minutes=30).fit_transform(features)
    assert VocabTransformer(minutes=30).fit_transform(half)["vocab"].tolist() == ["00 07.50", "06 23.50", "02 10.00"]
    assert create_timestamp_feature_pipeline("ts").fit_transform(frame)["vocab"].tolist() == ["00 07", "06 23", "02 10"]


def test_in_a_pipeline_with_latent_calendar_and_clone(sampled):
    events = wide_to_events(sampled, random_state=9)
    pipe = Pipeline([("wide", RawToVocab("user_id", "timestamp")), ("model", LatentCalendar(n_components=3, random_state=0))])
    mixtures = pipe.fit_transform(events)
    assert mixtures.shape == (4, 3) and np.allclose(mixtures.sum(axis=1), 1)
    assert clone(pipe)["wide"].get_params()["timestamp_col"] == "timestamp"


@pytest.mark.parametrize(
    "make",
    [
        lambda: RawToVocab("user_id", "timestamp", minutes=7),
        lambda: RawToVocab("user_id", "timestamp", minutes=0),
        lambda: RawToVocab("user_id", "timestamp", min_events=-1),
        lambda: HourDiscretizer(minutes=-30),
        lambda: VocabAggregation([]),
    ],
)
def test_out_of_range_arguments_raise_value_error(make):
    with pytest.raises(ValueError):
        make().fit(None)


def test_missing_columns_and_bad_wide_input(sampled):
    events = wide_to_events(sampled, random_state=1)
    with pytest.raises(ValueError, match="no column 'company_id'"):
        RawToVocab("company_id", "timestamp").fit_transform(events)
    with pytest.raises(ValueError, match="Monday"):
        wide_to_events(sampled, start="2024-01-02")
    with pytest.raises(ValueError, match="weeks"):
        wide_to_events(sampled, weeks=0)
    with pytest.raises(ValueError, match="non-negative"):
        wide_to_events(sampled * -1)
    with pytest.raises(ValueError, match="7 x"):
        wide_to_events(sampled.iloc[:, :100])
