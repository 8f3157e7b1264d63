"""Metric cells for a range of entities: position -> lag -> polarity -> centre -> seasonal lift
(all precomputed in the Plan) -> correlated draw -> noise -> outliers -> clamp -> round -> missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from ..plan.resolve import Plan
from .families import poisson_quantiles, quantile
from .streams import Purpose, draw


def _unit_noise(family: str, degrees_of_freedom: float, z: np.ndarray) -> np.ndarray:
    """Unit-scale noise of a family, mapped from standard-normal draws."""
    if family == "gaussian":
        return z
    p = special.ndtr(np.clip(z, -8.0, 8.0))
    if family == "laplace":
        return np.where(p < 0.5, np.log(2 * p), -np.log(2 * (1 - p)))
    return special.stdtrit(degrees_of_freedom, p)


def _noised(plan: Plan, start: int, stop: int, values: np.ndarray, effective: np.ndarray) -> np.ndarray:
    """Each metric's noise added: sd sigma x |value|, or sigma x position x span when it scales
    with the trajectory (heteroscedastic); the family sets the shape of the unit draw."""
    noises = [m.noise for m in plan.metrics]
    sigma = np.array([n.gaussian_sigma for n in noises])
    eps = draw(plan.seed, Purpose.NOISE, start, stop, (plan.periods, len(noises)))
    for m, noise in enumerate(noises):
        if noise.family != "gaussian":
            eps[:, :, m] = _unit_noise(noise.family, noise.degrees_of_freedom, eps[:, :, m])
    scale = np.abs(values)
    for metric in plan.metrics:
        if metric.noise.scale_with_trajectory:
            scale[:, :, metric.index] = effective[:, :, metric.index] * (metric.high - metric.low)
    return values + sigma * scale * eps


Recorder = Callable[[str, np.ndarray], None]


@dataclass(frozen=True)
class NoiseSteps:
    """What the truth of outlier and missing cells reads, each [entities, periods, metrics]."""

    noised: np.ndarray  # the values with noise, before outliers, the clamp and rounding
    outlier_multiplier: np.ndarray | None  # each cell's outlier multiplier (1 where none); None: no metric has outliers
    missing: np.ndarray | None  # the cells left empty; None: no metric has missing cells


def metric_cells(
    plan: Plan,
    start: int,
    stop: int,
    centres: np.ndarray,
    effective: np.ndarray,
    record: Recorder | None = None,
) -> tuple[np.ndarray, NoiseSteps | None]:
    """Values [entities, periods, metrics] for entities [start, stop) around their ``centres``
    (NaN where an entity does not exist); ``effective`` are the positions they come from. With
    them, the ``NoiseSteps`` when some metric's cells become outliers or go missing (else None).
    ``record(step, array)``, when given, sees a copy of every intermediate [entities, periods,
    metrics] array (the cell tracer)."""

    def keep(step: str, array: np.ndarray) -> None:
        if record is not None:
            record(step, array.copy())

    m_count, periods = len(plan.metrics), plan.periods
    noises = [m.noise for m in plan.metrics]
    z = draw(plan.seed, Purpose.METRICS, start, stop, (periods, m_count))
    keep("independent_draw", z)
    if not plan.phases:
        if plan.copula.cholesky is not None:
            z = z @ plan.copula.cholesky.T
    else:
        for first, last, copula in plan.copulas():
            if copula.cholesky is not None:
                z[:, first : last + 1] = z[:, first : last + 1] @ copula.cholesky.T
    keep("correlated_draw", z)
    values = np.empty_like(centres)
    ranges = plan.ranges[plan.entity_segment[start:stop]]  # [E, M, 2]: the families' spans are the segment's range
    for metric in plan.metrics:
        m = metric.index
        if metric.family == "poisson":
            values[:, :, m] = np.where(np.isnan(centres[:, :, m]), np.nan, poisson_quantiles(centres[:, :, m], z[:, :, m], plan.poisson_grids.get(m)))
        else:
            values[:, :, m] = quantile(metric.family, metric.params, centres[:, :, m], z[:, :, m], ranges[:, None, m, 0], ranges[:, None, m, 1])
    keep("drawn_value", values)
    if any(n.gaussian_sigma > 0 for n in noises):
        values = _noised(plan, start, stop, values, effective)
    keep("noised_value", values)
    noised = values.copy() if injects_noise_faults(plan) else None
    multiplier = missing = None
    outlier_rate = np.array([n.outlier_rate for n in noises])
    if (outlier_rate > 0).any():
        u = draw(plan.seed, Purpose.OUTLIERS, start, stop, (periods, m_count, 2), kind="uniform")
        multiplier = np.where(u[..., 0] < outlier_rate, 3.0 + 7.0 * u[..., 1], 1.0)
        values = values * multiplier
        keep("outlier_multiplier", multiplier)
    values = finish(plan, values)
    keep("clamped_value", values)
    mcar_rate = np.array([n.mcar_rate for n in noises])
    if (mcar_rate > 0).any():
        missing = draw(plan.seed, Purpose.MISSING, start, stop, (periods, m_count), kind="uniform") < mcar_rate
        values[missing] = np.nan
        keep("missing", missing)
    return values, None if noised is None else NoiseSteps(noised, multiplier, missing)


def injects_noise_faults(plan: Plan) -> bool:
    """Some metric's cells become outliers or go missing (truth_noise_faults lists them)."""
    return any(m.noise.outlier_rate > 0 or m.noise.mcar_rate > 0 for m in plan.metrics)


def finish(plan: Plan, values: np.ndarray) -> np.ndarray:
    """Clamp each metric to its bounds and round it to its places."""
    values = np.clip(values, [m.clamp_low for m in plan.metrics], [m.clamp_high for m in plan.metrics])
    for metric in plan.metrics:
        if metric.decimals is not None:
            # The one rounding of a metric (counts to 0 places): every table, lag, feature and truth
            # reads these cells. Ties go to even; the clamp bounds have these places, so rounding
            # cannot leave them.
            values[:, :, metric.index] = np.round(values[:, :, metric.index], metric.decimals)
    return values
