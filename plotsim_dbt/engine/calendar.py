"""Hour-of-week placement of event timestamps.

Each entity mixes the calendar's components with weights theta ~ Dirichlet(alpha of its segment),
drawn per key block. An event picks a component by theta, a slot (day of week, hour) by the
component's slot probabilities, then one of the period's days with that weekday and a second
inside the hour, so every entity's events follow its own mixture exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..calendar.slots import HOURS_IN_DAY, dirichlet_rows, event_slots
from .streams import Purpose, key_blocks, stream

if TYPE_CHECKING:
    from ..plan.resolve import Plan

SECONDS_PER_DAY = 86_400


def mixtures(plan: Plan, start: int, stop: int) -> np.ndarray:
    """[entities, components] mixture weights of entities [start, stop)."""
    alpha = plan.calendar.alpha
    segment = plan.entity_segment
    parts = [dirichlet_rows(stream(plan.seed, Purpose.CALENDAR, block), alpha[segment[first:last]]) for block, first, last in key_blocks(start, stop)]
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


class Placement:
    """Timestamps for event rows, given each row's entity (local index) and period."""

    def __init__(self, plan: Plan, theta: np.ndarray):
        self.plan = plan
        self.theta = theta

    def timestamps(self, local: np.ndarray, period: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Seconds since the epoch; ``u`` holds four uniforms per row."""
        _, slot = event_slots(self.theta, self.plan.calendar.probabilities, local, u[:, 0], u[:, 1])
        axis = self.plan.axis
        first_day = axis.dates.astype("datetime64[D]").astype(np.int64)[period]
        length = axis.period_days[period]
        weekday = slot // HOURS_IN_DAY
        offset = (weekday - (first_day + 3) % 7) % 7  # day 0 of the epoch (1970-01-01) is a Thursday
        matching = (length - 1 - offset) // 7 + 1
        day = first_day + offset + 7 * np.minimum((u[:, 2] * matching).astype(np.int64), matching - 1)
        hour = slot % HOURS_IN_DAY
        return day * SECONDS_PER_DAY + hour * 3600 + (u[:, 3] * 3600).astype(np.int64)
