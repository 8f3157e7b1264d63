"""Each entity's own trajectory: its start period (arrival), its own timing, amplitude, level and
wiggle around the segment's archetype (variation), its treatment arm, and from these the centre
of every metric cell. Parameters come from keyed streams per key block, so an entity's path does
not depend on the block it is generated in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..plan.centres import Lift, centre_field, effective_positions
from ..plan.population import PARAMETERS, shape_paths, start_periods, treated
from .streams import KEY_BLOCK, Purpose, draw

if TYPE_CHECKING:
    from ..plan.resolve import Plan


@dataclass(frozen=True)
class Paths:
    first: np.ndarray  # [E] first active period
    positions: np.ndarray  # [E, P] trajectory position, NaN before the entity arrives
    normals: np.ndarray  # [E, PARAMETERS + P] the scores behind the entity's own parameters
    treated: np.ndarray  # [E] in its segment's treatment arm

    @property
    def alive(self) -> np.ndarray:
        """[E, P] the entity exists in the period."""
        return ~np.isnan(self.positions)


def entity_paths(plan: Plan, start: int, stop: int) -> Paths:
    periods = plan.periods
    segment = plan.entity_segment[start:stop]
    index = np.arange(start, stop) - plan.segment_offsets[segment]
    normals = draw(plan.seed, Purpose.TRAJECTORIES, start, stop, (PARAMETERS + periods,))
    u = draw(plan.seed, Purpose.ARRIVAL, start, stop, (1,), kind="uniform")[:, 0]
    first = np.zeros(stop - start, dtype=np.int64)
    positions = np.empty((stop - start, periods))
    arm = np.zeros(stop - start, dtype=bool)
    for s in np.unique(segment):
        rows = segment == s  # contiguous: entities are in segment order
        population = plan.population[s]
        first[rows] = start_periods(population, index[rows], u[rows], periods)
        positions[rows] = shape_paths(population, periods, first[rows], normals[rows])
        arm[rows] = treated(population, index[rows])
    return Paths(first, positions, normals, arm)


def entity_effective(plan: Plan, paths: Paths, start: int) -> np.ndarray:
    """[E, P, M] each metric's effective position: after lags and treatment lifts."""
    segment = plan.entity_segment[start : start + len(paths.first)]
    lift = None
    if paths.treated.any():
        plans = [p.treatment for p in plan.population]
        log_odds = np.array([0.0 if t is None else t.lift for t in plans])[segment]
        lift = Lift(
            np.where(paths.treated, log_odds, 0.0),
            np.array([0 if t is None else t.start_period for t in plans])[segment],
            np.array([-1 if t is None or t.target is None else t.target for t in plans])[segment],
        )
    return effective_positions(paths.positions, list(plan.metrics), list(plan.order), paths.first, lift)


def entity_centres(plan: Plan, effective: np.ndarray, start: int) -> np.ndarray:
    """[E, P, M] centre of every metric cell (NaN where the entity does not exist)."""
    segment = plan.entity_segment[start : start + len(effective)]
    return centre_field(effective, plan.seasonal_lift[segment], list(plan.metrics), plan.loadings, plan.ranges[segment])


def positions_of(plan: Plan, index: np.ndarray) -> np.ndarray:
    """[len(index), P] trajectory positions of the entities at these 0-based indices."""
    index = np.asarray(index, dtype=np.int64)
    out = np.empty((len(index), plan.periods))
    key_block = index // KEY_BLOCK
    for block in np.unique(key_block):
        start = int(block) * KEY_BLOCK
        here = key_block == block
        out[here] = entity_paths(plan, start, min(start + KEY_BLOCK, plan.entity_count)).positions[index[here] - start]
    return out
