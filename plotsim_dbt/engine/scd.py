"""SCD Type 2 versions: an entity's tier follows the realised value of the tracked metric,
read as a position on the metric's range and cut at the configured points. A new version starts
whenever the tier changes (with ``monotonic``, only upward: a plan ladder; with ``hold``, only
after the new band has lasted that many periods). An entity that a terminal event ends gets a
last version from its end period: the tier in force, with the ended status."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..columns.scd import ScdPlan
from .endings import Endings


@dataclass(frozen=True)
class Versions:
    tier: np.ndarray  # [entities, periods] tier index in force
    trigger: np.ndarray  # [entities, periods] position of the tracked metric on its range
    version_of: np.ndarray  # [entities, periods] version (0-based, block-wide) in force
    entity: np.ndarray  # [versions] local entity index
    start: np.ndarray  # [versions] first period
    end: np.ndarray  # [versions] period after the last, -1 while current
    per_entity: np.ndarray  # [entities] versions per entity
    ended: np.ndarray  # [versions] the version records the entity's end (its last, from the end period)

    @property
    def version_tier(self) -> np.ndarray:
        """[versions] tier of each version."""
        return self.tier[self.entity, self.start]


def tier_path(scd: ScdPlan, values: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tier index and trigger position of every entity and period (from each entity's first period)."""
    raw = values[:, :, scd.index]
    position = (raw - scd.low) / (scd.high - scd.low)
    tier = np.searchsorted(scd.cuts, np.nan_to_num(position, nan=-np.inf), side="right").astype(np.int64)
    missing = np.isnan(raw)
    if missing.any():  # a missing value keeps the tier in force (first period: the lowest tier)
        periods = np.arange(raw.shape[1])
        last_seen = np.maximum.accumulate(np.where(missing, -1, periods), axis=1)
        rows = np.arange(raw.shape[0])[:, None]
        tier = np.where(last_seen >= 0, tier[rows, np.maximum(last_seen, 0)], 0)
    return _settle(tier, scd.monotonic, scd.hold, first), position


def _settle(band: np.ndarray, monotonic: bool, hold: int, first: np.ndarray) -> np.ndarray:
    """The tier in force: an entity starts in its band at its first period and moves to a new band
    once that band has held for ``hold`` periods (only upward when ``monotonic``), so noise
    around a cut point does not flap versions."""
    tier = band.copy()
    current = band[np.arange(len(band)), first].copy()
    pending = np.full_like(current, -1)
    streak = np.zeros_like(current)
    for t in range(band.shape[1]):
        candidate = band[:, t]
        moves = (t > first) & ((candidate > current) if monotonic else (candidate != current))
        streak = np.where(moves, np.where(candidate == pending, streak + 1, 1), 0)
        pending = np.where(moves, candidate, -1)
        switch = streak >= hold
        current = np.where(switch, candidate, current)
        streak[switch] = 0
        tier[:, t] = current
    return tier


def versions(scd: ScdPlan, values: np.ndarray, first: np.ndarray, endings: Endings | None = None) -> Versions:
    """Versions of entities whose lives start at ``first`` (the first version starts there) and,
    with ``endings``, end where a terminal event fired."""
    tier, position = tier_path(scd, values, first)
    entities, periods = tier.shape
    starts = np.ones_like(tier, dtype=bool)
    starts[:, 1:] = tier[:, 1:] != tier[:, :-1]
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
    return Versions(tier, position, version_of, entity, start, end, per_entity, start >= ended_at[entity])
