"""Heat-calendar plots (matplotlib, the optional extra ``plot``: ``pip install plotsim-dbt[plot]``).

Days run along the x-axis (Monday first unless ``monday_start=False``), time of day down the
y-axis from midnight; one cell per slot. Functions return matplotlib axes; nothing is shown or
saved.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .vocab import DAY_NAMES, DAYS_IN_WEEK

__all__ = [
    "plot_calendar",
    "plot_series_as_calendar",
    "plot_calendar_by_row",
    "plot_model_components",
    "plot_profile_by_row",
    "plot_component_distribution",
]

DIVERGENT_RANGE = 3.0  # divergent plots show value * V in [0, 3], centred on 1 (= uniform)


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'plotsim-dbt[plot]'") from exc
    return plt


def _grid(values: np.ndarray, monday_start: bool) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size % DAYS_IN_WEEK:
        raise ValueError(f"a calendar row needs a multiple of 7 values, got {values.size}")
    grid = values.reshape(DAYS_IN_WEEK, -1).T  # rows = time of day, columns = days
    return grid if monday_start else np.roll(grid, 1, axis=1)


def plot_calendar(
    values,
    *,
    ax=None,
    cmap=None,
    divergent: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    title: str | None = None,
    monday_start: bool = True,
    colorbar: bool = False,
    grid_lines: bool = True,
):
    """Draw one week of slot values (168 hourly values, or 7 * slots-per-day) on ``ax``.

    ``divergent``: values are probabilities, shown relative to uniform (value * V) on a
    blue-white-red scale centred on 1."""
    plt = _pyplot()
    from matplotlib.colors import Normalize, TwoSlopeNorm

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    grid = _grid(values, monday_start)
    if divergent:
        grid = grid * grid.size
        norm = TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=DIVERGENT_RANGE)
        cmap = cmap or "coolwarm"
    else:
        finite = grid[np.isfinite(grid)]
        top = vmax if vmax is not None else (finite.max() if finite.size and finite.max() > 0 else 1.0)
        norm = Normalize(vmin=0.0 if vmin is None else vmin, vmax=top)
        cmap = cmap or "YlGn"
    image = ax.imshow(grid, aspect="auto", cmap=cmap, norm=norm, interpolation="nearest", extent=(0, DAYS_IN_WEEK, 24, 0))
    days = DAY_NAMES if monday_start else DAY_NAMES[-1:] + DAY_NAMES[:-1]
    ax.set_xticks(np.arange(DAYS_IN_WEEK) + 0.5, labels=days, fontsize=7)
    ax.set_yticks(np.arange(0, 25, 6), labels=[f"{h:02d}:00" for h in range(0, 25, 6)], fontsize=7)
    if grid_lines:
        for d in range(1, DAYS_IN_WEEK):
            ax.axvline(d, color="white", linewidth=0.6)
    if title is not None:
        ax.set_title(title, fontsize=9)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046)
    ax.set_xlim(0, DAYS_IN_WEEK)
    ax.set_ylim(24, 0)
    return ax


def plot_series_as_calendar(series: pd.Series, **kwargs):
    """``plot_calendar`` of a 168-value Series (titled with its name unless ``title`` is given)."""
    kwargs.setdefault("title", None if series.name is None else str(series.name))
    return plot_calendar(series.to_numpy(), **kwargs)


def _axes_grid(n: int, max_cols: int, panel: tuple[float, float] = (3.2, 3.2)):
    plt = _pyplot()
    if max_cols < 1:
        raise ValueError("max_cols must be >= 1")
    n_cols = max(1, min(max_cols, n))
    n_rows = max(1, math.ceil(n / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(panel[0] * n_cols, panel[1] * n_rows), squeeze=False)
    flat = axes.reshape(-1)
    for ax in flat[n:]:
        ax.axis("off")
    return fig, flat


def plot_calendar_by_row(df: pd.DataFrame, max_cols: int = 3, title_func=None, cmaps=None, divergent: bool = False, **kwargs):
    """One calendar per row of a wide frame, in a grid ``max_cols`` wide. ``title_func(index,
    row)`` gives titles (default: the index value); ``cmaps`` one colormap or one per row.
    Returns the array of axes (one per row)."""
    n = len(df)
    _, flat = _axes_grid(n, max_cols)
    values = df.to_numpy(dtype=np.float64)
    for i, (idx, ax) in enumerate(zip(df.index, flat[:n])):
        cmap = cmaps[i] if isinstance(cmaps, (list, tuple)) else cmaps
        title = title_func(idx, df.iloc[i]) if title_func is not None else str(idx)
        plot_calendar(values[i], ax=ax, cmap=cmap, divergent=divergent, title=title, **kwargs)
    return flat[:n]


def plot_model_components(model, max_cols: int = 5, divergent: bool = True, components=None, **kwargs):
    """One calendar per component of ``model.normalized_components_`` (``components``: a subset
    of component numbers), titled with the component names if the model has them
    (``DummyModel.from_segments``), else "Component i". Divergent by default: colour = probability
    relative to uniform."""
    comps = np.asarray(model.normalized_components_)
    chosen = list(range(comps.shape[0])) if components is None else list(components)
    names = getattr(model, "component_names_", None)

    def label(k):
        if names is not None and names[k] is not None:
            return f"Component {k}: {names[k]}"
        return f"Component {k}"

    df = pd.DataFrame(comps[chosen], index=[label(k) for k in chosen])
    return plot_calendar_by_row(df, max_cols=max_cols, divergent=divergent, **kwargs)


def plot_profile_by_row(df: pd.DataFrame, *, model, max_cols: int = 3, **kwargs):
    """For each row: its data (left) and the model's predicted slot distribution (right)."""
    predicted = np.asarray(model.predict(df))
    n = len(df)
    _, flat = _axes_grid(2 * n, 2 * max(1, max_cols // 2) if max_cols > 1 else 2)
    values = df.to_numpy(dtype=np.float64)
    for i, idx in enumerate(df.index):
        plot_calendar(values[i], ax=flat[2 * i], title=f"{idx}: data", **kwargs)
        plot_calendar(predicted[i], ax=flat[2 * i + 1], title=f"{idx}: predicted", divergent=True)
    return flat[: 2 * n]


def plot_component_distribution(model, ax=None):
    """Bar chart of ``model.component_distribution_``."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    dist = np.asarray(model.component_distribution_)
    names = getattr(model, "component_names_", None)
    labels = [str(n) for n in names] if names is not None else [str(k) for k in range(dist.size)]
    ax.bar(range(dist.size), dist)
    ax.set_xticks(range(dist.size), labels=labels, rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("share")
    return ax
