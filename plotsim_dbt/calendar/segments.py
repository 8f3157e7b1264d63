"""Hand-picked time segments and sums over them.

A *segment* is a pandas Series over ``FULL_VOCAB`` (168 hourly slots, 0/1 by default) whose
``name`` is its label; a *segments frame* stacks segments as rows (names as index) in the same
wide layout as the data, so ``df.cal.sum_over_segments(df_segments)`` is a matrix product.

Days and hours are start-inclusive, end-exclusive everywhere: ``create_box_segment(0, 5, 7, 10)``
is Monday-Friday 07:00-09:59 (15 slots). ``hour_start > hour_end`` is an overnight window on each
chosen day (22 -> 2 on Monday is Monday 22:00, 23:00, 00:00 and 01:00).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from . import slots as _slots
from .vocab import DAY_NAMES, DAYS_IN_WEEK, FULL_VOCAB, FULL_VOCAB_STRINGS, HOURS_IN_DAY, TIME_SLOTS, DOWHour, as_multiindex_columns

__all__ = [
    "create_blank_segment_series",
    "create_series_for_range",
    "create_hourly_segment",
    "create_box_segment",
    "stack_segments",
    "create_dow_segments",
    "create_every_hour_segments",
    "create_empty_template",
    "segments_from_template",
    "get_vocab_for_range",
    "sum_over_segments",
    "sum_array_over_segments",
    "sum_over_vocab",
    "sum_next_hours",
]


def _series(mask: np.ndarray, name=None) -> pd.Series:
    return pd.Series(np.asarray(mask, dtype=np.int64), index=FULL_VOCAB, name=name)


def _dow_hour(value) -> DOWHour:
    if isinstance(value, DOWHour):
        return value
    if isinstance(value, str):
        return DOWHour.from_vocab(value)
    dow, hour = value
    return DOWHour(dow=int(dow), hour=int(hour))


def create_blank_segment_series(name=None) -> pd.Series:
    """All-zero int segment over the 168 slots."""
    return _series(np.zeros(TIME_SLOTS), name)


def create_series_for_range(start, end) -> pd.Series:
    """1 on the half-open weekly range [start, end) (``DOWHour``, ``(dow, hour)`` or ``"DD HH"``).
    If start is after end the range wraps past Sunday 23:00 into Monday; start == end is empty."""
    a, b = _dow_hour(start), _dow_hour(end)
    return _series(_slots.range_mask(a.slot, b.slot))


def create_hourly_segment(start, end, name=None) -> pd.Series:
    """Named ``create_series_for_range``; default name ``"DD HH-DD HH"``."""
    a, b = _dow_hour(start), _dow_hour(end)
    return create_series_for_range(a, b).rename(name if name is not None else f"{a.vocab}-{b.vocab}")


def get_vocab_for_range(start, end) -> list[tuple[int, int]]:
    """The (day_of_week, hour) pairs of the slots of ``create_series_for_range(start, end)``, in
    slot order (the ``FULL_VOCAB`` labels, as latent-calendar returns them)."""
    mask = create_series_for_range(start, end).to_numpy().astype(bool)
    return [(int(d), int(h)) for d, h in FULL_VOCAB[mask]]


def create_box_segment(day_start: int, day_end: int, hour_start: int, hour_end: int, name=None) -> pd.Series:
    """0/1 segment: days [day_start, day_end) and, on each of those days, hours [hour_start,
    hour_end). ``hour_start > hour_end`` is an overnight window on each chosen day (from hour_start
    to midnight and from midnight to hour_end of that same day). Every value is 0 or 1; the size
    is (day_end - day_start) * hours per day. Default name ``"{day_start}-{day_end}
    {hour_start}-{hour_end}"``."""
    mask = _slots.box_mask(day_start, day_end, hour_start, hour_end)
    if name is None:
        name = f"{day_start}-{day_end} {hour_start}-{hour_end}"
    return _series(mask, name)


def _align_to_vocab(obj, what: str):
    """Reorder columns (DataFrame) or index (Series) of hourly wide data to FULL_VOCAB order."""
    labels = obj.columns if isinstance(obj, pd.DataFrame) else obj.index
    if labels.equals(FULL_VOCAB):
        return obj
    try:
        mi = as_multiindex_columns(labels)
    except ValueError:
        if len(labels) == TIME_SLOTS:
            return obj  # positional: taken in FULL_VOCAB order
        raise ValueError(f"{what} must have the 168 hourly slots as labels") from None
    positions = mi.get_indexer(FULL_VOCAB)
    if (positions < 0).any() or len(labels) != TIME_SLOTS:
        raise ValueError(f"{what} must cover exactly the 168 hourly slots")
    if isinstance(obj, pd.DataFrame):
        out = obj.iloc[:, positions]
        out.columns = FULL_VOCAB
    else:
        out = obj.iloc[positions]
        out.index = FULL_VOCAB
    return out


def stack_segments(segments: Iterable[pd.Series | pd.DataFrame]) -> pd.DataFrame:
    """Segments frame: one row per segment, in order (DataFrames contribute all their rows),
    columns FULL_VOCAB, index the segment names (unnamed index, duplicates allowed)."""
    rows, names = [], []
    for seg in segments:
        if isinstance(seg, pd.Series):
            rows.append(_align_to_vocab(seg, "segment").to_numpy()[None, :])
            names.append(seg.name)
        elif isinstance(seg, pd.DataFrame):
            rows.append(_align_to_vocab(seg, "segments frame").to_numpy())
            names.extend(seg.index)
        else:
            raise TypeError(f"segments must be Series or DataFrames, got {type(seg).__name__}")
    if not rows:
        raise ValueError("no segments to stack")
    values = np.vstack(rows)
    return pd.DataFrame(values, index=pd.Index(names), columns=FULL_VOCAB)


def create_dow_segments() -> pd.DataFrame:
    """7 x 168 frame: row i = all 24 hours of day i, names ``"00-Mon"`` ... ``"06-Sun"``."""
    return stack_segments([create_box_segment(d, d + 1, 0, HOURS_IN_DAY, name=f"{d:02d}-{DAY_NAMES[d]}") for d in range(DAYS_IN_WEEK)])


def create_every_hour_segments() -> pd.DataFrame:
    """168 x 168 identity frame, one segment per slot, named ``"DD HH"``."""
    return pd.DataFrame(np.eye(TIME_SLOTS, dtype=np.int64), index=pd.Index(list(FULL_VOCAB_STRINGS)), columns=FULL_VOCAB)


def create_empty_template() -> pd.DataFrame:
    """24 x 7 frame of NaN (index ``hour_start`` 0..23, columns Mon..Sun) to fill by hand with
    segment labels; turn it into segments with ``segments_from_template``."""
    return pd.DataFrame(np.nan, index=pd.RangeIndex(HOURS_IN_DAY, name="hour_start"), columns=DAY_NAMES, dtype=object)


def segments_from_template(template: pd.DataFrame) -> pd.DataFrame:
    """Segments frame from a filled ``create_empty_template``: one 0/1 segment per distinct
    non-missing label, in order of first appearance (day-major)."""
    values = template.to_numpy().T.reshape(-1)  # day-major, like the slots
    labels = [v for v in pd.unique(values) if not pd.isna(v)]
    return stack_segments([_series(values == label, label) for label in labels])


def sum_array_over_segments(X: np.ndarray, X_segments: np.ndarray) -> np.ndarray:
    """(n x V) @ (S x V).T: per row, the total of its values inside each segment."""
    return np.asarray(X) @ np.asarray(X_segments).T


def sum_over_segments(df: pd.DataFrame, df_segments: pd.DataFrame) -> pd.DataFrame:
    """Per row of ``df``, the sum of its values over each segment (n_rows x n_segments, columns =
    segment names). Segment columns are aligned to ``df``'s columns by label (the reference
    multiplies positionally); a mismatch raises."""
    segs = df_segments
    if not segs.columns.equals(df.columns):
        try:  # compare as (day_of_week, hour) pairs, so "DD HH" labels match the MultiIndex
            seg_cols, df_cols = as_multiindex_columns(segs.columns), as_multiindex_columns(df.columns)
        except ValueError:
            seg_cols, df_cols = segs.columns, df.columns
        positions = seg_cols.get_indexer(df_cols) if seg_cols.is_unique else np.array([-1])
        if (positions < 0).any() or len(segs.columns) != len(df.columns):
            raise ValueError("df_segments must have the same slot columns as the data")
        segs = segs.iloc[:, positions]
    values = sum_array_over_segments(df.to_numpy(), segs.to_numpy())
    return pd.DataFrame(values, index=df.index, columns=df_segments.index)


def sum_over_vocab(df: pd.DataFrame, aggregation: Literal["dow", "hour"] = "dow") -> pd.DataFrame:
    """Collapse wide columns to 7 day totals (``"dow"``) or 24 hour-of-day totals (``"hour"``)."""
    if aggregation not in ("dow", "hour"):
        raise ValueError(f"aggregation must be 'dow' or 'hour', got {aggregation!r}")
    columns = as_multiindex_columns(df.columns)
    level = 0 if aggregation == "dow" else 1
    keys = columns.get_level_values(level)
    out = df.T.set_axis(keys).groupby(level=0, sort=True).sum().T
    out.columns.name = columns.names[level] or ("day_of_week" if level == 0 else "hour")
    return out


def sum_next_hours(df: pd.DataFrame, hours: int) -> pd.DataFrame:
    """Column t becomes the sum of columns t, t+1, ..., t+hours (hourly wide data), wrapping from
    Sunday 23:00 to Monday 00:00. ``hours=0`` returns a copy."""
    if int(hours) != hours or hours < 0:
        raise ValueError(f"hours must be a non-negative integer, got {hours!r}")
    values = df.to_numpy()
    total = values.copy()
    for j in range(1, int(hours) + 1):
        total = total + np.roll(values, -j, axis=1)
    return pd.DataFrame(total, index=df.index, columns=df.columns)
