"""The reference's engine-direct YAML (a top-level ``domain`` and no ``about``) onto our model.

- ``domain{name, description, entity_type}`` -> ``about`` (description, else name), ``unit``
  (entity_type); ``time_window{start, end, granularity}`` -> ``window{start, end, every}``
- ``metrics``: family and ``params`` per common.py; ``value_range`` -> ``range`` (without one, the
  span the reference's centre moves across); ``causal_lag{driver, lag_periods, blend_weight, decay,
  decay_window, decay_kernel}`` -> ``follows``/``delay``/``blend_weight`` (and ``decay_window``/
  ``decay_kernel`` when decay is on); ``noise_override`` -> the metric's ``noise``
- ``archetypes[].curve_segments{curve, params, start_pct, end_pct}`` -> our curve grammar: one
  phase per segment, anchored at ``floor(end_pct x periods)`` (empty segments dropped), e.g.
  ``plateau(level=0.15) > exp_decay(rate=2.0) @ 10``; sigmoid ``rising`` -> ``direction``,
  ``compound{base_rate, acceleration}`` -> ``ramp`` (exact on the period grid)
- ``entities``: the entities of one archetype (first-appearance order) become one segment named
  after the archetype with ``count`` = how many, so names are ``<archetype>_<NNNN>``; they must
  share ``seasonal_sensitivity`` (and ``size`` when sub-entity dimensions multiply by it)
- ``correlations`` -> ``connections``; ``correlation_phases[{start_period, end_period,
  correlations}]`` -> ``connection_phases[{start_period, end_period, connections}]``; ``seasonal_effects`` -> ``seasonality``; ``holdout{enabled,
  target_metric, holdout_periods}`` and ``entity_features{enabled, ...}`` -> ours when enabled
- ``tables`` and ``bridges``: engine_tables.py
- ``compensate_correlations`` and ``generation_mode`` are accepted: our connections always hold
  on the whole table and there is one deterministic mode (DESIGN.md section 9)
"""

from __future__ import annotations

import math
from typing import Any

from ...plan.curves import curve_parameters
from ...plan.periods import period_axis
from ..errors import ConfigError
from ..quality import COLUMN_ISSUES
from . import engine_shapes as E
from . import shapes
from .common import Context, check_manifest, join, reference_params, translate_locale, translate_noise, translate_output
from .engine_entities import Entities
from .engine_tables import translate_tables


def translate_engine(data: dict, ctx: Context) -> dict:
    cfg: E.EngineConfig = shapes.check(E.EngineConfig, data, "")
    try:
        periods = period_axis(cfg.time_window.start, cfg.time_window.end, cfg.time_window.granularity).count
    except ValueError as err:
        raise ConfigError("time_window", str(err)) from None
    names = [m.name for m in cfg.metrics]
    out: dict[str, Any] = {
        "about": cfg.domain.description or cfg.domain.name or cfg.domain.entity_type,
        "unit": cfg.domain.entity_type,
        "window": {"start": cfg.time_window.start, "end": cfg.time_window.end, "every": cfg.time_window.granularity},
        "metrics": [_metric(m, join("metrics", i), ctx) for i, m in enumerate(cfg.metrics)],
        "locale": translate_locale(cfg.locale, "locale", ctx),
    }
    ctx.trail.note("about", "domain", whole=True)
    ctx.trail.note("unit", "domain.entity_type")
    ctx.trail.note("window", "time_window")
    ctx.trail.note("window.every", "time_window.granularity")
    if cfg.seed is not None:
        out["seed"] = cfg.seed
    specs = {a.name: _archetype(a, join("archetypes", k), periods) for k, a in enumerate(cfg.archetypes)}
    ranges = {a.name: _override_ranges(cfg, k, out["metrics"]) for k, a in enumerate(cfg.archetypes)}
    entities = Entities(cfg, ctx, names)
    out["segments"] = [
        {
            "name": a.name,
            "count": len(members),
            "archetype": specs[a.name],
            "seasonal_sensitivity": members[0][1].seasonal_sensitivity,
            **({"label": a.label} if a.label else {}),
            # cold starts: each entity's start_period, in entity order, as an explicit arrival
            **(
                {"arrival": {"kind": "explicit", "start_periods": [e.start_period for _, e in members]}}
                if any(e.start_period > 0 for _, e in members)
                else {}
            ),
        }
        for a, members in entities.groups
    ]
    for g, (a, members) in enumerate(entities.groups):
        k = next(k for k, other in enumerate(cfg.archetypes) if other.name == a.name)
        ctx.trail.note(join("segments", g), join("entities", members[0][0]))
        ctx.trail.note(join("segments", g, "name"), join("archetypes", k, "name"))
        ctx.trail.note(join("segments", g, "archetype"), join("archetypes", k, "curve_segments"), whole=True)
        if ranges[a.name]:
            out["segments"][g]["ranges"] = ranges[a.name]
            for metric in ranges[a.name]:
                ctx.trail.note(join("segments", g, "ranges", metric), join("archetypes", k, "metric_overrides", metric, "value_range"), whole=True)
    out.update(translate_tables(cfg, ctx, entities, names))
    for segment, attributes in zip(out["segments"], entities.attributes):
        if attributes:
            segment["attributes"] = attributes
    if cfg.correlations:
        out["connections"] = cfg.correlations
        ctx.trail.note("connections", "correlations")
    if cfg.correlation_phases:
        phases = [shapes.check(shapes.CorrelationPhase, phase, join("correlation_phases", i)) for i, phase in enumerate(cfg.correlation_phases)]
        out["connection_phases"] = [
            {"start_period": p.start_period, "end_period": p.end_period, "connections": [c.model_dump() for c in p.correlations]} for p in phases
        ]
        ctx.trail.note("connection_phases", "correlation_phases")
        for i in range(len(phases)):
            ctx.trail.note(join("connection_phases", i, "connections"), join("correlation_phases", i, "correlations"))
    if cfg.seasonal_effects:
        out["seasonality"] = [e.model_dump() for e in cfg.seasonal_effects]
        ctx.trail.note("seasonality", "seasonal_effects")
    if cfg.noise is not None:
        out["noise"] = translate_noise(cfg.noise, "noise", ctx)
    if cfg.output is not None:
        out["output"] = translate_output(cfg.output, "output", ctx)
    check_manifest(cfg.manifest, "manifest")
    if cfg.stages is not None:
        out["lifecycle"] = _lifecycle(shapes.check(shapes.StageSequence, cfg.stages, "stages"), names)
        ctx.trail.note("lifecycle", "stages", whole=True)
    if cfg.holdout is not None and cfg.holdout.enabled:
        if cfg.holdout.target_metric is None or cfg.holdout.holdout_periods < 1:
            raise ConfigError("holdout", "an enabled holdout needs target_metric and holdout_periods >= 1")
        out["holdout"] = {
            "target": cfg.holdout.target_metric,
            "periods": cfg.holdout.holdout_periods,
            "min_training_periods": cfg.holdout.min_training_periods,
        }
        ctx.trail.note("holdout.target", "holdout.target_metric")
        ctx.trail.note("holdout.periods", "holdout.holdout_periods")
    if cfg.entity_features is not None and cfg.entity_features.enabled:
        out["entity_features"] = {"metrics": cfg.entity_features.metrics, "include_labels": cfg.entity_features.include_labels}
    if cfg.quality is not None:
        out["quality"] = _quality(shapes.check(shapes.EngineQuality, cfg.quality, "quality"), cfg, ctx)
    if cfg.multi_source is not None:  # the same source entries as ours, one level down
        out["sources"] = [source.model_dump() for source in shapes.check(shapes.Sources, cfg.multi_source, "multi_source").sources]
        ctx.trail.note("sources", "multi_source.sources")
    return out


def _quality(quality: shapes.EngineQuality, cfg: E.EngineConfig, ctx: Context) -> list[dict]:
    """The engine's issues in our form, one per target column (``*`` stays ``*``: every unprotected column)."""
    tables = {t.name for t in cfg.tables if t.type in ("fact", "event")}
    out = []
    for i, issue in enumerate(quality.quality_issues):
        path = join("quality.quality_issues", i)
        if issue.target_table not in tables:
            raise ConfigError(join(path, "target_table"), f"{issue.target_table!r} is not a fact or event table")
        columns = issue.target_columns if issue.type in COLUMN_ISSUES else [None]
        for column in columns:
            ctx.trail.note(join("quality", len(out)), path, whole=True)
            out.append(
                {
                    "issue": issue.type,
                    "table": issue.target_table,
                    "rate": issue.rate,
                    "seed_offset": issue.seed_offset,
                    **({"column": column} if column is not None else {}),
                    **({"mode": issue.mode} if issue.mode is not None else {}),
                    **({"period": issue.target_period} if issue.target_period is not None else {}),
                    **({"periods": issue.target_periods} if issue.target_periods is not None else {}),
                }
            )
    return out


def _lifecycle(stages: shapes.StageSequence, names: list[str]) -> dict:
    """The engine's stage sequence as a lifecycle. An exit above its stage's entry is the legacy form
    (leave below the entry, which is ours without exit); an exit at or below it is hysteresis."""
    if stages.field not in names:
        raise ConfigError("stages.field", f"{stages.field!r} is not a declared metric")
    later = stages.sequence[1:]
    hysteresis = [s.threshold_exit is not None and s.threshold_exit <= s.threshold_enter for s in later]
    if any(hysteresis) and not all(hysteresis):
        raise ConfigError("stages.sequence", "mix of legacy exits (above the entry) and hysteresis exits (at or below it); use one form")
    return {
        "track": stages.field,
        "enforce_order": stages.enforce_order,
        "downgrade_delay": stages.downgrade_delay,
        "stages": [
            {"name": s.name, "threshold": s.threshold_enter, **({"exit": s.threshold_exit} if any(hysteresis) and i > 0 else {})}
            for i, s in enumerate(stages.sequence)
        ],
    }


def _override_ranges(cfg: E.EngineConfig, k: int, metrics: list[dict]) -> dict[str, list[float]]:
    """An archetype's ``metric_overrides`` as its segment's ranges: ``value_range`` (a missing end is
    the metric's own). A segment draws a metric from the metric's one family, so an override's
    ``distribution`` or ``params`` is accepted only when it repeats the metric's own."""
    overrides = cfg.archetypes[k].metric_overrides
    if not overrides:
        return {}
    path = join("archetypes", k, "metric_overrides")
    checked = shapes.check(shapes.MetricOverrides, {"metric_overrides": overrides}, join("archetypes", k)).metric_overrides
    declared = {m.name: (i, m) for i, m in enumerate(cfg.metrics)}
    ranges = {}
    for name, override in checked.items():
        if name not in declared:
            raise ConfigError(join(path, name), f"{name!r} is not a declared metric")
        i, metric = declared[name]
        for key, own in (("distribution", metric.distribution), ("params", metric.params)):
            if getattr(override, key) is not None and getattr(override, key) != own:
                raise ConfigError(
                    join(path, name, key),
                    f"a per-archetype {key} is not supported: every segment draws {name!r} "
                    f"with the metric's own ({join('metrics', i, key)}); remove it (value_range narrows the segment)",
                )
        if override.value_range is not None:
            low, high = metrics[i]["range"]
            given = override.value_range
            ranges[name] = [low if given.min is None else given.min, high if given.max is None else given.max]
    return ranges


def _metric(m: E.Metric, path: str, ctx: Context) -> dict:
    family, params, (low, high) = reference_params(m.distribution, m.params, join(path, "params"), builder=False)
    where = join(path, "params")
    if m.value_range is not None:
        where = join(path, "value_range")
        low = low if m.value_range.min is None else m.value_range.min
        high = high if m.value_range.max is None else m.value_range.max
    if not low < high:
        raise ConfigError(where, f"{m.name!r} would move across [{low:g}, {high:g}]; give value_range {{min, max}} with min < max")
    out: dict[str, Any] = {
        "name": m.name,
        "distribution": family,
        "distribution_params": params,
        "range": [low, high],
        "polarity": m.polarity,
        "seasonal_sensitivity": m.seasonal_sensitivity,
    }
    if m.label:
        out["label"] = m.label
    ctx.trail.note(join(path, "range"), where, whole=m.value_range is None)
    ctx.trail.note(join(path, "distribution_params"), join(path, "params"))
    lag = m.causal_lag
    if lag is not None:
        out.update(follows=lag.driver, delay=lag.lag_periods, blend_weight=lag.blend_weight)
        if lag.decay:
            out.update(decay_window=lag.decay_window, decay_kernel=lag.decay_kernel)
        for ours, theirs in (
            ("follows", "driver"),
            ("delay", "lag_periods"),
            ("blend_weight", "blend_weight"),
            ("decay_window", "decay_window"),
            ("decay_kernel", "decay_kernel"),
        ):
            ctx.trail.note(join(path, ours), join(path, "causal_lag", theirs))
    if m.noise_override is not None:
        out["noise"] = translate_noise(m.noise_override, join(path, "noise_override"), ctx)
        ctx.trail.note(join(path, "noise"), join(path, "noise_override"))
    return out


def _archetype(archetype: E.Archetype, path: str, periods: int) -> str:
    """The curve segments as our grammar: one phase per non-empty segment."""
    segments = archetype.curve_segments
    edge = 0.0
    for j, segment in enumerate(segments):
        if abs(segment.start_pct - edge) > 1e-9 or segment.end_pct < segment.start_pct:
            raise ConfigError(
                join(path, "curve_segments", j, "start_pct"), f"curve segments must tile [0, 1] in order: this one should start at {edge:g}"
            )
        edge = segment.end_pct
    if abs(edge - 1.0) > 1e-9:
        raise ConfigError(join(path, "curve_segments", len(segments) - 1, "end_pct"), "the last curve segment must end at 1")
    bounds = [0]
    for segment in segments[:-1]:
        bounds.append(max(bounds[-1], math.floor(min(max(segment.end_pct, 0.0), 1.0) * periods)))
    bounds.append(periods)
    calls, anchors = [], []
    for j, segment in enumerate(segments):
        length = bounds[j + 1] - bounds[j]
        if length <= 0:
            continue
        if calls:
            anchors.append(bounds[j])
        calls.append(_curve_call(segment, length, join(path, "curve_segments", j, "params")))
    return " > ".join(calls) + "".join(f" @ {a}" for a in anchors)


# The reference's curve parameters (ours differ for sigmoid's direction and compound, see below).
CURVE_PARAMS = {
    "sigmoid": ("midpoint", "steepness", "rising"),
    "exp_decay": ("rate",),
    "step": ("threshold", "before", "after"),
    "logistic": ("k", "midpoint", "ceiling"),
    "plateau": ("level",),
    "oscillating": ("period", "amplitude", "center"),
    "compound": ("base_rate", "acceleration"),
    "sawtooth": ("period", "amplitude", "base"),
}


def _curve_call(segment: E.CurveSegment, length: int, path: str) -> str:
    name, params = segment.curve, dict(segment.params)
    for key, value in params.items():
        if key not in CURVE_PARAMS[name] or isinstance(value, bool) != (key == "rising"):
            raise ConfigError(join(path, key), f"{name} takes {', '.join(CURVE_PARAMS[name])} (numbers; rising is true or false)")
    if "rising" in params:
        params["direction"] = "rising" if params.pop("rising") else "falling"
    if name == "compound":
        # The reference accumulates base_rate + acceleration * t over the segment's own periods;
        # on that grid the sum equals our ramp with base_rate raised by acceleration / (2 (L - 1)).
        base, acceleration = float(params.get("base_rate", 0.05)), float(params.get("acceleration", 0.02))
        name = "ramp"
        params = {"base_rate": base + (acceleration / (2 * (length - 1)) if length > 1 else 0.0), "acceleration": acceleration}
    assert set(params) <= set(curve_parameters(name))
    parts = [f"{key}={value}" if key == "direction" else f"{key}={float(value)!r}" for key, value in params.items()]
    return f"{name}({', '.join(parts)})"
