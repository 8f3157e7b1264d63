import numpy as np
import pandas as pd
import pytest

from plotsim_dbt.calendar import FULL_VOCAB
from plotsim_dbt.calendar.generate import wide_format_dataframe
from plotsim_dbt.calendar.segments import create_box_segment, stack_segments


@pytest.fixture
def wide():
    return wide_format_dataframe(n_rows=6, rate=2.0, random_state=3)


def test_sum_over_segments_matches_hand_computation(wide, mornings_evenings):
    got = wide.cal.sum_over_segments(mornings_evenings)
    assert list(got.columns) == ["Mornings", "Evenings"] and got.index.equals(wide.index)
    values = wide.to_numpy()
    by_hand_m = sum(values[:, d * 24 + h] for d in range(5) for h in (7, 8, 9))
    by_hand_e = sum(values[:, d * 24 + h] for d in range(5) for h in (18, 19, 20, 21))
    np.testing.assert_array_equal(got["Mornings"], by_hand_m)
    np.testing.assert_array_equal(got["Evenings"], by_hand_e)


def test_sum_over_segments_all_ones_row():
    ones = pd.DataFrame(np.ones((1, 168), dtype=int), columns=FULL_VOCAB)
    segs = stack_segments([create_box_segment(0, 7, h, h + 5, name=str(h)) for h in (6, 12, 17)])
    assert ones.cal.sum_over_segments(segs).iloc[0].tolist() == [35, 35, 35]


def test_sum_over_segments_aligns_by_label(wide, mornings_evenings):
    shuffled = mornings_evenings.iloc[:, ::-1]
    pd.testing.assert_frame_equal(wide.cal.sum_over_segments(shuffled), wide.cal.sum_over_segments(mornings_evenings))
    with pytest.raises(ValueError):
        wide.cal.sum_over_segments(mornings_evenings.iloc[:, :100])


def test_series_sum_over_segments(wide, mornings_evenings):
    row = wide.iloc[2]
    got = row.cal.sum_over_segments(mornings_evenings)
    assert got.tolist() == wide.cal.sum_over_segments(mornings_evenings).iloc[2].tolist()


def test_divide_by_sum_and_max(wide):
    p = wide.cal.divide_by_sum()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p.to_numpy(), wide.to_numpy() / wide.to_numpy().sum(axis=1, keepdims=True))
    m = wide.cal.divide_by_max()
    np.testing.assert_allclose(m.max(axis=1), 1.0)
    np.testing.assert_allclose(wide.iloc[0].cal.divide_by_sum().sum(), 1.0)
    np.testing.assert_allclose(wide.cal.divide_by_sum().cal.divide_by_even_rate().mean(axis=1), 1.0)


def test_conditional_probabilities(wide):
    by_day = wide.cal.conditional_probabilities(level=0)
    cube = wide.to_numpy().reshape(len(wide), 7, 24).astype(float)
    np.testing.assert_allclose(by_day.to_numpy().reshape(len(wide), 7, 24), cube / cube.sum(axis=2, keepdims=True))
    by_hour = wide.cal.conditional_probabilities(level="hour")
    np.testing.assert_allclose(by_hour.to_numpy().reshape(len(wide), 7, 24), cube / cube.sum(axis=1, keepdims=True))
    row = wide.iloc[0].cal.conditional_probabilities(level=0)
    np.testing.assert_allclose(row.to_numpy(), by_day.iloc[0].to_numpy())


def test_sum_over_vocab_and_next_hours(wide):
    dow = wide.cal.sum_over_vocab("dow")
    hour = wide.cal.sum_over_vocab("hour")
    cube = wide.to_numpy().reshape(len(wide), 7, 24)
    np.testing.assert_array_equal(dow.to_numpy(), cube.sum(axis=2))
    np.testing.assert_array_equal(hour.to_numpy(), cube.sum(axis=1))
    spike = pd.DataFrame(np.eye(168, dtype=int)[[0]], columns=FULL_VOCAB)
    assert np.flatnonzero(spike.cal.sum_next_hours(2).iloc[0]).tolist() == [0, 166, 167]
    assert wide.cal.sum_next_hours(0).equals(wide)


def test_aggregate_events_dataframe_and_series():
    ts = pd.to_datetime(["2024-01-01 00:30:00", "2024-01-01 07:59:59", "2024-01-07 23:10:00", "2024-01-03 13:00:00", "2024-01-10 13:20:00", None])
    events = pd.DataFrame({"user": ["u1", "u1", "u2", "u3", "u3", "u3"], "kind": list("aabbba"), "ts": ts})
    wide = events.cal.aggregate_events(by="user", timestamp_col="ts")
    assert wide.shape == (3, 168) and wide.columns.equals(FULL_VOCAB) and list(wide.index) == ["u1", "u2", "u3"]
    assert wide.sum(axis=1).tolist() == [2, 1, 2]  # the NaT row is dropped
    assert wide.loc["u1", (0, 0)] == 1 and wide.loc["u1", (0, 7)] == 1 and wide.loc["u2", (6, 23)] == 1
    assert wide.loc["u3", (2, 13)] == 2  # two Wednesdays, same slot
    two = events.cal.aggregate_events(by=["user", "kind"], timestamp_col="ts")
    assert two.index.names == ["user", "kind"] and two.shape == (3, 168)
    row = events["ts"].cal.aggregate_events()
    assert row.sum() == 5 and row.index.equals(FULL_VOCAB) and row[(2, 13)] == 2
    half = events.cal.aggregate_events(by="user", timestamp_col="ts", minutes=30, as_multiindex=False)
    assert half.shape == (3, 336) and half.loc["u1", "00 00.50"] == 1 and half.loc["u1", "00 07.50"] == 1


def test_long_wide_round_trip(wide):
    long = wide.cal.to_long()
    assert list(long.index.names)[-2:] == ["day_of_week", "hour"] and (long["num_events"] > 0).all()
    pd.testing.assert_frame_equal(long.cal.widen("num_events"), wide, check_names=False, check_index_type=False)


def test_accessor_requires_slot_columns():
    with pytest.raises(ValueError):
        pd.DataFrame({"a": [1], "b": [2]}).cal.sum_over_vocab()


def test_sum_over_segments_with_string_labelled_data(wide, mornings_evenings):
    labelled = wide.copy()
    labelled.columns = [f"{d:02d} {h:02d}" for d, h in FULL_VOCAB]
    pd.testing.assert_frame_equal(labelled.cal.sum_over_segments(mornings_evenings), wide.cal.sum_over_segments(mornings_evenings))
