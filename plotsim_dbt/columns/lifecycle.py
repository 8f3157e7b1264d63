"""The lifecycle stage (config ``lifecycle``): an SCD2 attribute of the entity dimension that moves
through its stages as the tracked metric crosses their thresholds, and the same stage on each row
of the first fact that carries the metric."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .base import ColumnPlan
from .scd import TrackedPlan


@dataclass(frozen=True)
class LifecyclePlan(TrackedPlan):
    enter: np.ndarray = None  # [stages] position from which each stage is entered, rising
    exit: np.ndarray | None = None  # [stages] hysteresis: a stage is left downward only below its exit
    enforce_order: bool = False
    downgrade_delay: int | None = None
    ends_entity: bool = False

    @property
    def final_stage(self) -> str:
        return self.accepted_values[-1]

    def path(self, values: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Free mode: the stage whose threshold the value has reached, up or down. ``enforce_order``:
        only forward, except after ``downgrade_delay`` periods below the stage. A step back waits
        ``downgrade_delay`` periods in either mode; a missing value moves nothing."""
        position = self.position(values)
        seen = ~np.isnan(position)
        last = len(self.enter) - 1
        band = np.clip(np.searchsorted(self.enter, np.nan_to_num(position, nan=-np.inf), side="right") - 1, 0, last)
        rows = np.arange(len(band))
        stage = band.copy()
        current = band[rows, first].copy()
        below_for = np.zeros_like(current)
        can_step_back = not self.enforce_order or self.downgrade_delay is not None
        for t in range(band.shape[1]):
            live = (t > first) & seen[:, t]
            up = live & (band[:, t] > current)
            if self.exit is not None:
                below = live & (current > 0) & (position[:, t] < self.exit[current])
            else:
                below = live & (band[:, t] < current)
            below_for = np.where(below, below_for + 1, 0)
            down = below_for >= (self.downgrade_delay or 1) if can_step_back else np.zeros_like(up)
            current = np.where(up | down, band[:, t], current)
            below_for[up | down] = 0
            stage[:, t] = current
        return stage

    def ends(self, values: np.ndarray, first: np.ndarray) -> np.ndarray:
        """[entities, periods] 1 at the period an entity first enters the final stage (with ``ends_entity``)."""
        reached = self.path(values, first) == len(self.enter) - 1
        reached &= np.arange(reached.shape[1])[None, :] >= first[:, None]
        fired = np.zeros(reached.shape, dtype=np.int64)
        hit = reached.any(axis=1)
        fired[np.flatnonzero(hit), np.argmax(reached, axis=1)[hit]] = 1
        return fired


@dataclass(frozen=True)
class FactStagePlan(ColumnPlan):
    """The lifecycle stage in force at the row's period (the reference puts it on the first fact
    carrying the tracked metric)."""

    attribute: str = "stage"  # the entity dimension's lifecycle column

    def values(self, block, rows) -> pa.Array:
        labels = pa.array(self.accepted_values, pa.string())
        return labels.take(pa.array(block.versions.bands[self.attribute][rows.local, rows.period]))
