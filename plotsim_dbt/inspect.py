"""trace_metric_cell: every step that produced one metric cell, recomputed by the engine's own
code path (the cell pipeline reports its intermediates), so ``realized_cell`` is the table's value."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .config import Config
from .engine.cells import metric_cells
from .engine.context import Block
from .engine.streams import KEY_BLOCK
from .plan.resolve import Plan, plan_of


@dataclass(frozen=True)
class TraceResult:
    entity: str
    entity_id: int
    segment: str
    archetype: str
    period_index: int
    date_key: int
    metric: str
    family: str
    trajectory_position: float  # the entity's own trajectory at this period
    lag_delay: int  # periods this metric trails its driver (0 without a lag)
    effective_position: float  # the position the metric reads, after the lag (and a treatment lift)
    polarity: str
    trajectory_loading: float  # how far the trajectory moves the metric (lowered only for reachability)
    seasonal_factor: float  # relative lift of the centre this period (1.0 = none)
    distribution_center: float  # centre of the cell's distribution, lift included
    independent_draw: float  # the cell's standard-normal draw
    correlated_draw: float  # after the Gaussian copula mixes the metrics' draws
    drawn_value: float  # the family's quantile at the correlated draw
    noised_value: float  # after multiplicative noise
    outlier_multiplier: float  # 1.0 unless the cell became an outlier
    clamped_value: float  # after clamping into the value range and rounding to the metric's decimals
    scale_factor: float  # the factor of the dimension label in force (scaled_by); 1.0 when not scaled
    missing: bool  # dropped as missing (NULL in the table)
    realized_cell: float | None  # the value in the generated table

    def as_dict(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        width = max(len(k) for k in self.as_dict())
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self.as_dict().items())


def _entity(plan: Plan, entity_name: str | None, entity_id: int | None) -> int:
    if (entity_name is None) == (entity_id is None):
        raise ValueError("give exactly one of entity_name ('<segment>_<NNNN>') or entity_id (the primary key)")
    if entity_name is not None:
        return plan.entity_index(entity_name)
    if not 1 <= int(entity_id) <= plan.entity_count:
        raise KeyError(f"entity_id {entity_id} is outside 1..{plan.entity_count}")
    return int(entity_id) - 1


def trace_metric_cell(
    cfg: Config | Plan,
    *,
    seed: int | None = None,
    entity_name: str | None = None,
    entity_id: int | None = None,
    period_index: int,
    metric_name: str,
) -> TraceResult:
    """Trace one (entity, period, metric) cell through the pipeline. ``cfg`` may be a resolved Plan,
    so many traces of one config plan it once."""
    plan = plan_of(cfg, seed)
    entity = _entity(plan, entity_name, entity_id)
    if not 0 <= period_index < plan.periods:
        raise IndexError(f"period_index {period_index} is outside 0..{plan.periods - 1}")
    metric = next((m for m in plan.metrics if m.name == metric_name), None)
    if metric is None:
        raise KeyError(f"no metric {metric_name!r}; metrics: {', '.join(m.name for m in plan.metrics)}")
    start = entity // KEY_BLOCK * KEY_BLOCK  # a key block is the smallest unit the engine draws
    block = Block(plan, start, min(start + KEY_BLOCK, plan.entity_count))
    first = int(block.paths.first[entity - start])
    if period_index < first:
        raise IndexError(f"entity {entity + 1} arrives at period {first}: it has no cell at period {period_index}")
    last = int(block.last[entity - start])
    if period_index > last:
        raise IndexError(f"entity {entity + 1} ended at period {last}: it has no cell at period {period_index}")
    steps: dict[str, np.ndarray] = {}
    values, _ = metric_cells(plan, block.start, block.stop, block.centres, block.effective, record=steps.__setitem__)
    cell = (entity - start, period_index, metric.index)

    def step(name: str, default: float) -> float:
        return float(steps[name][cell]) if name in steps else default

    segment = int(plan.entity_segment[entity])
    scale = next((s for s in plan.scales if s.metric == metric.index), None)
    factor = 1.0
    if scale is not None:
        factors = scale.factor_cells(block)
        factor = float(factors[cell[0], min(period_index, factors.shape[1] - 1)])
        values = block.values  # the same cells, scaled
    realized = values[cell]
    return TraceResult(
        entity=plan.entity_names(entity, entity + 1)[0].as_py(),
        entity_id=entity + 1,
        segment=plan.config.segments[segment].name,
        archetype=plan.config.segments[segment].archetype,
        period_index=period_index,
        date_key=int(plan.axis.date_keys[period_index]),
        metric=metric.name,
        family=metric.family,
        trajectory_position=float(block.paths.positions[cell[:2]]),
        lag_delay=metric.delay,
        effective_position=float(block.effective[cell]),
        polarity="negative" if metric.negative else "positive",
        trajectory_loading=float(plan.loadings[period_index, metric.index]),
        seasonal_factor=1.0 + float(plan.seasonal_lift[segment, period_index, metric.index]),
        distribution_center=float(block.centres[cell]),
        independent_draw=step("independent_draw", np.nan),
        correlated_draw=step("correlated_draw", np.nan),
        drawn_value=step("drawn_value", np.nan),
        noised_value=step("noised_value", np.nan),
        outlier_multiplier=step("outlier_multiplier", 1.0),
        clamped_value=step("clamped_value", np.nan),
        scale_factor=factor,
        missing=bool(np.isnan(realized)),
        realized_cell=None if np.isnan(realized) else float(realized),
    )
