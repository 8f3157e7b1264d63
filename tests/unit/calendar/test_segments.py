import numpy as np
import pandas as pd
import pytest

from plotsim_dbt.calendar import FULL_VOCAB, DOWHour
from plotsim_dbt.calendar.segments import (
    create_blank_segment_series,
    create_box_segment,
    create_dow_segments,
    create_empty_template,
    create_every_hour_segments,
    create_hourly_segment,
    create_series_for_range,
    get_vocab_for_range,
    segments_from_template,
    stack_segments,
)


def active(seg):
    return [tuple(x) for x in seg.index[seg.to_numpy() > 0]]


def test_weekday_mornings_box_has_15_slots():
    seg = create_box_segment(day_start=0, day_end=5, hour_start=7, hour_end=10, name="Weekday mornings")
    assert seg.index.equals(FULL_VOCAB) and seg.name == "Weekday mornings"
    assert seg.sum() == 15 and set(np.unique(seg)) == {0, 1}
    assert active(seg) == [(d, h) for d in range(5) for h in (7, 8, 9)]


def test_box_default_name_and_end_exclusive():
    seg = create_box_segment(1, 2, 0, 1)
    assert seg.name == "1-2 0-1" and active(seg) == [(1, 0)]


def test_overnight_box_is_per_day():
    seg = create_box_segment(0, 1, 22, 2)
    assert seg.sum() == 4 and seg.max() == 1
    assert active(seg) == [(0, 0), (0, 1), (0, 22), (0, 23)]
    week = create_box_segment(0, 7, 22, 2)
    assert week.sum() == 28 and week.max() == 1  # the reference gives 1036 with values up to 7


@pytest.mark.parametrize(
    "box, size",
    [((0, 7, 0, 24), 168), ((0, 7, 6, 11), 35), ((0, 7, 17, 22), 35), ((5, 7, 0, 24), 48), ((0, 5, 9, 17), 40), ((3, 3, 0, 24), 0)],
)
def test_whole_week_and_other_boxes(box, size):
    assert create_box_segment(*box).sum() == size


def test_box_rejects_bad_ranges():
    with pytest.raises(ValueError):
        create_box_segment(3, 2, 0, 24)  # no day wraparound
    with pytest.raises(ValueError):
        create_box_segment(0, 8, 0, 24)
    with pytest.raises(ValueError):
        create_box_segment(0, 1, 0, 25)


def test_hourly_range_wraps_past_sunday():
    seg = create_hourly_segment(DOWHour(6, 23), DOWHour(0, 1), name="late Sunday")
    assert seg.name == "late Sunday" and active(seg) == [(0, 0), (6, 23)]
    assert create_series_for_range((2, 5), (2, 0)).sum() == 163
    assert create_series_for_range((2, 5), (2, 5)).sum() == 0
    assert create_series_for_range((4, 18), (6, 24)).sum() == 6 + 48
    assert get_vocab_for_range("06 22", "00 01") == [(0, 0), (6, 22), (6, 23)]  # (day, hour) pairs, slot order
    assert get_vocab_for_range(DOWHour(0, 9), DOWHour(0, 11)) == [(0, 9), (0, 10)]
    with pytest.raises(ValueError):
        get_vocab_for_range((7, 0), (0, 1))
    with pytest.raises(ValueError):
        get_vocab_for_range((0, 0), (0, 25))
    assert create_hourly_segment((0, 9), (0, 12)).name == "00 09-00 12"


def test_stack_segments_rows_in_order():
    a = create_box_segment(0, 5, 7, 10, name="a")
    b = create_box_segment(0, 5, 18, 22, name="b")
    df = stack_segments([a, b, stack_segments([a])])
    assert df.shape == (3, 168) and list(df.index) == ["a", "b", "a"]
    assert df.columns.equals(FULL_VOCAB) and list(df.columns.names) == ["day_of_week", "hour"]
    assert df.index.name is None  # unnamed, as latent-calendar's concatenation of named Series
    assert df.sum(axis=1).tolist() == [15, 20, 15]


def test_stack_segments_aligns_string_labelled_series():
    a = create_box_segment(0, 1, 0, 2, name="a")
    shuffled = pd.Series(a.to_numpy(), index=[f"{d:02d} {h:02d}" for d, h in FULL_VOCAB], name="a").iloc[::-1]
    assert stack_segments([shuffled]).iloc[0].equals(stack_segments([a]).iloc[0])


def test_dow_and_every_hour_segments():
    dow = create_dow_segments()
    assert dow.shape == (7, 168) and list(dow.index)[:2] == ["00-Mon", "01-Tue"] and (dow.sum(axis=1) == 24).all()
    assert (dow.sum(axis=0) == 1).all()
    every = create_every_hour_segments()
    assert every.shape == (168, 168) and every.index[167] == "06 23" and every.index.name is None and dow.index.name is None
    np.testing.assert_array_equal(every.to_numpy(), np.eye(168))


def test_blank_and_template():
    assert create_blank_segment_series().sum() == 0
    tpl = create_empty_template()
    assert tpl.shape == (24, 7)
    tpl.loc[7:9, ["Mon", "Tue"]] = "commute"
    tpl.loc[12, "Sun"] = "lunch"
    segs = segments_from_template(tpl)
    assert list(segs.index) == ["commute", "lunch"]
    assert segs.loc["commute"].sum() == 6 and active(segs.loc["lunch"]) == [(6, 12)]
