"""How the entities of a segment differ from each other, resolved once: when they arrive, how far
their own trajectories stray from the archetype, and which are treated.

``shape_paths`` turns per-entity parameters into trajectory positions. The engine draws the
parameters per key block (engine/trajectories.py); the correlation planner uses a few
representative parameter sets per segment (``representatives``), so it plans the same paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from ..config.entities import ExplicitArrival, LinearArrival, StepArrival, UniformArrival, arrival_window
from ..config.models import Config
from ..engine.streams import Purpose, stream
from .archetypes import Phase, parse_archetype, positions_at
from .permutation import AffinePermutation

# Spread of each entity's own parameters at variation 1 (they scale linearly with variation).
SHIFT_SD = 0.2  # timing: the archetype runs early or late by this share of the entity's window
AMPLITUDE_SD = 0.5  # log of the factor on the distance from mid-range
LEVEL_SD = 0.25  # added to the position
WIGGLE_SD, WIGGLE_RHO = 0.1, 0.7  # an AR(1) wobble of the entity's own, period to period
SHIFT_LIMIT = 0.5
PARAMETERS = 3  # shift, amplitude, level: normal draws per entity before the wiggle's
REPRESENTATIVES = 4  # pseudo-entities per segment with arrival or treatment in correlation planning


@dataclass(frozen=True)
class TreatmentPlan:
    treated: int  # exactly this many entities of the segment are treated
    order: AffinePermutation  # entity i (within the segment) is treated when order(i) < treated
    lift: float  # log-odds added to the targeted metrics' effective positions
    start_period: int
    target: int | None  # metric index, None: every metric
    labels: tuple[str, str]  # (treatment, control)


@dataclass(frozen=True)
class SegmentPopulation:
    phases: tuple[Phase, ...]
    count: int
    variation: float
    arrival: UniformArrival | LinearArrival | StepArrival | ExplicitArrival | None
    treatment: TreatmentPlan | None

    @property
    def identical(self) -> bool:
        """Every entity follows the archetype exactly from period 0, untreated."""
        return self.variation == 0 and self.arrival is None and self.treatment is None


def resolve_population(config: Config, seed: int, periods: int) -> tuple[SegmentPopulation, ...]:
    metric_index = {m.name: i for i, m in enumerate(config.metrics)}
    out = []
    for s, segment in enumerate(config.segments):
        treatment = None
        if segment.treatment is not None:
            t = segment.treatment
            # A keyed affine permutation of the segment picks exactly round(fraction x count) entities,
            # decided entity by entity, so any block of entities knows its own arm.
            treatment = TreatmentPlan(
                treated=round(t.fraction * segment.count),
                order=AffinePermutation.keyed(segment.count, stream(seed, Purpose.TREATMENT, s)),
                lift=t.lift_log_odds,
                start_period=t.start_period,
                target=None if t.target_metric is None else metric_index[t.target_metric],
                labels=(t.treatment_label, t.control_label),
            )
        variation = config.variation if segment.variation is None else segment.variation
        out.append(SegmentPopulation(parse_archetype(segment.archetype, periods), segment.count, variation, segment.arrival, treatment))
    return tuple(out)


def start_periods(population: SegmentPopulation, index: np.ndarray, u: np.ndarray, periods: int) -> np.ndarray:
    """First active period of the segment's entities at ``index`` (0-based within the segment),
    given one uniform each (used by the random arrivals only)."""
    arrival = population.arrival
    if arrival is None:
        return np.zeros(len(index), dtype=np.int64)
    if isinstance(arrival, ExplicitArrival):
        return np.asarray(arrival.start_periods, dtype=np.int64)[index]
    if isinstance(arrival, StepArrival):
        sizes = [round(b.fraction * population.count) for b in arrival.blocks]
        sizes[-1] = population.count - sum(sizes[:-1])
        bounds = np.cumsum(sizes)
        which = np.minimum(np.searchsorted(bounds, index, side="right"), len(sizes) - 1)
        return np.array([b.period for b in arrival.blocks], dtype=np.int64)[which]
    start, end = arrival_window(arrival, periods)
    span = end - start
    if isinstance(arrival, UniformArrival):
        offset = u * span
    elif arrival.direction == "increasing":
        offset = span * np.sqrt(u)
    else:
        offset = span * (1.0 - np.sqrt(1.0 - u))
    return start + np.minimum(np.floor(offset).astype(np.int64), span - 1)


def treated(population: SegmentPopulation, index: np.ndarray) -> np.ndarray:
    plan = population.treatment
    if plan is None:
        return np.zeros(len(index), dtype=bool)
    return plan.order(index) < plan.treated


def own_parameters(population: SegmentPopulation, normals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(timing shift as a share of the window, amplitude factor, level offset) of each entity."""
    v = population.variation
    shift = np.clip(SHIFT_SD * v * normals[:, 0], -SHIFT_LIMIT, SHIFT_LIMIT)
    return shift, np.exp(AMPLITUDE_SD * v * normals[:, 1]), LEVEL_SD * v * normals[:, 2]


def shape_paths(population: SegmentPopulation, periods: int, first: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """[entities, periods] positions: the archetype run over each entity's active window (from
    ``first``), with its own timing, amplitude, level and wiggle; NaN before it arrives.
    ``normals`` holds PARAMETERS + periods standard normal scores per entity."""
    v = population.variation
    t = np.arange(periods)
    span = np.maximum(periods - 1 - first, 1)
    shift, amplitude, level = own_parameters(population, normals)
    # The archetype over the entity's own window, in periods: exactly t for an entity from period 0.
    tau = (t[None, :] - first[:, None]) * ((periods - 1) / span)[:, None]
    if v > 0:
        tau = tau - (periods - 1) * shift[:, None]
    position = positions_at(population.phases, np.clip(tau, 0.0, periods - 1))
    if v > 0:
        position = 0.5 + amplitude[:, None] * (position - 0.5) + level[:, None]
        if normals.shape[1] > PARAMETERS:
            innovations = WIGGLE_SD * v * normals[:, PARAMETERS:]
            wiggle = np.empty_like(innovations)
            wiggle[:, 0] = innovations[:, 0]
            scale = math.sqrt(1.0 - WIGGLE_RHO**2)
            for p in range(1, periods):
                wiggle[:, p] = WIGGLE_RHO * wiggle[:, p - 1] + scale * innovations[:, p]
            position = position + wiggle
        position = np.clip(position, 0.0, 1.0)
    position[t[None, :] < first[:, None]] = np.nan
    return position


def representatives(population: SegmentPopulation, periods: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions [K, P], first [K], treated [K]) of pseudo-entities spanning the segment's
    spread, each standing for count / K entities. Arrival and treatment change which cells exist
    and how they move, so they get K = REPRESENTATIVES; otherwise the archetype alone stands for
    the segment (entity variation moves the planned copula by a few thousandths at variation
    0.3, measured, and planning cost grows with K)."""
    k = 1 if population.arrival is None and population.treatment is None else REPRESENTATIVES
    quantiles = (np.arange(k) + 0.5) / k
    # One quantile per parameter, each in its own fixed order, so the K points spread in all of them.
    orders = [np.arange(k), np.arange(k)[::-1], np.roll(np.arange(k), k // 2)]
    normals = np.zeros((k, PARAMETERS))
    for j, order in enumerate(orders):
        normals[:, j] = special.ndtri(quantiles[order]) if k > 1 else 0.0
    index = np.minimum((quantiles * population.count).astype(np.int64), population.count - 1)
    first = start_periods(population, index, quantiles, periods)
    arm = np.zeros(k, dtype=bool)
    if population.treatment is not None:
        arm[: round(population.treatment.treated / population.count * k)] = True
    return shape_paths(population, periods, first, normals), first, arm
