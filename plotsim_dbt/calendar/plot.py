"""Heat-calendar plots (matplotlib, the optional extra ``plot``: ``pip install plotsim-dbt[plot]``).

Days run along the x-axis (Monday first unless ``monday_start=False``), time of day down the
y-axis from midnight; one cell per slot. Single-calendar functions draw on ``ax`` (a new figure
when omitted) and return it; grid functions (``*_by_row``) return the array of axes they drew on
(``axes[0].figure`` is the figure). Nothing is shown or saved.

Element settings: ``DayLabeler`` (x-axis), ``TimeLabeler`` (y-axis), ``DisplaySettings`` (which
axes get labels; grids label only the bottom row and the left column) and ``GridLines``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .vocab import DAY_NAMES, DAYS_IN_WEEK, HOURS_IN_DAY

__all__ = [
    "CalendarFormatError",
    "CalendarData",
    "DayLabeler",
    "TimeLabeler",
    "DisplaySettings",
    "GridLines",
    "display_settings_in_grid",
    "iterate_long_array",
    "iterate_series",
    "iterate_dataframe",
    "plot_calendar",
    "plot_blank_calendar",
    "plot_series_as_calendar",
    "plot_dataframe_as_calendar",
    "plot_calendar_by_row",
    "plot_across_column",
    "plot_model_components",
    "plot_profile",
    "plot_profile_by_row",
    "plot_raw_and_predicted_by_row",
    "plot_model_predictions",
    "plot_model_predictions_by_row",
    "plot_distribution",
    "plot_component_distribution",
]

DIVERGENT_RANGE = 3.0  # divergent plots show value * V in [0, 3], centred on 1 (= uniform)


class CalendarFormatError(ValueError):
    """Values that cannot be laid out on a week (their count is not a multiple of 7)."""


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'plotsim-dbt[plot]'") from exc
    return plt


# ---- element settings -------------------------------------------------------------------------


@dataclass
class DisplaySettings:
    """Whether the x-axis (days) and y-axis (hours) get labels."""

    x: bool = True
    y: bool = True


@dataclass
class DayLabeler:
    """The day axis: ``day_start`` (0 = Monday ... 6 = Sunday) is the first column, labels from
    ``days_of_week`` (Monday first), tick label ``rotation``; ``display=False`` leaves the ticks
    blank."""

    day_start: int = 0
    days_of_week: list[str] = field(default_factory=lambda: list(DAY_NAMES))
    rotation: float = 0
    display: bool = True

    def __post_init__(self) -> None:
        if self.day_start not in range(DAYS_IN_WEEK):
            raise ValueError(f"day_start must be 0 (Monday) ... 6 (Sunday), got {self.day_start!r}")
        if len(self.days_of_week) != DAYS_IN_WEEK:
            raise ValueError(f"days_of_week needs 7 names, got {len(self.days_of_week)}")

    @property
    def day_labels(self) -> list[str]:
        """Tick labels left to right (empty strings when not displayed)."""
        names = list(self.days_of_week[self.day_start :]) + list(self.days_of_week[: self.day_start])
        return names if self.display else [""] * DAYS_IN_WEEK

    def create_labels(self, ax) -> None:
        ax.set_xlim(0, DAYS_IN_WEEK)
        ax.set_xticks(np.arange(DAYS_IN_WEEK) + 0.5, labels=self.day_labels, rotation=self.rotation, fontsize=7)


def _clock(hour: int) -> str:
    return f"{hour:02d}:00"


@dataclass
class TimeLabeler:
    """The hour axis: a tick every ``stride`` hours from ``start``, labelled by ``hour_formatter``
    (default ``"HH:00"``); ``display=False`` leaves the ticks blank."""

    hour_formatter: Callable[[int], str] = _clock
    start: int = 0
    stride: int = 6
    display: bool = True
    rotation: float = 0

    def __post_init__(self) -> None:
        if not 0 <= self.start <= HOURS_IN_DAY:
            raise ValueError(f"start must be an hour in 0..24, got {self.start!r}")
        if not isinstance(self.stride, int) or not 1 <= self.stride <= HOURS_IN_DAY:
            raise ValueError(f"stride must be an integer in 1..24, got {self.stride!r}")

    def hours(self) -> list[int]:
        return list(range(self.start, HOURS_IN_DAY + 1, self.stride))

    def create_labels(self, ax) -> None:
        hours = self.hours()
        labels = [self.hour_formatter(h) for h in hours] if self.display else [""] * len(hours)
        ax.set_yticks(hours, labels=labels, rotation=self.rotation, fontsize=7)
        ax.set_ylim(HOURS_IN_DAY, 0)


@dataclass
class GridLines:
    """Lines between days (``dow``) and between hours (``hour``)."""

    dow: bool = False
    hour: bool = False
    color: str = "black"
    linestyle: str = "--"
    alpha: float = 0.2

    def __post_init__(self) -> None:
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"alpha must be in [0, 1], got {self.alpha!r}")

    def configure_grid(self, ax) -> None:
        style = {"color": self.color, "linestyle": self.linestyle, "alpha": self.alpha, "linewidth": 0.6}
        for d in range(1, DAYS_IN_WEEK) if self.dow else ():
            ax.axvline(d, **style)
        for h in range(1, HOURS_IN_DAY) if self.hour else ():
            ax.axhline(h, **style)


DAY_SEPARATORS = GridLines(dow=True, color="white", linestyle="-", alpha=1.0)


def _grid_lines(grid_lines: GridLines | bool | None, default: GridLines) -> GridLines:
    if grid_lines is None or grid_lines is True:
        return default
    if grid_lines is False:
        return GridLines()
    return grid_lines


def display_settings_in_grid(nrows: int, ncols: int, total: int | None = None) -> Iterator[DisplaySettings]:
    """Display settings for the panels of a grid, row-major: day labels only on the lowest panel
    of each column, hour labels only in the first column."""
    total = nrows * ncols if total is None else total
    if nrows < 1 or ncols < 1 or not 0 <= total <= nrows * ncols:
        raise ValueError(f"need nrows, ncols >= 1 and 0 <= total <= nrows * ncols, got {nrows}, {ncols}, {total}")
    for i in range(total):
        yield DisplaySettings(x=i + ncols >= total, y=i % ncols == 0)


def _setup_axes(ax, day_labeler, time_labeler, display_settings, monday_start: bool, grid_lines, default_lines) -> DayLabeler:
    day_labeler = day_labeler if day_labeler is not None else DayLabeler(day_start=0 if monday_start else 6)
    time_labeler = time_labeler if time_labeler is not None else TimeLabeler()
    if display_settings is not None:
        day_labeler = DayLabeler(day_labeler.day_start, day_labeler.days_of_week, day_labeler.rotation, display_settings.x)
        time_labeler = TimeLabeler(time_labeler.hour_formatter, time_labeler.start, time_labeler.stride, display_settings.y, time_labeler.rotation)
    day_labeler.create_labels(ax)
    time_labeler.create_labels(ax)
    _grid_lines(grid_lines, default_lines).configure_grid(ax)
    return day_labeler


# ---- calendar data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarData:
    """One block on the calendar: ``day`` (0 = Monday), hours ``start`` to ``end`` (end may pass
    24, running into the next day), and the ``value`` that colours it."""

    day: int
    start: float
    end: float
    value: float = 1.0


def iterate_long_array(values) -> Iterator[CalendarData]:
    """One block per slot of a wide row (7 x slots-per-day values, day-major)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    per_day = _per_day(values.size)
    width = HOURS_IN_DAY / per_day
    for j, value in enumerate(values):
        day, k = divmod(j, per_day)
        yield CalendarData(day=day, start=k * width, end=(k + 1) * width, value=float(value))


def iterate_series(series: pd.Series) -> Iterator[CalendarData]:
    """``iterate_long_array`` of a 168-value Series."""
    return iterate_long_array(series.to_numpy())


def iterate_dataframe(df: pd.DataFrame, start_col: str, end_col: str | None = None, duration: float | None = None) -> Iterator[CalendarData]:
    """One block per event row: from its ``start_col`` timestamp to ``end_col`` or for
    ``duration`` minutes (exactly one of them); rows with a missing time are skipped."""
    if (end_col is None) == (duration is None):
        raise ValueError("give exactly one of end_col and duration")
    if duration is not None and not duration > 0:
        raise ValueError(f"duration must be > 0 minutes, got {duration!r}")
    start = pd.to_datetime(df[start_col])
    hours = start.dt.hour + start.dt.minute / 60 + start.dt.second / 3600
    if end_col is not None:
        length = (pd.to_datetime(df[end_col]) - start).dt.total_seconds() / 3600
    else:
        length = pd.Series(duration / 60, index=df.index)
    for day, h, span in zip(start.dt.day_of_week, hours, length):
        if pd.notna(day) and pd.notna(h) and pd.notna(span) and span > 0:
            yield CalendarData(day=int(day), start=float(h), end=float(h + span))


def _per_day(n_values: int) -> int:
    if n_values == 0 or n_values % DAYS_IN_WEEK:
        raise CalendarFormatError(f"a calendar row needs a multiple of 7 values, got {n_values}")
    return n_values // DAYS_IN_WEEK


def _grid(values: np.ndarray, day_start: int) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    grid = values.reshape(DAYS_IN_WEEK, _per_day(values.size)).T  # rows = time of day, columns = days
    return np.roll(grid, -day_start, axis=1)


def _norm_and_cmap(values: np.ndarray, divergent: bool, cmap, vmin, vmax):
    from matplotlib.colors import Normalize, TwoSlopeNorm

    if divergent:
        return TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=DIVERGENT_RANGE), cmap or "coolwarm"
    finite = values[np.isfinite(values)]
    top = vmax if vmax is not None else (finite.max() if finite.size and finite.max() > 0 else 1.0)
    return Normalize(vmin=0.0 if vmin is None else vmin, vmax=top), cmap or "YlGn"


def _blocks(item: CalendarData, day_start: int) -> Iterator[tuple[float, float, float]]:
    """(x column, start, end) pieces of a block, split at midnight, wrapping Sunday -> Monday."""
    day, start, end = item.day, item.start, item.end
    while end > start:
        stop = min(end, HOURS_IN_DAY)
        yield (day - day_start) % DAYS_IN_WEEK, start, stop
        day, start, end = (day + 1) % DAYS_IN_WEEK, 0.0, end - HOURS_IN_DAY


def plot_calendar(
    values,
    *,
    ax=None,
    cmap=None,
    divergent: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    alpha: float | None = None,
    title: str | None = None,
    monday_start: bool = True,
    colorbar: bool = False,
    grid_lines: GridLines | bool | None = None,
    day_labeler: DayLabeler | None = None,
    time_labeler: TimeLabeler | None = None,
    display_settings: DisplaySettings | None = None,
):
    """Draw one week on ``ax`` and return it.

    ``values``: a wide row (168 hourly values, or 7 x slots-per-day), drawn as a heat grid, or
    an iterable of ``CalendarData`` blocks (``iterate_dataframe`` for events), drawn as
    rectangles coloured by their value. ``divergent``: values are probabilities, shown relative to
    uniform (value x V) on a blue-white-red scale centred on 1. ``grid_lines``: a ``GridLines``,
    ``False`` for none; default white lines between days."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    days = _setup_axes(ax, day_labeler, time_labeler, display_settings, monday_start, grid_lines, DAY_SEPARATORS)
    items = None if isinstance(values, (np.ndarray, pd.Series)) else list(values)
    if items is None or (items and not all(isinstance(i, CalendarData) for i in items)):
        grid = _grid(values if items is None else items, days.day_start)
        if divergent:
            grid = grid * grid.size
        norm, cmap = _norm_and_cmap(grid, divergent, cmap, vmin, vmax)
        image = ax.imshow(grid, aspect="auto", cmap=cmap, norm=norm, alpha=alpha, interpolation="nearest", extent=(0, DAYS_IN_WEEK, HOURS_IN_DAY, 0))
    else:
        from matplotlib.cm import ScalarMappable
        from matplotlib.patches import Rectangle

        norm, cmap = _norm_and_cmap(np.array([i.value for i in items] or [1.0]), divergent, cmap, vmin, vmax)
        image = ScalarMappable(norm=norm, cmap=cmap)
        for item in items:
            colour = image.to_rgba(item.value)
            for x, start, end in _blocks(item, days.day_start):
                ax.add_patch(Rectangle((x, start), 1, end - start, facecolor=colour, edgecolor="black", linewidth=0.1, alpha=alpha))
    ax.set_xlim(0, DAYS_IN_WEEK)
    ax.set_ylim(HOURS_IN_DAY, 0)
    if title is not None:
        ax.set_title(title, fontsize=9)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax


def plot_blank_calendar(
    *,
    ax=None,
    title: str | None = None,
    monday_start: bool = True,
    grid_lines: GridLines | bool | None = None,
    day_labeler: DayLabeler | None = None,
    time_labeler: TimeLabeler | None = None,
    display_settings: DisplaySettings | None = None,
):
    """An empty week (labelled axes, light day and hour lines by default) to draw on."""
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(4, 4))
    default = GridLines(dow=True, hour=True)
    _setup_axes(ax, day_labeler, time_labeler, display_settings, monday_start, grid_lines, default)
    if title is not None:
        ax.set_title(title, fontsize=9)
    return ax


def plot_series_as_calendar(series: pd.Series, **kwargs):
    """``plot_calendar`` of a 168-value Series (titled with its name unless ``title`` is given)."""
    kwargs.setdefault("title", None if series.name is None else str(series.name))
    return plot_calendar(series.to_numpy(), **kwargs)


def plot_dataframe_as_calendar(df: pd.DataFrame, start_col: str, *, end_col: str | None = None, duration: float | None = None, **kwargs):
    """Events as blocks on one week: each row from ``start_col`` to ``end_col`` or for ``duration``
    minutes (see ``iterate_dataframe``)."""
    kwargs.setdefault("grid_lines", GridLines(dow=True, hour=True))
    kwargs.setdefault("alpha", 0.6)
    return plot_calendar(list(iterate_dataframe(df, start_col, end_col=end_col, duration=duration)), **kwargs)


# ---- grids ------------------------------------------------------------------------------------


def _axes_grid(n: int, max_cols: int, axes=None, panel: tuple[float, float] = (3.2, 3.2)):
    """(flat axes, DisplaySettings per panel) for ``n`` panels, ``max_cols`` per row; ``axes``
    gives the panels to draw on instead of a new figure."""
    if max_cols < 1:
        raise ValueError(f"max_cols must be >= 1, got {max_cols}")
    if n < 1:
        raise ValueError("nothing to plot (no rows)")
    n_cols = min(max_cols, n)
    n_rows = math.ceil(n / n_cols)
    if axes is not None:
        flat = np.asarray(axes, dtype=object).reshape(-1)
        if flat.size < n:
            raise ValueError(f"need {n} axes, got {flat.size}")
    else:
        fig, grid = _pyplot().subplots(n_rows, n_cols, figsize=(panel[0] * n_cols, panel[1] * n_rows), squeeze=False)
        flat = grid.reshape(-1)
        for ax in flat[n:]:
            ax.axis("off")
    return flat[:n], list(display_settings_in_grid(n_rows, n_cols, n))


def plot_calendar_by_row(df: pd.DataFrame, max_cols: int = 3, title_func=None, cmaps=None, divergent: bool = False, axes=None, **kwargs):
    """One calendar per row of a wide frame, in a grid ``max_cols`` wide. ``title_func(index,
    row)`` gives titles (default: the index value); ``cmaps`` one colormap or one per row.
    Returns the array of axes (one per row)."""
    _per_day(df.shape[1])
    flat, settings = _axes_grid(len(df), max_cols, axes)
    values = df.to_numpy(dtype=np.float64)
    for i, (idx, ax) in enumerate(zip(df.index, flat)):
        cmap = cmaps[i] if isinstance(cmaps, (list, tuple)) else cmaps
        title = title_func(idx, df.iloc[i]) if title_func is not None else str(idx)
        options = {"display_settings": settings[i], **kwargs}
        plot_calendar(values[i], ax=ax, cmap=cmap, divergent=divergent, title=title, **options)
    return flat


def plot_across_column(
    df: pd.DataFrame, start_col: str, grid_col: str, *, end_col: str | None = None, duration: float = 60, max_cols: int = 3, axes=None, **kwargs
):
    """Events (``plot_dataframe_as_calendar``) on one calendar per value of ``grid_col``."""
    groups = list(df.groupby(grid_col, sort=True))
    flat, settings = _axes_grid(len(groups), max_cols, axes)
    for (value, rows), ax, setting in zip(groups, flat, settings):
        plot_dataframe_as_calendar(
            rows, start_col, end_col=end_col, duration=None if end_col else duration, ax=ax, title=str(value), display_settings=setting, **kwargs
        )
    return flat


def plot_model_components(model, max_cols: int = 5, divergent: bool = True, components=None, **kwargs):
    """One calendar per component of ``model.normalized_components_`` (``components``: a subset
    of component numbers), titled with the component names if the model has them
    (``DummyModel.from_segments``), else "Component i". Divergent by default: colour = probability
    relative to uniform."""
    comps = np.asarray(model.normalized_components_)
    chosen = list(range(comps.shape[0])) if components is None else list(components)
    if any(not 0 <= k < comps.shape[0] for k in chosen):
        raise ValueError(f"components must be in 0..{comps.shape[0] - 1}, got {chosen}")
    names = getattr(model, "component_names_", None)

    def label(k):
        if names is not None and names[k] is not None:
            return f"Component {k}: {names[k]}"
        return f"Component {k}"

    df = pd.DataFrame(comps[chosen], index=[label(k) for k in chosen])
    return plot_calendar_by_row(df, max_cols=max_cols, divergent=divergent, **kwargs)


# ---- data next to a model ---------------------------------------------------------------------


def plot_distribution(weights, *, ax=None, labels=None, title: str | None = None):
    """Bar chart of a distribution (e.g. a row's mixture over the components)."""
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(4, 3))
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    labels = [str(k) for k in range(weights.size)] if labels is None else [str(x) for x in labels]
    ax.bar(range(weights.size), weights)
    ax.set_xticks(range(weights.size), labels=labels, rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("share")
    if title is not None:
        ax.set_title(title, fontsize=9)
    return ax


def plot_component_distribution(model, ax=None):
    """Bar chart of ``model.component_distribution_``."""
    names = getattr(model, "component_names_", None)
    return plot_distribution(model.component_distribution_, ax=ax, labels=names)


def _model_rows(df: pd.DataFrame, model) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(data, predicted slot distribution, mixture or None) of every row."""
    predicted = np.asarray(model.predict(df))
    mixture = np.asarray(model.transform(df)) if hasattr(model, "normalized_components_") else None
    return df.to_numpy(dtype=np.float64), predicted, mixture


def plot_profile(values, predicted, mixture=None, *, axes, label: str = "", **kwargs):
    """One row's profile on ``axes``: its data, its mixture over the components (when
    ``mixture`` is given) and the model's predicted slot distribution (divergent)."""
    needed = 2 if mixture is None else 3
    if len(axes) != needed:
        raise ValueError(f"need {needed} axes, got {len(axes)}")
    plot_calendar(values, ax=axes[0], title=f"{label}: data", **kwargs)
    if mixture is not None:
        plot_distribution(mixture, ax=axes[1], title=f"{label}: components")
    plot_calendar(predicted, ax=axes[-1], title=f"{label}: predicted", divergent=True)
    return axes


def plot_profile_by_row(df: pd.DataFrame, *, model, include_components: bool = True, axes=None, **kwargs):
    """For each row (one grid row each): its data, its mixture over the model's components (if
    ``include_components`` and the model has components) and the predicted slot distribution."""
    data, predicted, mixture = _model_rows(df, model)
    per_row = 3 if include_components and mixture is not None else 2
    flat, _ = _axes_grid(per_row * len(df), per_row, axes)
    for i, idx in enumerate(df.index):
        mix = mixture[i] if per_row == 3 else None
        plot_profile(data[i], predicted[i], mix, axes=flat[per_row * i : per_row * (i + 1)], label=str(idx), **kwargs)
    return flat


def plot_raw_and_predicted_by_row(df: pd.DataFrame, *, model, axes=None, **kwargs):
    """For each row: its data next to the model's predicted slot distribution."""
    return plot_profile_by_row(df, model=model, include_components=False, axes=axes, **kwargs)


def plot_model_predictions(values, predicted, holdout, *, axes, label: str = "", **kwargs):
    """One row on three ``axes``: training data, the prediction from it, the held-out data."""
    if len(axes) != 3:
        raise ValueError(f"need 3 axes, got {len(axes)}")
    plot_calendar(values, ax=axes[0], title=f"{label}: train", **kwargs)
    plot_calendar(predicted, ax=axes[1], title=f"{label}: predicted", divergent=True)
    plot_calendar(holdout, ax=axes[2], title=f"{label}: holdout", **kwargs)
    return axes


def plot_model_predictions_by_row(df: pd.DataFrame, df_holdout: pd.DataFrame, *, model, axes=None, **kwargs):
    """For each row: training data, the model's prediction from it and the held-out data of the
    same row (``df_holdout`` has the same index and columns)."""
    if not (df.index.equals(df_holdout.index) and df.shape == df_holdout.shape):
        raise ValueError("df_holdout must have the same index and shape as df")
    data, predicted, _ = _model_rows(df, model)
    holdout = df_holdout.to_numpy(dtype=np.float64)
    flat, _ = _axes_grid(3 * len(df), 3, axes)
    for i, idx in enumerate(df.index):
        plot_model_predictions(data[i], predicted[i], holdout[i], axes=flat[3 * i : 3 * i + 3], label=str(idx), **kwargs)
    return flat
