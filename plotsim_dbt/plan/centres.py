"""From trajectory positions to each metric's centre: lag, polarity, loading, range, seasonal lift.

Everything here depends only on (segment, period), so the whole centre field is computed once at
plan time; the engine gathers it per entity and the correlation planner integrates over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

if TYPE_CHECKING:
    from ..config.noise import Noise


@dataclass(frozen=True)
class MetricPlan:
    name: str
    index: int
    family: str
    params: dict
    low: float  # the centre moves across [low, high]
    high: float
    clamp_low: float  # final values are clamped into [clamp_low, clamp_high] (bounds with `decimals` places)
    clamp_high: float
    negative: bool  # negative polarity reads 1 - position
    driver: int | None  # index of the metric this one follows
    delay: int
    seasonal_sensitivity: float
    integer: bool  # a count: whole numbers, stored as int64
    decimals: int | None  # places values are rounded to (0 for counts); None keeps full precision
    blend: float = 1.0  # share of the lagged driver in the effective position (the rest: the unit's own position)
    kernel: tuple[float, ...] = (1.0,)  # weights of the driver's periods t - delay, t - delay - 1, ...; sum 1
    noise: Noise | None = None  # the metric's noise: its own, else the config's


def decay_kernel(window: int | None, kind: str) -> tuple[float, ...]:
    """Normalised weights of a decaying lag, newest period first: geometric 1, 1/2, 1/4, ... or
    linear W, W - 1, ..., 1 (adstock); a plain lag reads one period."""
    if window is None:
        return (1.0,)
    s = np.arange(window)
    weights = 0.5**s if kind == "geometric" else (window - s).astype(float)
    return tuple(float(w) for w in weights / weights.sum())


@dataclass(frozen=True)
class Lift:
    """Treatment lifts of each unit (entity): log-odds added to the targeted metrics' effective
    positions from a start period; ``target`` -1 lifts every metric."""

    log_odds: np.ndarray  # [U], 0 where untreated
    start: np.ndarray  # [U]
    target: np.ndarray  # [U] metric index or -1

    def apply(self, m: int, effective: np.ndarray) -> np.ndarray:
        hit = (self.log_odds != 0) & ((self.target == m) | (self.target < 0))
        if not hit.any():
            return effective
        from_start = np.arange(effective.shape[1])[None, :] >= self.start[:, None]
        lifted = special.expit(special.logit(np.clip(effective, 1e-12, 1.0 - 1e-12)) + self.log_odds[:, None])
        return np.where(hit[:, None] & from_start, lifted, effective)


def effective_positions(
    positions: np.ndarray, metrics: list[MetricPlan], order: list[int], first: np.ndarray | None = None, lift: Lift | None = None
) -> np.ndarray:
    """[U, P, M] positions after causal lags (and treatment lifts). A follower reads its driver's
    effective position ``delay`` periods earlier (with a decay, the kernel-weighted mean of the
    periods from there back), held at the unit's first period (``first``, default 0) before that,
    so chains add up; a lift on a driver reaches its followers. A blend below 1 mixes the unit's
    own position back in."""
    units, periods = positions.shape
    out = np.empty((units, periods, len(metrics)))
    for m in order:
        metric = metrics[m]
        if metric.driver is None:
            value = positions
        else:
            value = sum(w * _lagged(out[:, :, metric.driver], metric.delay + s, first) for s, w in enumerate(metric.kernel))
            if metric.blend != 1.0:
                value = (1.0 - metric.blend) * positions + metric.blend * value
        out[:, :, m] = value if lift is None else lift.apply(m, value)
    return out


def _lagged(driver: np.ndarray, delay: int, first: np.ndarray | None) -> np.ndarray:
    """[U, P] the driver ``delay`` periods earlier, held at the unit's first period before that."""
    units, periods = driver.shape
    t = np.arange(periods)
    if first is None:
        return driver[:, np.maximum(t - delay, 0)]
    source = np.maximum(t[None, :] - delay, first[:, None])
    value = np.take_along_axis(driver, np.minimum(source, periods - 1), axis=1)
    return np.where(t[None, :] < first[:, None], np.nan, value)


def metric_centre(
    metric: MetricPlan, effective: np.ndarray, lift: np.ndarray, loading: float | np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """One metric's centres, moving across [low, high] (the segment's range of the metric, broadcast
    against ``effective``). ``loading`` (one, or one per period) scales how far the trajectory moves
    the metric around mid-range; the planner lowers it only when a declared connection cannot be
    met otherwise."""
    q = 1.0 - effective if metric.negative else effective
    q = 0.5 + loading * (q - 0.5)
    centre = (low + (high - low) * q) * (1.0 + lift)
    return np.clip(centre, metric.clamp_low, metric.clamp_high)


def centre_field(effective: np.ndarray, lift: np.ndarray, metrics: list[MetricPlan], loadings: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """[U, P, M] centres of every metric; ``loadings`` [P, M] is each period's trajectory loading and
    ``ranges`` [U, M, 2] each unit's (segment's) [low, high] per metric."""
    out = np.empty_like(effective)
    for metric in metrics:
        m = metric.index
        out[..., m] = metric_centre(metric, effective[..., m], lift[..., m], loadings[:, m], ranges[:, None, m, 0], ranges[:, None, m, 1])
    return out


def segment_ranges(segments, config_metrics) -> np.ndarray:
    """[S, M, 2] the [low, high] each segment's centre of each metric moves across (baseline and
    ranges narrow it; otherwise the metric's own range)."""
    return np.array([[segment.range_of(metric) for metric in config_metrics] for segment in segments], dtype=np.float64)
