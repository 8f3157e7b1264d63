import numpy as np
import pandas as pd
import pytest

from plotsim_dbt.calendar import FULL_VOCAB, DOWHour, create_full_vocab, slots
from plotsim_dbt.calendar.vocab import (
    FULL_VOCAB_STRINGS,
    format_vocab,
    get_day_hour,
    make_human_readable,
    timestamp_features,
    timestamps_to_slots,
)


def test_full_vocab_is_day_major_168():
    assert isinstance(FULL_VOCAB, pd.MultiIndex)
    assert list(FULL_VOCAB.names) == ["day_of_week", "hour"]
    assert len(FULL_VOCAB) == 168
    assert FULL_VOCAB[0] == (0, 0) and FULL_VOCAB[23] == (0, 23) and FULL_VOCAB[24] == (1, 0) and FULL_VOCAB[167] == (6, 23)
    for j in (0, 37, 100, 167):
        assert FULL_VOCAB[j] == (j // 24, j % 24)
    assert FULL_VOCAB_STRINGS[167] == "06 23"


def test_other_slot_sizes():
    assert len(create_full_vocab(minutes=30)) == 336
    assert len(create_full_vocab(minutes=120)) == 84
    assert len(create_full_vocab(minutes=45)) == 224
    assert list(create_full_vocab(minutes=120).get_level_values(1)[:3]) == [0, 2, 4]
    assert list(create_full_vocab(minutes=30, as_multiindex=False)[:2]) == ["00 00.00", "00 00.50"]
    with pytest.raises(ValueError):
        create_full_vocab(minutes=7)


def test_timestamps_to_slots_matches_dayofweek_and_hour_floor():
    ts = pd.Series(pd.date_range("2024-01-01", periods=400, freq="37min"))  # 2024-01-01 is a Monday
    expected = ts.dt.day_of_week.to_numpy() * 24 + ts.dt.hour.to_numpy()
    np.testing.assert_array_equal(timestamps_to_slots(ts), expected)
    edge = pd.Series(pd.to_datetime(["2024-01-01 07:59:59.999999", "2024-01-07 23:30:00"], format="ISO8601"))
    assert list(timestamps_to_slots(edge)) == [7, 167]
    assert list(timestamps_to_slots(pd.Series([pd.NaT, pd.Timestamp("2024-01-02 01:00")]))) == [-1, 25]


def test_tz_aware_uses_wall_clock():
    ts = pd.Series(pd.to_datetime(["2024-01-01 00:30"]).tz_localize("UTC").tz_convert("America/New_York"))
    assert timestamps_to_slots(ts)[0] == 6 * 24 + 19  # Sunday 19:30 local


def test_timestamp_features_discretised_and_raw():
    ts = pd.Series(pd.to_datetime(["2024-01-03 13:45:00"]))
    f = timestamp_features(ts, create_vocab=True)
    assert f.loc[0, "day_of_week"] == 2 and f.loc[0, "hour"] == 13 and f.loc[0, "vocab"] == "02 13"
    raw = timestamp_features(ts, discretize=False)
    assert raw.loc[0, "hour"] == pytest.approx(13.75)
    half = timestamp_features(ts, minutes=30, create_vocab=True)
    assert half.loc[0, "hour"] == 13.5 and half.loc[0, "vocab"] == "02 13.50"


def test_string_labels_round_trip():
    assert format_vocab(6, 23) == "06 23"
    assert get_day_hour("03 14") == (3, 14)
    assert make_human_readable("02 13") == "Wednesday 1pm"
    assert make_human_readable("00 00") == "Monday 12am"


def test_dowhour():
    assert DOWHour(6, 23).slot == 167
    assert DOWHour(6, 23) + 2 == DOWHour(0, 1)
    assert DOWHour(1, 0).is_after(DOWHour(0, 23))
    assert DOWHour.from_vocab("04 09") == DOWHour(4, 9)
    with pytest.raises(ValueError):
        DOWHour(7, 0)
    with pytest.raises(ValueError):
        DOWHour(0, 25)


def test_slots_helpers():
    assert slots.TIME_SLOTS == 168
    assert slots.slot_of(np.array([0, 6]), np.array([0, 23])).tolist() == [0, 167]
    assert np.flatnonzero(slots.range_mask(167, 1)).tolist() == [0, 167]
    assert slots.range_mask(5, 5).sum() == 0
    assert slots.range_mask(0, 168).sum() == 168
    counts = slots.count_matrix(np.array([0, 0, 1]), np.array([3, 3, 167]), 2)
    assert counts.shape == (2, 168) and counts[0, 3] == 2 and counts[1, 167] == 1


def test_dirichlet_rows_handles_tiny_and_zero_alpha():
    rng = np.random.default_rng(0)
    w = slots.dirichlet_rows(rng, np.tile([1e-4, 0.0, 1e-3], (1000, 1)))
    assert np.isfinite(w).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (w[:, 1] == 0).all()
    with pytest.raises(ValueError):
        slots.dirichlet_rows(rng, np.zeros((2, 3)))


def test_sample_event_slots_respects_support_and_counts():
    rng = np.random.default_rng(1)
    comps = np.zeros((2, 168))
    comps[0, :10] = 1
    comps[1, 160:] = 1
    weights = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    entity, component, slot = slots.sample_event_slots(rng, weights, comps / comps.sum(1, keepdims=True), np.array([100, 50, 0]))
    assert entity.tolist() == [0] * 100 + [1] * 50
    assert (component[:100] == 0).all() and (component[100:] == 1).all()
    assert (slot[:100] < 10).all() and (slot[100:] >= 160).all()
