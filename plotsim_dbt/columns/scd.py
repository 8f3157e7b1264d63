"""``scd``: the SCD Type 2 tier of an entity dimension. The tier follows the entity's realised
tracked metric, read as a position on the metric's range and cut at ``at``; a new version starts
when it changes (see engine/scd.py). ``TrackedPlan`` is what every such attribute shares (the
lifecycle stage is the other)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from .base import CheckContext, ColumnPlan, ColumnSpec, register


@dataclass(frozen=True)
class TrackedPlan(ColumnPlan):
    """An SCD2 attribute of the entity dimension: a label that follows the realised value of a
    tracked metric, read as a position on the metric's range."""

    index: int = 0  # tracked metric in the cell array
    low: float = 0.0  # tracked metric's range
    high: float = 1.0

    def position(self, values: np.ndarray) -> np.ndarray:
        """[entities, periods] the tracked metric as a position on its range (NaN where missing)."""
        return (values[:, :, self.index] - self.low) / (self.high - self.low)

    def path(self, values: np.ndarray, first: np.ndarray) -> np.ndarray:
        """[entities, periods] label index in force from each entity's ``first`` period."""
        raise NotImplementedError

    def values(self, block, rows) -> pa.Array:
        labels = pa.array(self.accepted_values, pa.string())
        return labels.take(pa.array(block.versions.labels(self.name)[rows.version]))


@dataclass(frozen=True)
class ScdPlan(TrackedPlan):
    cuts: np.ndarray = None  # cut points in (0, 1), rising
    monotonic: bool = True
    hold: int = 1

    def path(self, values: np.ndarray, first: np.ndarray) -> np.ndarray:
        position = self.position(values)
        tier = np.searchsorted(self.cuts, np.nan_to_num(position, nan=-np.inf), side="right").astype(np.int64)
        missing = np.isnan(position)
        if missing.any():  # a missing value keeps the tier in force (first period: the lowest tier)
            periods = np.arange(position.shape[1])
            last_seen = np.maximum.accumulate(np.where(missing, -1, periods), axis=1)
            rows = np.arange(position.shape[0])[:, None]
            tier = np.where(last_seen >= 0, tier[rows, np.maximum(last_seen, 0)], 0)
        return _settle(tier, self.monotonic, self.hold, first)


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


@register
class ScdColumn(ColumnSpec):
    tracks: str | None = Field(None, description="scd: the metric whose realised value moves the entity between tiers.")
    tiers: list[str] | None = Field(None, description="scd: tier labels, lowest first.")
    at: list[float] | None = Field(None, description="scd: cut points in (0, 1) on the tracked metric's range, one fewer than tiers.")
    monotonic: bool = Field(True, description="scd: tiers only go up (upgrades), as in a plan ladder; false lets them fall back.")
    hold: int = Field(1, ge=1, description="scd: periods a new tier must last before a new version starts (damps noise).")
    words = ("scd",)
    roles = frozenset({"entity"})

    @model_validator(mode="after")
    def _tiers(self) -> ScdColumn:
        if self.tracks is None or not self.tiers or self.at is None:
            raise ValueError(f"tiers: scd column {self.name!r} needs tracks, tiers and at (cut points)")
        if len(self.tiers) < 2 or len(set(self.tiers)) != len(self.tiers):
            raise ValueError(f"tiers: {self.name!r} needs at least two distinct tier labels")
        if len(self.at) != len(self.tiers) - 1:
            raise ValueError(f"at: {self.name!r} has {len(self.tiers)} tiers, so it needs {len(self.tiers) - 1} cut points")
        if any(not 0 < a < 1 for a in self.at) or any(b <= a for a, b in zip(self.at, self.at[1:])):
            raise ValueError(f"at: cut points of {self.name!r} must rise strictly inside (0, 1), got {self.at}")
        return self

    def check(self, ctx: CheckContext) -> None:
        if self.tracks not in ctx.metrics:
            raise ValueError(f"{ctx.path}.tracks: {self.tracks!r} is not a declared metric")

    def resolve(self, ctx: Any) -> ScdPlan:
        metric = ctx.metric(self.tracks)
        text = self.description or f"SCD2 tier ({', '.join(self.tiers)}) following {self.tracks}; a new version starts when it changes."
        return ScdPlan(
            self.name,
            pa.string(),
            text,
            accepted_values=tuple(self.tiers),
            not_null=True,
            index=metric.index,
            low=metric.low,
            high=metric.high,
            cuts=np.asarray(self.at, dtype=np.float64),
            monotonic=self.monotonic,
            hold=self.hold,
        )
