"""Which (entity, period) cells produce event rows.

proportional: round(realised driver value x scale) rows per entity and period (missing -> 0).
threshold: one row per entity, at the period where the metric has been strictly above (below)
the value for ``for`` consecutive periods; a missing value breaks the run."""

from __future__ import annotations

import numpy as np

from ..config.schema import Event
from ..plan.resolve import Plan


def event_cells(plan: Plan, event: Event, values: np.ndarray) -> np.ndarray:
    """Rows per [entity, period] for the batch's entities."""
    if event.proportional is not None:
        m = plan.metric(event.proportional.driver).index
        driver = np.nan_to_num(values[:, :, m], nan=0.0)
        return np.rint(np.maximum(driver, 0.0) * event.proportional.scale).astype(np.int64)
    rule = event.threshold
    m = plan.metric(rule.metric).index
    series = values[:, :, m]
    with np.errstate(invalid="ignore"):
        hit = series > rule.above if rule.above is not None else series < rule.below
    streak = np.zeros(len(series), dtype=np.int64)
    fired = np.zeros(series.shape, dtype=np.int64)
    done = np.zeros(len(series), dtype=bool)
    for t in range(series.shape[1]):
        streak = np.where(hit[:, t], streak + 1, 0)
        now = (streak == rule.for_periods) & ~done
        fired[now, t] = 1
        done |= now
    return fired
