"""Which (entity, period) cells produce an event's rows.

proportional: round(realised driver value x scale) rows per entity and period (missing -> 0).
threshold: one row per entity, at the period where the metric has been strictly above (below)
the value for ``for`` consecutive periods; a missing value breaks the run."""

from __future__ import annotations

import numpy as np

from ..plan.tables import EventTable


def event_cells(table: EventTable, values: np.ndarray) -> np.ndarray:
    """Rows per [entity, period] for the block's entities."""
    series = values[:, :, table.metric]
    if table.scale is not None:
        return proportional_cells(series, table.scale)
    with np.errstate(invalid="ignore"):
        hit = series > table.above if table.above is not None else series < table.below
    streak = np.zeros(len(series), dtype=np.int64)
    fired = np.zeros(series.shape, dtype=np.int64)
    done = np.zeros(len(series), dtype=bool)
    for t in range(series.shape[1]):
        streak = np.where(hit[:, t], streak + 1, 0)
        now = (streak == table.hold) & ~done
        fired[now, t] = 1
        done |= now
    return fired


def proportional_cells(series: np.ndarray, scale: float) -> np.ndarray:
    """round(value x scale) rows per [entity, period] of a driver's realised values (missing or negative -> 0)."""
    return np.rint(np.maximum(np.nan_to_num(series, nan=0.0), 0.0) * scale).astype(np.int64)
