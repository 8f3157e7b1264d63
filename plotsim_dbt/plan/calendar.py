"""The weekly calendar, resolved: each component's slot probabilities and each segment's Dirichlet
parameters (total concentration x mixture weights)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calendar.slots import box_mask
from ..config.models import Config


@dataclass(frozen=True)
class CalendarPlan:
    names: tuple[str, ...]  # component names
    boxes: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # (days, hours) of each component
    probabilities: np.ndarray  # [components, 168], rows summing to 1 (uniform over each box)
    alpha: np.ndarray  # [segments, components] Dirichlet parameters
    concentration: float
    events: frozenset[str]  # event tables whose timestamps it places


def resolve_calendar(config: Config) -> CalendarPlan | None:
    calendar = config.calendar
    if calendar is None:
        return None
    masks = np.stack([box_mask(*c.days, *c.hours) for c in calendar.components]).astype(np.float64)
    places = [e.name for e in config.events if calendar.places(e.name)]
    return CalendarPlan(
        names=tuple(c.name for c in calendar.components),
        boxes=tuple((tuple(c.days), tuple(c.hours)) for c in calendar.components),
        probabilities=masks / masks.sum(axis=1, keepdims=True),
        alpha=np.array([calendar.mixture_prior(s.name) for s in config.segments]),
        concentration=calendar.concentration,
        events=frozenset(places),
    )
