"""SCD Type 2 versions of the entity dimension. Each tracked attribute (the tier of an ``scd``
column, the lifecycle stage) follows the realised value of its metric (see columns/scd.py and
columns/lifecycle.py); a new version starts whenever any of them changes. An entity that a
terminal event ends gets a last version from its end period: the labels in force, with the ended
status."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..columns.scd import TrackedPlan
from .endings import Endings


@dataclass(frozen=True)
class Versions:
    bands: dict[str, np.ndarray]  # attribute -> [entities, periods] label index in force
    trigger: np.ndarray  # [entities, periods] position of the first attribute's tracked metric on its range
    version_of: np.ndarray  # [entities, periods] version (0-based, block-wide) in force
    entity: np.ndarray  # [versions] local entity index
    start: np.ndarray  # [versions] first period
    end: np.ndarray  # [versions] period after the last, -1 while current
    per_entity: np.ndarray  # [entities] versions per entity
    ended: np.ndarray  # [versions] the version records the entity's end (its last, from the end period)

    def labels(self, attribute: str) -> np.ndarray:
        """[versions] label index of ``attribute`` on each version."""
        return self.bands[attribute][self.entity, self.start]


def versions(tracked: tuple[TrackedPlan, ...], values: np.ndarray, first: np.ndarray, endings: Endings | None = None) -> Versions:
    """Versions of entities whose lives start at ``first`` (the first version starts there) and,
    with ``endings``, end where a terminal event fired."""
    bands = {attribute.name: attribute.path(values, first) for attribute in tracked}
    entities, periods = values.shape[:2]
    starts = np.ones((entities, periods), dtype=bool)
    starts[:, 1:] = False
    for band in bands.values():
        starts[:, 1:] |= band[:, 1:] != band[:, :-1]
    before = np.arange(periods)[None, :] < first[:, None]
    starts &= ~before
    rows = np.arange(entities)
    starts[rows, first] = True
    ended_at = np.full(entities, periods)  # period each entity's end version starts; none: past the window
    if endings is not None:
        ended = endings.ended
        ended_at[ended] = endings.last[ended]
        starts[rows[ended], ended_at[ended]] = True
        # a tier change pending at the end (waiting out its hold) would otherwise complete afterwards
        starts &= np.arange(periods)[None, :] <= ended_at[:, None]
    entity, start = np.nonzero(starts)
    per_entity = starts.sum(axis=1)
    version_of = np.where(before, -1, np.cumsum(starts.reshape(-1)).reshape(entities, periods) - 1)
    end = np.full(len(start), -1, dtype=np.int64)
    same = entity[1:] == entity[:-1]
    end[:-1][same] = start[1:][same]
    return Versions(bands, tracked[0].position(values), version_of, entity, start, end, per_entity, start >= ended_at[entity])
