"""Metric cells for a range of entities: position -> lag -> polarity -> centre -> seasonal lift
(all precomputed in the Plan) -> correlated draw -> noise -> outliers -> clamp -> missing."""

from __future__ import annotations

import numpy as np
from scipy import special

from ..plan.resolve import Plan
from .families import quantile
from .streams import Purpose, draw


def _noise(plan: Plan, z: np.ndarray) -> np.ndarray:
    """Unit-scale noise of the configured family, mapped from standard-normal draws."""
    noise = plan.config.noise
    if noise.family == "gaussian":
        return z
    p = special.ndtr(np.clip(z, -8.0, 8.0))
    if noise.family == "laplace":
        return np.where(p < 0.5, np.log(2 * p), -np.log(2 * (1 - p)))
    return special.stdtrit(noise.degrees_of_freedom, p)


def metric_cells(plan: Plan, start: int, stop: int) -> np.ndarray:
    """Values [entities, periods, metrics] for entities [start, stop)."""
    m_count, periods = len(plan.metrics), plan.periods
    noise = plan.config.noise
    centres = plan.centres[plan.entity_segment[start:stop]]
    z = draw(plan.seed, Purpose.METRICS, start, stop, (periods, m_count))
    if plan.copula.cholesky is not None:
        z = z @ plan.copula.cholesky.T
    values = np.empty_like(centres)
    for metric in plan.metrics:
        m = metric.index
        values[:, :, m] = quantile(metric.family, metric.params, centres[:, :, m], z[:, :, m], metric.low, metric.high)
    if noise.gaussian_sigma > 0:
        eps = _noise(plan, draw(plan.seed, Purpose.NOISE, start, stop, (periods, m_count)))
        values += noise.gaussian_sigma * np.abs(values) * eps
    if noise.outlier_rate > 0:
        u = draw(plan.seed, Purpose.OUTLIERS, start, stop, (periods, m_count, 2), kind="uniform")
        hit = u[..., 0] < noise.outlier_rate
        values = np.where(hit, values * (3.0 + 7.0 * u[..., 1]), values)
    low = np.array([m.clamp_low for m in plan.metrics])
    high = np.array([m.clamp_high for m in plan.metrics])
    values = np.clip(values, low, high)
    for metric in plan.metrics:
        if metric.integer:
            values[:, :, metric.index] = np.rint(values[:, :, metric.index])
    if noise.mcar_rate > 0:
        missing = draw(plan.seed, Purpose.MISSING, start, stop, (periods, m_count), kind="uniform") < noise.mcar_rate
        values[missing] = np.nan
    return values
