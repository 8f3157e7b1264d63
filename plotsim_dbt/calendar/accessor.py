"""The ``.cal`` accessor on pandas Series and DataFrames, registered when
``plotsim_dbt.calendar`` is imported.

Wide data: rows x 168 slot columns (FULL_VOCAB MultiIndex (day_of_week, hour), or ``"DD HH"``
labels). Event data: one row per event with a timestamp column.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from . import segments as _segments
from .vocab import (
    as_multiindex_columns,
    create_full_vocab,
    slots_per_day,
    timestamp_features,
    timestamps_to_slots,
)

__all__ = ["CalSeriesAccessor", "CalDataFrameAccessor", "aggregate_events", "widen"]


def aggregate_events(df: pd.DataFrame, by: str | list[str], timestamp_col: str, minutes: int = 60, as_multiindex: bool = True) -> pd.DataFrame:
    """Event rows -> wide counts: one row per value of ``by`` (a list gives a MultiIndex), one
    column per slot of ``minutes`` (168 for hourly), missing slots 0. Timestamps are read as
    wall-clock values (no timezone conversion); rows with a missing timestamp are dropped."""
    keys = [by] if not isinstance(by, list) else list(by)
    if not keys:
        raise ValueError("by needs at least one column")
    slot = timestamps_to_slots(df[timestamp_col], minutes)
    n_slots = 7 * slots_per_day(minutes)
    keep = slot >= 0
    key_frame = df.loc[keep, keys]
    if len(keys) == 1:
        codes, uniques = pd.factorize(key_frame[keys[0]], sort=True)
        index = pd.Index(uniques, name=keys[0])
    else:
        mi = pd.MultiIndex.from_frame(key_frame)
        codes, uniques = mi.factorize(sort=True)
        index = pd.MultiIndex.from_tuples(list(uniques), names=keys)
    codes = np.asarray(codes)
    ok = codes >= 0  # missing keys are dropped, as in a groupby
    counts = np.bincount(codes[ok] * n_slots + slot[keep][ok], minlength=len(index) * n_slots).reshape(len(index), n_slots)
    return pd.DataFrame(counts, index=index, columns=create_full_vocab(minutes=minutes, as_multiindex=as_multiindex))


def widen(df: pd.DataFrame, column: str, as_int: bool = True, minutes: int = 60, multiindex: bool = True) -> pd.DataFrame:
    """Long -> wide: ``df`` indexed by (..., day_of_week, hour) (the last two index levels) with a
    value ``column``; returns one row per remaining index value and all slots as columns
    (missing slots 0)."""
    if not isinstance(df.index, pd.MultiIndex) or df.index.nlevels < 3:
        raise ValueError("df must be indexed by (id..., day_of_week, hour)")
    vocab = create_full_vocab(minutes=minutes)
    wide = df[column].unstack([-2, -1]).reindex(columns=vocab).fillna(0)
    wide.columns = vocab if multiindex else create_full_vocab(minutes=minutes, as_multiindex=False)
    wide.columns.names = vocab.names if multiindex else wide.columns.names
    return wide.astype(np.int64) if as_int else wide


def _plot_module():
    from . import plot  # matplotlib is an optional extra; imported on first use

    return plot


@pd.api.extensions.register_series_accessor("cal")
class CalSeriesAccessor:
    """``series.cal``: a Series of timestamps (events) or one wide row (168 slot values)."""

    def __init__(self, obj: pd.Series):
        self._obj = obj

    # events -> wide
    def timestamp_features(self, discretize: bool = True, minutes: int = 60, create_vocab: bool = True) -> pd.DataFrame:
        """The timestamps with ``day_of_week`` and ``hour`` (and ``vocab``) columns."""
        name = self._obj.name if self._obj.name is not None else "timestamp"
        features = timestamp_features(self._obj, minutes=minutes, discretize=discretize, create_vocab=create_vocab)
        return pd.concat([self._obj.rename(name), features], axis=1)

    def aggregate_events(self, minutes: int = 60, as_multiindex: bool = True) -> pd.Series:
        """Timestamps -> one wide row (a Series over the slots, counts, named like the input)."""
        slot = timestamps_to_slots(self._obj, minutes)
        n_slots = 7 * slots_per_day(minutes)
        counts = np.bincount(slot[slot >= 0], minlength=n_slots)
        name = self._obj.name if self._obj.name is not None else "timestamp"
        return pd.Series(counts, index=create_full_vocab(minutes=minutes, as_multiindex=as_multiindex), name=name)

    # one wide row
    def divide_by_sum(self) -> pd.Series:
        return self._obj / self._obj.sum()

    def divide_by_max(self) -> pd.Series:
        return self._obj / self._obj.max()

    def divide_by_even_rate(self) -> pd.Series:
        return self._obj * len(self._obj)

    def conditional_probabilities(self, *, level: int | str = 0) -> pd.Series:
        """Divide by the total within each day (level 0: P(hour | day)) or hour (level 1)."""
        index = as_multiindex_columns(self._obj.index)
        values = self._obj.set_axis(index)
        out = values / values.groupby(level=level).transform("sum")
        return out.set_axis(self._obj.index)

    def sum_over_segments(self, df_segments: pd.DataFrame) -> pd.Series:
        """Total of this row inside each segment (Series indexed by segment name)."""
        return _segments.sum_over_segments(self._obj.to_frame().T, df_segments).iloc[0].rename(self._obj.name)

    def sum_over_vocab(self, aggregation: Literal["dow", "hour"] = "dow") -> pd.Series:
        return _segments.sum_over_vocab(self._obj.to_frame().T, aggregation).iloc[0].rename(self._obj.name)

    def plot_row(self, **kwargs):
        """Heat calendar of this 168-value row (matplotlib)."""
        return _plot_module().plot_series_as_calendar(self._obj, **kwargs)

    def plot(self, *, duration: float = 5, **kwargs):
        """These timestamps as blocks of ``duration`` minutes on one week (matplotlib)."""
        name = self._obj.name if self._obj.name is not None else "timestamp"
        return _plot_module().plot_dataframe_as_calendar(self._obj.rename(name).to_frame(), name, duration=duration, **kwargs)


@pd.api.extensions.register_dataframe_accessor("cal")
class CalDataFrameAccessor:
    """``df.cal``: wide data (rows x slots) or event rows (with a timestamp column)."""

    def __init__(self, obj: pd.DataFrame):
        self._obj = obj

    # events -> wide
    def timestamp_features(self, column: str, discretize: bool = True, minutes: int = 60, create_vocab: bool = True) -> pd.DataFrame:
        features = timestamp_features(self._obj[column], minutes=minutes, discretize=discretize, create_vocab=create_vocab)
        return self._obj.drop(columns=[c for c in features.columns if c in self._obj.columns]).join(features)

    def aggregate_events(self, by: str | list[str], timestamp_col: str, minutes: int = 60, as_multiindex: bool = True) -> pd.DataFrame:
        """Event rows -> wide counts, one row per ``by`` value (see ``accessor.aggregate_events``)."""
        return aggregate_events(self._obj, by=by, timestamp_col=timestamp_col, minutes=minutes, as_multiindex=as_multiindex)

    def widen(self, column: str, as_int: bool = True, minutes: int = 60, multiindex: bool = True) -> pd.DataFrame:
        return widen(self._obj, column=column, as_int=as_int, minutes=minutes, multiindex=multiindex)

    def to_long(self, value_name: str = "num_events", drop_zeros: bool = True) -> pd.DataFrame:
        """Wide -> long: index (row index..., day_of_week, hour), one ``value_name`` column."""
        columns = as_multiindex_columns(self._obj.columns)
        stacked = self._obj.set_axis(columns, axis=1).stack(list(range(columns.nlevels)))
        out = stacked.rename(value_name).to_frame()
        return out[out[value_name] != 0] if drop_zeros else out

    # row normalisations
    def divide_by_sum(self) -> pd.DataFrame:
        """Each row divided by its total (rows become distributions; all-zero rows give NaN)."""
        return self._obj.div(self._obj.sum(axis=1), axis=0)

    def divide_by_max(self) -> pd.DataFrame:
        """Each row divided by its maximum (values in [0, 1] for plotting)."""
        return self._obj.div(self._obj.max(axis=1), axis=0)

    def divide_by_even_rate(self) -> pd.DataFrame:
        """Values times the number of columns: probabilities relative to uniform (> 1 = above)."""
        return self._obj * self._obj.shape[1]

    def conditional_probabilities(self, *, level: int | str = 0) -> pd.DataFrame:
        """Per row, divide by the total within each day (level 0 / "day_of_week": P(hour | day))
        or each hour of day (level 1 / "hour": P(day | hour))."""
        columns = as_multiindex_columns(self._obj.columns)
        values = self._obj.set_axis(columns, axis=1)
        totals = values.T.groupby(level=level).transform("sum").T
        return (values / totals).set_axis(self._obj.columns, axis=1)

    # sums
    def sum_over_vocab(self, aggregation: Literal["dow", "hour"] = "dow") -> pd.DataFrame:
        return _segments.sum_over_vocab(self._obj, aggregation)

    def sum_next_hours(self, hours: int) -> pd.DataFrame:
        return _segments.sum_next_hours(self._obj, hours)

    def sum_over_segments(self, df_segments: pd.DataFrame) -> pd.DataFrame:
        """Per row, the total inside each segment (n_rows x n_segments)."""
        return _segments.sum_over_segments(self._obj, df_segments)

    # models
    def transform(self, *, model) -> pd.DataFrame:
        """``model.transform`` keeping the index (columns = components)."""
        from .models import transform_on_dataframe

        return transform_on_dataframe(self._obj, model)

    def predict(self, *, model) -> pd.DataFrame:
        """``model.predict`` keeping index and columns."""
        from .models import predict_on_dataframe

        return predict_on_dataframe(self._obj, model)

    # plots (matplotlib, optional extra "plot")
    def plot(self, start_col: str, *, end_col: str | None = None, duration: float | None = None, **kwargs):
        """Event rows as blocks on one week, from ``start_col`` to ``end_col`` or for
        ``duration`` minutes; returns the axes."""
        return _plot_module().plot_dataframe_as_calendar(self._obj, start_col, end_col=end_col, duration=duration, **kwargs)

    def plot_across_column(self, start_col: str, grid_col: str, *, end_col: str | None = None, duration: float = 60, max_cols: int = 3, **kwargs):
        """Event blocks on one calendar per value of ``grid_col``."""
        return _plot_module().plot_across_column(self._obj, start_col, grid_col, end_col=end_col, duration=duration, max_cols=max_cols, **kwargs)

    def plot_by_row(self, *, max_cols: int = 3, title_func=None, cmaps=None, **kwargs):
        """One heat calendar per row in a grid of ``max_cols`` columns; returns the axes."""
        return _plot_module().plot_calendar_by_row(self._obj, max_cols=max_cols, title_func=title_func, cmaps=cmaps, **kwargs)

    def plot_profile_by_row(self, *, model, include_components: bool = True, **kwargs):
        """Per row: its data, its mixture over the model's components and the prediction."""
        return _plot_module().plot_profile_by_row(self._obj, model=model, include_components=include_components, **kwargs)

    def plot_raw_and_predicted_by_row(self, *, model, **kwargs):
        """Per row: its data next to the model's predicted slot distribution."""
        return _plot_module().plot_raw_and_predicted_by_row(self._obj, model=model, **kwargs)

    def plot_model_predictions_by_row(self, df_holdout: pd.DataFrame, *, model, **kwargs):
        """Per row: this data, the model's prediction from it and the row of ``df_holdout``."""
        return _plot_module().plot_model_predictions_by_row(self._obj, df_holdout, model=model, **kwargs)
