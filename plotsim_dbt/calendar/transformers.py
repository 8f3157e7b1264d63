"""scikit-learn transformers from a long table of events (an id column and a timestamp column) to
the wide calendar format, usable in a ``Pipeline`` before ``LatentCalendar``.

Input: a pandas DataFrame, a pyarrow Table, a DuckDB relation or query result (anything with
``.df()``) or a frame with ``to_pandas()`` (polars). Timestamps are read as wall-clock values as
stored (no timezone conversion), day_of_week 0 = Monday.

- ``RawToVocab`` (``create_raw_to_vocab_transformer``): events -> wide counts in one step, per id
  or pooled (``id_col=None``), with a minimum event count per row and any slot size
  (``minutes`` dividing 1440: 30 -> 336 slots, 60 -> 168, 120 -> 84).
- The steps one by one (``create_timestamp_feature_pipeline``): ``CalendarTimestampFeatures``
  (day_of_week, fractional hour) -> ``HourDiscretizer`` (slot start) -> ``VocabTransformer``
  (``"DD HH"`` label); then ``VocabAggregation`` (long counts) -> ``LongToWide``.

Every transformer is stateless: ``fit`` only checks its arguments, so the same object transforms
new events the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from .accessor import aggregate_events, widen
from .vocab import VOCAB_NAMES, format_vocab, slots_per_day, timestamp_features

__all__ = [
    "as_pandas",
    "create_timestamp_features",
    "create_discretized_hour",
    "raw_to_aggregate",
    "CalendarTimestampFeatures",
    "HourDiscretizer",
    "VocabTransformer",
    "VocabAggregation",
    "LongToWide",
    "RawToVocab",
    "create_raw_to_vocab_transformer",
    "create_timestamp_feature_pipeline",
]

POOLED = "all"  # row label of the pooled (id_col=None) wide row


def as_pandas(X) -> pd.DataFrame:
    """A pandas DataFrame from pandas, pyarrow, a DuckDB relation / result (``.df()``) or any frame
    with ``to_pandas()``."""
    if isinstance(X, pd.DataFrame):
        return X
    for method in ("to_pandas", "df"):
        convert = getattr(X, method, None)
        if callable(convert):
            out = convert()
            if isinstance(out, pd.DataFrame):
                return out
    raise TypeError(f"events must be a pandas DataFrame, an Arrow table or a DuckDB relation, got {type(X).__name__}")


def _check_columns(df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"events have no column {', '.join(map(repr, missing))}; columns: {', '.join(map(str, df.columns))}")


def create_timestamp_features(df, timestamp_col: str) -> pd.DataFrame:
    """``df`` with ``day_of_week`` (0 = Monday) and ``hour`` (fractional hour of day) added."""
    df = as_pandas(df)
    _check_columns(df, [timestamp_col])
    features = timestamp_features(df[timestamp_col], discretize=False)
    return df.assign(day_of_week=features["day_of_week"], hour=features["hour"])


def create_discretized_hour(df: pd.DataFrame, col: str = "hour", minutes: int = 60) -> pd.DataFrame:
    """``col`` floored to the start of its slot of ``minutes`` (ints for whole-hour slots): with
    minutes=60, 07:59:59.999 -> 7; with 30, 07:45 -> 7.5. The labels are bin * minutes / 60, the
    same numbers ``create_full_vocab`` uses."""
    slots_per_day(minutes)
    _check_columns(df, [col])
    hour = df[col].astype("Float64")
    bins = np.floor(hour * 60 / minutes + 1e-9)  # the epsilon absorbs float error below a microsecond
    labels = bins * minutes / 60
    labels = labels.astype("Int64") if minutes % 60 == 0 else labels.astype("float64")
    return df.assign(**{col: labels})


def raw_to_aggregate(df, id_col: str, timestamp_col: str, minutes: int = 60, additional_groups=None, cols=None) -> pd.DataFrame:
    """Long counts: events grouped by (id, *additional_groups, day_of_week, hour), one
    ``num_events`` column plus the sum of each of ``cols``; missing timestamps are dropped."""
    features = create_discretized_hour(create_timestamp_features(df, timestamp_col), minutes=minutes)
    return _aggregate(features, [id_col, *(additional_groups or []), *VOCAB_NAMES], cols)


def _aggregate(df: pd.DataFrame, groups: list, cols) -> pd.DataFrame:
    _check_columns(df, [*groups, *(cols or [])])
    grouped = df.dropna(subset=groups).groupby(groups, sort=True)
    out = grouped.size().rename("num_events").to_frame()
    for col in cols or []:
        out[col] = grouped[col].sum()
    return out


class _Stateless(TransformerMixin, BaseEstimator):
    def fit(self, X=None, y=None):
        self._validate()
        return self

    def _validate(self) -> None:
        """Raise ValueError on out-of-range arguments (checked again on transform); a slot width
        ``minutes``, where the transformer has one, must divide the day."""
        if hasattr(self, "minutes"):
            slots_per_day(self.minutes)


class CalendarTimestampFeatures(_Stateless):
    """Adds ``day_of_week`` (0 = Monday) and ``hour`` (fractional) from ``timestamp_col``."""

    def __init__(self, timestamp_col: str = "timestamp"):
        self.timestamp_col = timestamp_col

    def transform(self, X) -> pd.DataFrame:
        return create_timestamp_features(X, self.timestamp_col)


class HourDiscretizer(_Stateless):
    """Floors the ``col`` hour to the start of its slot of ``minutes`` (see ``create_discretized_hour``)."""

    def __init__(self, col: str = "hour", minutes: int = 60):
        self.col = col
        self.minutes = minutes

    def transform(self, X) -> pd.DataFrame:
        return create_discretized_hour(as_pandas(X), col=self.col, minutes=self.minutes)


class VocabTransformer(_Stateless):
    """Adds the string label ``vocab`` (``"DD HH"``, or ``"DD HH.HH"`` for sub-hour slots) of
    (``day_col``, ``hour_col``); the labels match ``create_full_vocab(minutes=..., as_multiindex=False)``."""

    def __init__(self, day_col: str = "day_of_week", hour_col: str = "hour", minutes: int = 60):
        self.day_col = day_col
        self.hour_col = hour_col
        self.minutes = minutes

    def transform(self, X) -> pd.DataFrame:
        self._validate()
        df = as_pandas(X)
        _check_columns(df, [self.day_col, self.hour_col])
        fractional = self.minutes % 60 != 0
        vocab = [format_vocab(d, h, fractional) if pd.notna(d) and pd.notna(h) else None for d, h in zip(df[self.day_col], df[self.hour_col])]
        return df.assign(vocab=vocab)


class VocabAggregation(_Stateless):
    """Long counts: rows grouped by ``groups`` (e.g. ``["user_id", "day_of_week", "hour"]``) into
    ``num_events``, plus the sum of each of ``cols``."""

    def __init__(self, groups: list, cols: list | None = None):
        self.groups = groups
        self.cols = cols

    def _validate(self) -> None:
        if not self.groups:
            raise ValueError("groups needs at least one column")

    def transform(self, X) -> pd.DataFrame:
        self._validate()
        return _aggregate(as_pandas(X), list(self.groups), self.cols)


class LongToWide(_Stateless):
    """Long -> wide: unstacks the last two index levels (day_of_week, hour) of ``col`` into all
    slots of ``minutes`` (missing slots 0)."""

    def __init__(self, col: str = "num_events", as_int: bool = True, minutes: int = 60, multiindex: bool = True):
        self.col = col
        self.as_int = as_int
        self.minutes = minutes
        self.multiindex = multiindex

    def transform(self, X) -> pd.DataFrame:
        return widen(as_pandas(X), column=self.col, as_int=self.as_int, minutes=self.minutes, multiindex=self.multiindex)


class RawToVocab(_Stateless):
    """Events -> calendar counts in one step.

    Parameters
    ----------
    id_col
        Column identifying the rows of the result (one row per value); ``None`` pools every event
        into one row labelled ``"all"``.
    timestamp_col
        Event timestamp column (wall clock as stored; missing values are dropped).
    minutes
        Slot size, a divisor of 1440: 60 gives the 168 hourly slots, 30 gives 336, 120 gives 84.
    additional_groups
        Further key columns (the result's index gets one level per column).
    as_multiindex
        Columns as the (day_of_week, hour) MultiIndex, else ``"DD HH"`` strings.
    widen
        ``False`` returns the long counts (``raw_to_aggregate``) instead.
    min_events
        Rows with fewer events in total are dropped (default 1: every id that has an event).
    """

    def __init__(
        self,
        id_col: str | None,
        timestamp_col: str,
        minutes: int = 60,
        additional_groups: list | None = None,
        as_multiindex: bool = True,
        widen: bool = True,
        min_events: int = 1,
    ):
        self.id_col = id_col
        self.timestamp_col = timestamp_col
        self.minutes = minutes
        self.additional_groups = additional_groups
        self.as_multiindex = as_multiindex
        self.widen = widen
        self.min_events = min_events

    def _validate(self) -> None:
        super()._validate()
        if isinstance(self.min_events, bool) or not isinstance(self.min_events, (int, np.integer)) or self.min_events < 0:
            raise ValueError(f"min_events must be a non-negative integer, got {self.min_events!r}")

    def transform(self, X) -> pd.DataFrame:
        self._validate()
        df = as_pandas(X)
        groups = list(self.additional_groups or [])
        if self.id_col is None:
            key = "__pooled__"
            df = df.assign(**{key: POOLED})
        else:
            key = self.id_col
        _check_columns(df, [key, self.timestamp_col, *groups])
        if self.widen:
            out = aggregate_events(df, by=[key, *groups], timestamp_col=self.timestamp_col, minutes=self.minutes, as_multiindex=self.as_multiindex)
            if not groups:
                out.index = out.index.get_level_values(0).rename(None if self.id_col is None else key)
            totals = out.sum(axis=1)
        else:
            out = raw_to_aggregate(df, key, self.timestamp_col, minutes=self.minutes, additional_groups=groups)
            if self.id_col is None:
                out.index = out.index.rename(None, level=0)
            totals = out["num_events"].groupby(level=list(range(1 + len(groups)))).transform("sum")
        return out[totals.to_numpy() >= self.min_events]


def create_raw_to_vocab_transformer(
    id_col: str | None,
    timestamp_col: str,
    minutes: int = 60,
    additional_groups: list | None = None,
    as_multiindex: bool = True,
    widen: bool = True,
    min_events: int = 1,
) -> RawToVocab:
    """``RawToVocab`` with these arguments (events -> wide counts)."""
    return RawToVocab(
        id_col=id_col,
        timestamp_col=timestamp_col,
        minutes=minutes,
        additional_groups=additional_groups,
        as_multiindex=as_multiindex,
        widen=widen,
        min_events=min_events,
    )


def create_timestamp_feature_pipeline(
    timestamp_col: str, discretize: bool = True, minutes: int = 60, create_vocab: bool = True, output: str = "pandas"
) -> Pipeline:
    """Pipeline of ``CalendarTimestampFeatures``, then ``HourDiscretizer`` (if ``discretize``) and
    ``VocabTransformer`` (if ``create_vocab``). Only pandas output is supported."""
    if output != "pandas":
        raise ValueError(f"output must be 'pandas', got {output!r}")
    slots_per_day(minutes)  # raises ValueError on a bad slot size
    steps = [("timestamp_features", CalendarTimestampFeatures(timestamp_col=timestamp_col))]
    if discretize:
        steps.append(("discretize", HourDiscretizer(col="hour", minutes=minutes)))
    if create_vocab:
        steps.append(("vocab", VocabTransformer(minutes=minutes)))
    return Pipeline(steps)
