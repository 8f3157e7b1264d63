"""Endings: a threshold event with ``ends_entity`` ends its entity in the period it fires, and a
lifecycle with ``ends_entity`` in the period the entity enters its final stage. The entity lives
through that period and has nothing after it; when several enders fire, the earliest ends it (on
the same period, the one declared first, events before the lifecycle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from ..columns.lifecycle import LifecyclePlan
from ..plan.tables import EventTable
from .firings import event_cells

if TYPE_CHECKING:
    from ..plan.resolve import Plan

NOT_ENDED = -1


@dataclass(frozen=True)
class Ender:
    name: str  # the event table, or the lifecycle column
    status: str  # the status it leaves the entity with
    fires: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (cells, first period) -> [E, P] non-zero where it fires


@dataclass(frozen=True)
class Endings:
    last: np.ndarray  # [E] last period the entity exists (periods - 1 when it never ends)
    event: np.ndarray  # [E] index into enders(plan) of what ended it, NOT_ENDED if nothing

    @property
    def ended(self) -> np.ndarray:
        return self.event != NOT_ENDED


def _event_fires(table: EventTable, cells: np.ndarray, first: np.ndarray) -> np.ndarray:
    return event_cells(table, cells)


def enders(plan: Plan) -> list[Ender]:
    """What can end the plan's entities, in precedence order."""
    found = [Ender(t.name, t.ends_with, partial(_event_fires, t)) for t in plan.tables_of(EventTable) if t.ends_with is not None]
    entity = plan.entity_table
    found += [Ender(c.name, c.final_stage, c.ends) for c in entity.tracked if isinstance(c, LifecyclePlan) and c.ends_entity]
    return found


def endings(found: list[Ender], cells: np.ndarray, first: np.ndarray) -> Endings:
    """When each entity of a block ends, from its metric ``cells`` before any ending (what fires at
    a period reads the values up to it, so the values after it cannot change it)."""
    entities, periods = cells.shape[:2]
    last = np.full(entities, periods - 1, dtype=np.int64)
    event = np.full(entities, NOT_ENDED, dtype=np.int64)
    for i, ender in enumerate(found):
        fired = ender.fires(cells, first) > 0
        hit = fired.any(axis=1)
        period = np.argmax(fired, axis=1)
        earlier = hit & ((event == NOT_ENDED) | (period < last))
        last[earlier] = period[earlier]
        event[earlier] = i
    return Endings(last, event)
