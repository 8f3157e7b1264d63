"""Terminal events: a threshold event with ``ends_entity`` ends its entity in the period it fires.
The entity lives through that period and has nothing after it; when several terminal events
fire, the earliest ends it (on the same period, the one declared first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..plan.tables import EventTable
from .firings import event_cells

if TYPE_CHECKING:
    from ..plan.resolve import Plan

NOT_ENDED = -1


@dataclass(frozen=True)
class Endings:
    last: np.ndarray  # [E] last period the entity exists (periods - 1 when it never ends)
    event: np.ndarray  # [E] index into terminal_events(plan) of the event that ended it, NOT_ENDED if none

    @property
    def ended(self) -> np.ndarray:
        return self.event != NOT_ENDED


def terminal_events(plan: Plan) -> list[EventTable]:
    return [t for t in plan.tables_of(EventTable) if t.ends_with is not None]


def endings(tables: list[EventTable], cells: np.ndarray) -> Endings:
    """When each entity of a block ends by the terminal event ``tables``, from its metric ``cells``
    before any ending (a threshold event fires on the values up to its period, so the values after
    it cannot change it)."""
    entities, periods = cells.shape[:2]
    last = np.full(entities, periods - 1, dtype=np.int64)
    event = np.full(entities, NOT_ENDED, dtype=np.int64)
    for i, table in enumerate(tables):
        fired = event_cells(table, cells)
        hit = fired.any(axis=1)
        period = np.argmax(fired, axis=1)
        earlier = hit & ((event == NOT_ENDED) | (period < last))
        last[earlier] = period[earlier]
        event[earlier] = i
    return Endings(last, event)
