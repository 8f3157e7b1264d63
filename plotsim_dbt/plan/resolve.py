"""resolve_plan(config) -> Plan: everything derivable is computed once here and frozen."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config.metrics import rounded_inward
from ..config.models import Config
from ..config.vocabulary import FAMILY_PARAMS
from ..engine.families import PoissonGrid
from ..quality.plan import attach_faults
from .archetypes import trajectory
from .calendar import CalendarPlan, resolve_calendar
from .centres import Lift, MetricPlan, centre_field, decay_kernel, effective_positions, segment_ranges
from .correlation import CopulaPlan, NoiseVariance, PhasePlan, period_loadings, plan_copula
from .periods import PeriodAxis, period_axis
from .population import SegmentPopulation, representatives, resolve_population
from .scales import MetricScale, resolve_scales
from .size import check_fits
from .tables import EntityTable, FactTable, TablePlan, resolve_tables


def config_hash(config: Config) -> str:
    canonical = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Plan:
    config: Config
    seed: int
    config_sha256: str
    axis: PeriodAxis
    metrics: tuple[MetricPlan, ...]
    segment_counts: np.ndarray  # [S]
    positions: np.ndarray  # [S, P] raw trajectory per segment
    effective: np.ndarray  # [S, P, M] after lags
    period_lift: np.ndarray  # [P] seasonal lift of each period before sensitivities
    seasonal_lift: np.ndarray  # [S, P, M] relative lift of the centre
    ranges: np.ndarray  # [S, M, 2] the [low, high] each segment's centre of each metric moves across
    centres: np.ndarray  # [S, P, M]
    copula: CopulaPlan  # the base connections (every period outside the connection phases)
    phases: tuple[PhasePlan, ...]  # one copula per connection phase
    loadings: np.ndarray  # [P, M] trajectory loading per period: a phase's own over its periods
    tables: dict[str, TablePlan]  # every generated table in build order, dim_date first
    calendar: CalendarPlan | None
    poisson_grids: dict[int, PoissonGrid]  # count metric index -> CDF tables up to its largest possible mean
    population: tuple[SegmentPopulation, ...]  # per segment: arrival, variation, treatment
    order: tuple[int, ...]  # metrics with lag drivers first

    @property
    def entity_count(self) -> int:
        return int(self.segment_counts.sum())

    @property
    def periods(self) -> int:
        return self.axis.count

    @cached_property
    def entity_segment(self) -> np.ndarray:
        """Segment index of every entity, in entity order (entity id = position + 1)."""
        return np.repeat(np.arange(len(self.segment_counts), dtype=np.int32), self.segment_counts)

    @cached_property
    def segment_offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.segment_counts)])

    @cached_property
    def segment_names(self) -> pa.Array:
        return pa.array([s.name for s in self.config.segments], pa.string())

    @property
    def cutoff_period(self) -> int | None:
        """First held-out period index, or None without a holdout."""
        holdout = self.config.holdout
        return None if holdout is None else self.periods - holdout.periods

    @property
    def fact_tables(self) -> list[FactTable]:
        return self.tables_of(FactTable)

    @cached_property
    def scales(self) -> tuple[MetricScale, ...]:
        """Metrics tied to an attribute of the entity dimension (``scaled_by``)."""
        return resolve_scales(self.config, self.metrics)

    @property
    def entity_table(self) -> EntityTable:
        return next(t for t in self.tables.values() if isinstance(t, EntityTable))

    def tables_of(self, kind: type) -> list:
        return [t for t in self.tables.values() if isinstance(t, kind)]

    def entity_names(self, start: int, stop: int) -> pa.Array:
        """``<segment>_<NNNN>`` names of entities [start, stop), numbered from 0 within the segment
        (``growth_0000`` is a segment's first entity, as in the reference generator)."""
        return self.names_of(np.arange(start, stop))

    def names_of(self, index: np.ndarray) -> pa.Array:
        """Names of the entities at these (0-based) indices."""
        segment = self.entity_segment[index]
        number = index - self.segment_offsets[segment]
        prefix = self.segment_names.take(pa.array(segment))
        digits = pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 4, "0")
        return pc.binary_join_element_wise(prefix, digits, "_")

    def copulas(self) -> list[tuple[int, int, CopulaPlan]]:
        """(first period, last period, copula) spans covering the window in order: the base
        connections between the connection phases."""
        spans, t = [], 0
        for phase in sorted(self.phases, key=lambda p: p.start):
            if phase.start > t:
                spans.append((t, phase.start - 1, self.copula))
            spans.append((phase.start, phase.end, phase.copula))
            t = phase.end + 1
        if t < self.periods:
            spans.append((t, self.periods - 1, self.copula))
        return spans

    def metric(self, name: str) -> MetricPlan:
        return next(m for m in self.metrics if m.name == name)

    def entity_index(self, name: str) -> int:
        """Inverse of entity_names; raises KeyError naming the entity."""
        segment, _, number = name.rpartition("_")
        for s, seg in enumerate(self.config.segments):
            if seg.name == segment and number.isdigit() and int(number) < seg.count:
                return int(self.segment_offsets[s] + int(number))
        raise KeyError(f"no entity named {name!r}; names look like {self.config.segments[0].name}_0000")


def _metric_plans(config: Config) -> list[MetricPlan]:
    index = {m.name: i for i, m in enumerate(config.metrics)}
    plans = []
    for i, metric in enumerate(config.metrics):
        family = metric.family
        low, high = metric.bounds
        params = {**FAMILY_PARAMS[family], **metric.distribution_params}
        unbounded_above = family == "poisson"
        clamp_low = float(low) if family != "poisson" else 0.0
        clamp_high = float("inf") if unbounded_above else float(high)
        if metric.places is not None and not unbounded_above:
            clamp_low, clamp_high = rounded_inward(clamp_low, clamp_high, metric.places)
        plans.append(
            MetricPlan(
                name=metric.name,
                index=i,
                family=family,
                params=params,
                low=float(low),
                high=float(high),
                clamp_low=clamp_low,
                clamp_high=clamp_high,
                negative=metric.polarity == "negative",
                driver=index[metric.follows] if metric.follows else None,
                delay=metric.delay or 0,
                seasonal_sensitivity=metric.seasonal_sensitivity,
                integer=family == "poisson",
                decimals=metric.places,
                blend=metric.blend_weight,
                kernel=decay_kernel(metric.decay_window, metric.decay_kernel),
                noise=metric.noise or config.noise,
            )
        )
    return plans


def _topological(metrics: list[MetricPlan]) -> list[int]:
    order, placed = [], set()
    while len(order) < len(metrics):
        for m in metrics:
            if m.index not in placed and (m.driver is None or m.driver in placed):
                order.append(m.index)
                placed.add(m.index)
    return order


def _noise_variance(metrics: list[MetricPlan]) -> NoiseVariance:
    """Each metric's noise variance for the planner: per unit of E[x^2] for noise proportional to
    the value, per unit of squared position for noise that scales with the trajectory."""
    relative, by_position = np.zeros(len(metrics)), np.zeros(len(metrics))
    for metric in metrics:
        noise = metric.noise
        unit = {"gaussian": 1.0, "laplace": 2.0}.get(noise.family)
        if unit is None:  # student_t
            df = noise.degrees_of_freedom
            unit = df / (df - 2.0) if df > 2 else 3.0
        if noise.scale_with_trajectory:
            by_position[metric.index] = (noise.gaussian_sigma * (metric.high - metric.low)) ** 2 * unit
        else:
            relative[metric.index] = noise.gaussian_sigma**2 * unit
    return NoiseVariance(relative, by_position)


def _largest_mean(metric: MetricPlan, lift: np.ndarray) -> float:
    """The largest centre a count metric can take: the top of its range at the strongest lift."""
    return metric.high * (1.0 + max(0.0, float(lift[:, :, metric.index].max(initial=0.0))))


def _planning_sample(
    population, periods: int, metrics, order, lift: np.ndarray, ranges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(effective [U, P, M], seasonal lift [U, P, M], weights [U, P], ranges [U, M, 2]) of
    representative pseudo-entities of every segment, for the correlation planner."""
    effective, lifts, weights, unit_ranges = [], [], [], []
    for s, segment in enumerate(population):
        positions, first, arm = representatives(segment, periods)
        treatment = segment.treatment
        treated_lift = None
        if treatment is not None:
            k = len(first)
            treated_lift = Lift(
                np.where(arm, treatment.lift, 0.0),
                np.full(k, treatment.start_period),
                np.full(k, -1 if treatment.target is None else treatment.target),
            )
        effective.append(effective_positions(positions, metrics, order, first, treated_lift))
        lifts.append(np.broadcast_to(lift[s], (len(first), *lift[s].shape)))
        weights.append(np.where(np.isnan(positions), 0.0, segment.count / len(first)))
        unit_ranges.append(np.broadcast_to(ranges[s], (len(first), *ranges[s].shape)))
    return np.concatenate(effective), np.concatenate(lifts), np.concatenate(weights), np.concatenate(unit_ranges)


def resolve_plan(config: Config, seed: int | None = None) -> Plan:
    seed = config.seed if seed is None else int(seed)
    axis = period_axis(config.window.start, config.window.end, config.window.every)
    metrics = _metric_plans(config)
    tables = attach_faults(config, resolve_tables(config, tuple(metrics)), axis.count)  # first: it checks the column names
    order = _topological(metrics)
    population = resolve_population(config, seed, axis.count)
    positions = np.stack([trajectory(segment.phases) for segment in population])
    effective = effective_positions(positions, metrics, order)

    month_lift = np.zeros(13)
    for effect in config.seasonality:
        month_lift[effect.months] += effect.strength
    period_lift = month_lift[axis.months]
    segment_sens = np.array([s.seasonal_sensitivity for s in config.segments])
    metric_sens = np.array([m.seasonal_sensitivity for m in metrics])
    lift = segment_sens[:, None, None] * period_lift[None, :, None] * metric_sens[None, None, :]

    counts = np.array([s.count for s in config.segments], dtype=np.int64)
    ranges = segment_ranges(config.segments, config.metrics)
    sample = _planning_sample(population, axis.count, metrics, order, lift, ranges)
    copula, phases = plan_copula(config.connections, metrics, *sample, _noise_variance(metrics), config.connection_phases)
    loadings = period_loadings(copula, phases, axis.count)
    centres = centre_field(effective, lift, metrics, loadings, ranges)
    plan = Plan(
        config=config,
        seed=seed,
        config_sha256=config_hash(config),
        axis=axis,
        metrics=tuple(metrics),
        segment_counts=counts,
        positions=positions,
        effective=effective,
        period_lift=period_lift,
        seasonal_lift=lift,
        ranges=ranges,
        centres=centres,
        copula=copula,
        phases=phases,
        loadings=loadings,
        tables=tables,
        calendar=resolve_calendar(config),
        poisson_grids={m.index: grid for m in metrics if m.family == "poisson" and (grid := PoissonGrid.up_to(_largest_mean(m, lift)))},
        population=population,
        order=tuple(order),
    )
    check_fits(plan, in_memory=False)
    return plan


def plan_of(source: Config | Plan, seed: int | None = None) -> Plan:
    """The plan of a config (resolved now), or a given plan (reseeded if ``seed`` differs): API
    functions take either, so a plan resolved once serves many calls."""
    if isinstance(source, Plan):
        return source if seed is None or int(seed) == source.seed else dataclasses.replace(source, seed=int(seed))
    return resolve_plan(source, seed)
