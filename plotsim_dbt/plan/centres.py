"""From trajectory positions to each metric's centre: lag, polarity, loading, range, seasonal lift.

Everything here depends only on (segment, period), so the whole centre field is computed once at
plan time; the engine gathers it per entity and the correlation planner integrates over it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MetricPlan:
    name: str
    index: int
    family: str
    params: dict
    low: float  # the centre moves across [low, high]
    high: float
    clamp_low: float  # final values are clamped into [clamp_low, clamp_high]
    clamp_high: float
    negative: bool  # negative polarity reads 1 - position
    driver: int | None  # index of the metric this one follows
    delay: int
    seasonal_sensitivity: float
    integer: bool


def effective_positions(positions: np.ndarray, metrics: list[MetricPlan], order: list[int]) -> np.ndarray:
    """[S, P, M] positions after causal lags. A follower reads its driver's effective position
    ``delay`` periods earlier (held at the first period before that), so chains add up."""
    segments, periods = positions.shape
    out = np.empty((segments, periods, len(metrics)))
    for m in order:
        metric = metrics[m]
        if metric.driver is None:
            out[:, :, m] = positions
        else:
            source = np.maximum(np.arange(periods) - metric.delay, 0)
            out[:, :, m] = out[:, source, metric.driver]
    return out


def centre_field(effective: np.ndarray, lift: np.ndarray, metrics: list[MetricPlan], loadings: np.ndarray) -> np.ndarray:
    """[S, P, M] centres. ``loading`` scales how far the trajectory moves a metric around mid-range;
    the planner lowers it only when a declared connection cannot be met otherwise."""
    out = np.empty_like(effective)
    for metric in metrics:
        m = metric.index
        q = effective[:, :, m]
        if metric.negative:
            q = 1.0 - q
        q = 0.5 + loadings[m] * (q - 0.5)
        centre = (metric.low + (metric.high - metric.low) * q) * (1.0 + lift[:, :, m])
        out[:, :, m] = np.clip(centre, metric.clamp_low, metric.clamp_high)
    return out
