"""Matplotlib figures of the report's section frames (the optional extra ``plot``). Figures are
made with ``matplotlib.figure.Figure``, never pyplot, so no window, backend or global state is
involved; each function returns one Figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..calendar.plot import plot_calendar

PANEL = (3.4, 2.5)  # inches per small-multiple panel
SPACING = {"hspace": 0.45, "wspace": 0.3}
COLOURS = [f"C{i}" for i in range(10)]


def _figure(size: tuple[float, float], bottom: float = 0.1) -> Figure:
    # Fixed margins instead of a layout engine: constrained layout measured every tick label of
    # every panel and took half of a report's time.
    fig = Figure(figsize=size)
    fig.subplots_adjust(left=0.08, right=0.95, bottom=bottom, top=0.9)
    return fig


def _panels(n: int, cols: int = 3, panel: tuple[float, float] = PANEL) -> tuple[Figure, list]:
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    fig = _figure((panel[0] * cols, panel[1] * rows))
    axes = fig.subplots(rows, cols, squeeze=False, gridspec_kw=SPACING).ravel()
    for ax in axes[n:]:
        ax.axis("off")
    return fig, list(axes[:n])


def _small(ax, title: str) -> None:
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def trajectories(frame: pd.DataFrame, segments: list[str]) -> Figure:
    fig, axes = _panels(len(segments))
    for ax, segment in zip(axes, segments):
        rows = frame[frame["segment"] == segment]
        t = rows["period_index"]
        ax.fill_between(t, rows["entity_low"], rows["entity_high"], color="C0", alpha=0.18, label="entities 10-90%")
        ax.plot(t, rows["planned"], color="black", linewidth=2, label="planned archetype")
        ax.plot(t, rows["entity_mean"], color="C0", label="entities' own (mean)")
        ax.plot(t, rows["from_data"], color="C1", linestyle="--", marker=".", label="read back from data")
        ax.set_ylim(-0.02, 1.02)
        _small(ax, segment)
    axes[0].legend(fontsize=6, loc="best")
    return fig


def metric_bands(frame: pd.DataFrame, metrics: list[str], segments: list[str]) -> Figure:
    fig, axes = _panels(len(metrics))
    for ax, metric in zip(axes, metrics):
        for colour, segment in zip(COLOURS, segments):
            rows = frame[(frame["metric"] == metric) & (frame["segment"] == segment)]
            ax.fill_between(rows["period_index"], rows["low"], rows["high"], color=colour, alpha=0.12)
            ax.plot(rows["period_index"], rows["mean"], color=colour, label=segment)
            ax.plot(rows["period_index"], rows["centre"], color=colour, linestyle=":", linewidth=1)
        _small(ax, metric)
    axes[0].legend(fontsize=6, loc="best")
    return fig


def correlations(pairs: pd.DataFrame, matrix: pd.DataFrame) -> Figure:
    fig = _figure((12, 4.4), bottom=0.22)
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1], gridspec_kw={"wspace": 0.35})
    x = np.arange(len(pairs))
    for offset, column, colour in [(-0.27, "declared", "0.6"), (0, "delivered", "C0"), (0.27, "realised", "C1")]:
        left.bar(x + offset, pairs[column], width=0.27, color=colour, label=column)
    left.set_xticks(
        x, [f"{a}\n{w or ''} {b}" for a, b, w in zip(pairs["metric_a"], pairs["metric_b"], pairs["word"])], fontsize=7, rotation=20, ha="right"
    )
    left.axhline(0, color="black", linewidth=0.6)
    left.legend(fontsize=7)
    _small(left, "declared connections: table-wide Pearson")
    image = right.imshow(matrix.to_numpy(), cmap="coolwarm", vmin=-1, vmax=1)
    right.set_xticks(range(len(matrix)), matrix.columns, rotation=60, ha="right", fontsize=7)
    right.set_yticks(range(len(matrix)), matrix.index, fontsize=7)
    for (i, j), value in np.ndenumerate(matrix.to_numpy()):
        right.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6)
    right.set_title("realised correlation of every metric pair", fontsize=9)
    fig.colorbar(image, ax=right, fraction=0.046)
    return fig


def lags(frame: pd.DataFrame) -> Figure:
    groups = list(frame.groupby(["driver", "follower"], sort=False))
    fig, axes = _panels(len(groups), cols=2, panel=(5, 2.8))
    for ax, ((driver, follower), rows) in zip(axes, groups):
        ax.plot(rows["shift"], rows["strength"], marker="o", color="C0")
        ax.axvline(rows["planned"].iloc[0], color="black", linestyle="--", label=f"planned {rows['planned'].iloc[0]}")
        best = rows.loc[rows["strength"].idxmax()]
        ax.plot(best["shift"], best["strength"], marker="*", markersize=14, color="C1", linestyle="none", label=f"best {best['shift']:.0f}")
        ax.set_xlabel("follower shifted by k periods", fontsize=7)
        ax.legend(fontsize=6)
        _small(ax, f"{follower} after {driver}")
    return fig


def seasonality(frame: pd.DataFrame) -> Figure:
    fig = _figure((7, 2.8))
    ax = fig.subplots()
    x = frame["month"].to_numpy()
    ax.bar(x - 0.2, 1 + frame["planned"], width=0.4, color="0.6", label="planned multiplier")
    ax.bar(x + 0.2, 1 + frame["realised"], width=0.4, color="C1", label="realised")
    ax.axhline(1, color="black", linewidth=0.6)
    low = float(np.nanmin(1 + frame[["planned", "realised"]].to_numpy()))
    high = float(np.nanmax(1 + frame[["planned", "realised"]].to_numpy()))
    ax.set_ylim(min(low, 1) - 0.05, max(high, 1) + 0.05)
    ax.set_xticks(range(1, 13), ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"])
    ax.legend(fontsize=7)
    _small(ax, "seasonal multiplier of the centre, by month")
    return fig


def tiers(counts: pd.DataFrame, realised: pd.DataFrame, planned: pd.DataFrame) -> Figure:
    fig = _figure((11, 3.6), bottom=0.14)
    left, right = fig.subplots(1, 2, width_ratios=[1.4, 1], gridspec_kw={"wspace": 0.3})
    left.stackplot(counts.index, counts.to_numpy().T, labels=counts.columns, alpha=0.85)
    left.legend(fontsize=7, loc="upper left")
    _small(left, "active entities per tier at each period start")
    right.imshow(realised.to_numpy(), cmap="Blues")
    for (i, j), value in np.ndenumerate(realised.to_numpy()):
        truth = planned.to_numpy()[i, j]
        right.text(j, i, f"{value}" if value == truth else f"{value}\n(truth {truth})", ha="center", va="center", fontsize=7)
    right.set_xticks(range(len(realised.columns)), realised.columns, fontsize=7)
    right.set_yticks(range(len(realised.index)), realised.index, fontsize=7)
    right.set_xlabel("to", fontsize=7)
    right.set_ylabel("from", fontsize=7)
    right.set_title("tier changes", fontsize=9)
    return fig


def event_rates(frame: pd.DataFrame, segments: list[str]) -> Figure:
    groups = list(frame.groupby("table", sort=False))
    fig, axes = _panels(len(groups), cols=2, panel=(5, 2.8))
    for ax, (table, rows) in zip(axes, groups):
        for colour, segment in zip(COLOURS, segments):
            seg = rows[rows["segment"] == segment]
            ax.plot(seg["period_index"], seg["rate"], color=colour, label=segment)
            if seg["planned"].notna().any():
                ax.plot(seg["period_index"], seg["planned"], color=colour, linestyle=":", linewidth=1)
        kind = rows["kind"].iloc[0]
        _small(ax, f"{table}: {'rows per active entity' if kind == 'proportional' else 'cumulative share of the segment fired'}")
    axes[0].legend(fontsize=6)
    return fig


def calendar_components(components: pd.DataFrame) -> Figure:
    fig, axes = _panels(len(components), cols=4, panel=(2.6, 2.6))
    for ax, (name, row) in zip(axes, components.iterrows()):
        plot_calendar(row.to_numpy(), ax=ax, divergent=True, title=str(name))
    return fig


def calendar_segments(planned: pd.DataFrame, realised: pd.DataFrame, events: pd.Series) -> Figure:
    fig, axes = _panels(2 * len(planned), cols=4, panel=(2.6, 2.6))
    for i, segment in enumerate(planned.index):
        top = float(max(planned.loc[segment].max(), realised.loc[segment].max()))  # one colour scale per segment pair
        plot_calendar(planned.loc[segment].to_numpy(), ax=axes[2 * i], vmax=top, title=f"{segment}: planned")
        plot_calendar(realised.loc[segment].to_numpy(), ax=axes[2 * i + 1], vmax=top, title=f"{segment}: realised ({events.loc[segment]:,} events)")
    return fig


def treatment(frame: pd.DataFrame) -> Figure:
    groups = list(frame.groupby(["segment", "metric"], sort=False))
    fig, axes = _panels(len(groups), cols=2, panel=(5, 2.8))
    for ax, ((segment, metric), rows) in zip(axes, groups):
        for colour, (arm, arm_rows) in zip(["C1", "C0"], rows.groupby("treatment_group")):
            ax.plot(arm_rows["period_index"], arm_rows["mean"], color=colour, label=arm)
        ax.axvline(rows["start_period"].iloc[0], color="black", linestyle="--", label="start")
        ax.legend(fontsize=6)
        first = rows.iloc[0]
        _small(ax, f"{segment} {metric}: effect {first['realised_effect']:.3g} (expected {first['expected_effect']:.3g})")
    return fig


def lifecycle(frame: pd.DataFrame, segments: list[str]) -> Figure:
    fig = _figure((11, 3.4))
    left, right = fig.subplots(1, 2, gridspec_kw={"wspace": 0.25})
    active = frame.pivot(index="period_index", columns="segment", values="active").reindex(columns=segments)
    left.stackplot(active.index, active.fillna(0).to_numpy().T, labels=segments, colors=COLOURS[: len(segments)], alpha=0.85)
    left.legend(fontsize=6, loc="upper left")
    _small(left, "active entities by segment")
    totals = frame.groupby("period_index")[["arrivals", "endings"]].sum()
    right.bar(totals.index - 0.2, totals["arrivals"], width=0.4, color="C2", label="arrivals")
    right.bar(totals.index + 0.2, totals["endings"], width=0.4, color="C3", label="endings")
    right.legend(fontsize=7)
    _small(right, "entities arriving and ending per period")
    return fig
