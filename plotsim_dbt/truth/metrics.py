"""Truth about metrics: the planned centre of every (segment, period, metric) cell and its segment's range, each metric's
family and bounds, declared and delivered correlations, lags and the seasonal lift per period."""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa

from .registry import declare


def _centres(plan, row_counts) -> dict:
    segments, periods, metrics = plan.centres.shape
    seg = np.repeat(np.arange(segments), periods * metrics)
    per = np.tile(np.repeat(np.arange(periods), metrics), segments)
    met = np.tile(np.arange(metrics), segments * periods)
    archetypes = pa.array([s.archetype for s in plan.config.segments], pa.string())
    return {
        "segment": plan.segment_names.take(pa.array(seg)),
        "archetype": archetypes.take(pa.array(seg)),
        "period_index": per.astype(np.int32),
        "date_key": plan.axis.date_keys[per],
        "metric": pa.array([m.name for m in plan.metrics], pa.string()).take(pa.array(met)),
        "position": plan.positions[seg, per],
        "effective_position": plan.effective.reshape(-1),
        "seasonal_lift": plan.seasonal_lift.reshape(-1),
        "centre": plan.centres.reshape(-1),
        "centre_low": plan.ranges[seg, met, 0],
        "centre_high": plan.ranges[seg, met, 1],
        "trajectory_loading": plan.loadings[per, met],
    }


declare(
    "truth_centres",
    "Ground truth: per segment, period and metric, the effective position after lags, the seasonal lift and the planned "
    "centre of the cell distribution, with the range the segment's centre moves across.",
    [
        ("segment", pa.string(), "Segment."),
        ("archetype", pa.string(), "The segment's archetype."),
        ("period_index", pa.int32(), "Period, 0-based."),
        ("date_key", pa.int32(), "The period's date key."),
        ("metric", pa.string(), "Metric."),
        ("position", pa.float64(), "The segment's trajectory position in the period."),
        ("effective_position", pa.float64(), "The position the metric reads after its lag (the driver's position delay periods earlier)."),
        ("seasonal_lift", pa.float64(), "Relative lift of the centre this period (segment x metric sensitivity included)."),
        ("centre", pa.float64(), "Centre of the cell distribution, lift included."),
        (
            "centre_low",
            pa.float64(),
            "Low end of the range this segment's centre moves across: the metric's (truth_metrics.centre_low) "
            "unless the segment narrows it (ranges, or a baseline third).",
        ),
        ("centre_high", pa.float64(), "High end of that range."),
        (
            "trajectory_loading",
            pa.float64(),
            "How far the trajectory moves the centre this period (1.0 = across the whole range): "
            "truth_metrics.trajectory_loading, or a connection phase's own over its periods.",
        ),
    ],
    per_run=_centres,
)


def _metrics(plan, row_counts) -> dict:
    metrics = plan.metrics
    scales = {s.metric: s for s in plan.scales}
    low = [scales[m.index].value_range(m)[0] if m.index in scales else m.clamp_low for m in metrics]
    high = [scales[m.index].value_range(m)[1] if m.index in scales else m.clamp_high for m in metrics]
    return {
        "metric": [m.name for m in metrics],
        "family": [m.family for m in metrics],
        "params": [json.dumps(m.params, sort_keys=True) for m in metrics],
        "polarity": ["negative" if m.negative else "positive" for m in metrics],
        "centre_low": [m.low for m in metrics],
        "centre_high": [m.high for m in metrics],
        "min_value": low,
        "max_value": [None if math.isinf(h) else h for h in high],
        "trajectory_loading": plan.copula.loadings,
        "seasonal_sensitivity": [m.seasonal_sensitivity for m in metrics],
        "follows": [None if m.driver is None else metrics[m.driver].name for m in metrics],
        "delay": [m.delay if m.driver is not None else None for m in metrics],
        "scaled_by": [scales[m.index].column if m.index in scales else None for m in metrics],
        "noise_family": [m.noise.family for m in metrics],
        "noise_sigma": [m.noise.gaussian_sigma for m in metrics],
        "noise_scale_with_trajectory": [m.noise.scale_with_trajectory for m in metrics],
        "noise_outlier_rate": [m.noise.outlier_rate for m in metrics],
        "noise_mcar_rate": [m.noise.mcar_rate for m in metrics],
    }


def _metric_records(rows: pa.Table, plan) -> dict:
    return {
        "metrics": [
            {
                "name": r["metric"],
                "family": r["family"],
                "params": json.loads(r["params"]),
                "centre_range": [r["centre_low"], r["centre_high"]],
                "value_range": [r["min_value"], r["max_value"]],
                "polarity": r["polarity"],
                "trajectory_loading": round(r["trajectory_loading"], 12),
                "seasonal_sensitivity": r["seasonal_sensitivity"],
            }
            for r in rows.to_pylist()
        ]
    }


declare(
    "truth_metrics",
    "Ground truth: each metric's family, polarity, value bounds, trajectory loading and lag.",
    [
        ("metric", pa.string(), "Metric name."),
        ("family", pa.string(), "Distribution family (logitnormal, normal, lognormal, beta, gamma, poisson, weibull)."),
        ("params", pa.string(), "The family's parameters as JSON, defaults merged with the declared ones."),
        ("polarity", pa.string(), "positive, or negative (the metric falls as the trajectory rises)."),
        ("centre_low", pa.float64(), "Low end of the range the cell centre moves across."),
        ("centre_high", pa.float64(), "High end of that range."),
        ("min_value", pa.float64(), "Values are clamped to at least this (times the smallest factor when scaled)."),
        ("max_value", pa.float64(), "Values are clamped to at most this (times the largest factor when scaled); NULL for counts (no upper cap)."),
        (
            "trajectory_loading",
            pa.float64(),
            "How far the trajectory moves the centre (1.0 = across the whole range) outside the connection phases; truth_centres has each period's.",
        ),
        ("seasonal_sensitivity", pa.float64(), "The metric's multiplier of seasonal lift."),
        ("follows", pa.string(), "The metric it trails, if any."),
        ("delay", pa.int32(), "Periods it trails that metric."),
        (
            "scaled_by",
            pa.string(),
            "The entity-dimension column whose label's factor multiplies the metric (truth_metric_scales); "
            "NULL when not scaled. Centres and ranges above are per unit, before the factor.",
        ),
        ("noise_family", pa.string(), "The metric's noise distribution (its own noise, else the config's): gaussian, student_t or laplace."),
        (
            "noise_sigma",
            pa.float64(),
            "Its noise scale: sd as a fraction of the value, or of position x range span when it scales with the trajectory.",
        ),
        ("noise_scale_with_trajectory", pa.bool_(), "Whether its noise sd grows with the trajectory position (heteroscedastic)."),
        ("noise_outlier_rate", pa.float64(), "Share of its cells turned into outliers."),
        ("noise_mcar_rate", pa.float64(), "Share of its cells left missing (NULL)."),
    ],
    per_run=_metrics,
    manifest=_metric_records,
)


def _scales(plan, row_counts) -> dict:
    rows = [(plan.metrics[s.metric], s, label, factor) for s in plan.scales for label, factor in zip(s.labels, s.factors)]
    return {
        "metric": [m.name for m, *_ in rows],
        "column_name": [s.column for _, s, *_ in rows],
        "label": [label for *_, label, _ in rows],
        "factor": [float(f) for *_, f in rows],
        "unit_min": [m.clamp_low for m, *_ in rows],
        "unit_max": [None if math.isinf(m.clamp_high) else m.clamp_high for m, *_ in rows],
    }


declare(
    "truth_metric_scales",
    "Ground truth: for each metric tied to an attribute of the entity dimension (scaled_by), the factor of every label; a cell is "
    "its own value in [unit_min, unit_max] times the factor of the label in force (empty when no metric is scaled).",
    [
        ("metric", pa.string(), "The scaled metric."),
        ("column_name", pa.string(), "The entity dimension's column whose label sets the factor (tier, stage, segment, pool)."),
        ("label", pa.string(), "A label of that column."),
        ("factor", pa.float64(), "The factor the metric's own value is multiplied by under that label."),
        ("unit_min", pa.float64(), "The metric's own value is at least this."),
        ("unit_max", pa.float64(), "The metric's own value is at most this; NULL for counts."),
    ],
    per_run=_scales,
)


# truth_correlations column -> the planned pair's field
_PAIR_FIELDS = {
    "metric_a": "metric_a",
    "metric_b": "metric_b",
    "word": "word",
    "declared": "declared",
    "trajectory_contribution": "trajectory_contribution",
    "planned_copula": "planned",
    "copula": "copula",
    "delivered": "delivered",
    "reachable": "reachable",
}


def _correlations(plan, row_counts) -> dict:
    # The base connections first (phase NULL), then each phase's, with the span it holds over.
    spans = [(None, None, None, plan.copula), *((k, p.start, p.end, p.copula) for k, p in enumerate(plan.phases))]
    rows = [(k, first, last, pair) for k, first, last, copula in spans for pair in copula.pairs]
    keys = plan.axis.date_keys
    columns = {column: [getattr(pair, field) for *_, pair in rows] for column, field in _PAIR_FIELDS.items()}
    return columns | {
        "phase": [k for k, *_ in rows],
        "start_period": [first for _, first, _, _ in rows],
        "end_period": [last for _, _, last, _ in rows],
        "from_date_key": [None if first is None else int(keys[first]) for _, first, _, _ in rows],
        "to_date_key": [None if last is None else int(keys[last]) for _, _, last, _ in rows],
    }


def _correlation_records(rows: pa.Table, plan) -> dict:
    records = rows.to_pylist()
    # The reference generator's list of pairs the matrix repair moved; null when nothing was repaired.
    adjustments = [
        {
            "metric_a": r["metric_a"],
            "metric_b": r["metric_b"],
            "requested": r["planned_copula"],
            "achieved": r["copula"],
            "adjustment": round(r["copula"] - r["planned_copula"], 6),
        }
        for r in records
        if r["phase"] is None and round(r["copula"] - r["planned_copula"], 6) != 0
    ]
    phases = [{"phase_index": k, "start_period": p.start, "end_period": p.end, "n_pairs": len(p.copula.pairs)} for k, p in enumerate(plan.phases)]
    return {
        "correlations": [{**{_PAIR_FIELDS[k]: r[k] for k in _PAIR_FIELDS}, "phase_index": r["phase"]} for r in records],
        "correlation_phases": phases or None,
        "correlation_repair": {"repaired": plan.copula.repaired, "max_change": round(plan.copula.repair_max_change, 12)},
        "correlation_adjustments": adjustments if plan.copula.repaired else None,
    }


declare(
    "truth_correlations",
    "Ground truth: each declared connection with the declared, planned and delivered correlation (per connection phase: "
    "delivered is the predicted Pearson over the cells of the phase's periods; for the base connections, over the other periods).",
    [
        ("metric_a", pa.string(), "First metric as declared."),
        ("metric_b", pa.string(), "Second metric as declared."),
        ("word", pa.string(), "The connection word (mirrors, driven_by, ...); NULL for a number."),
        ("declared", pa.float64(), "The target table-wide Pearson correlation."),
        ("trajectory_contribution", pa.float64(), "The Pearson the shared trajectory alone would give."),
        ("planned_copula", pa.float64(), "The copula correlation solved for the target."),
        ("copula", pa.float64(), "The copula correlation used, after any repair of the whole matrix."),
        ("delivered", pa.float64(), "The predicted table-wide Pearson with that copula value."),
        ("reachable", pa.bool_(), "Whether the target could be reached."),
        (
            "phase",
            pa.int32(),
            "The connection phase (0-based, as declared) the row holds in; NULL for the base connections, which "
            "hold in every period outside the phases.",
        ),
        ("start_period", pa.int32(), "First period of the phase (0-based); NULL for the base connections."),
        ("end_period", pa.int32(), "Last period of the phase (inclusive); NULL for the base connections."),
        ("from_date_key", pa.int32(), "date_key of the phase's first period; NULL for the base connections."),
        ("to_date_key", pa.int32(), "date_key of the phase's last period; NULL for the base connections."),
    ],
    per_run=_correlations,
    manifest=_correlation_records,
)


def _lags(plan, row_counts) -> dict:
    columns: dict[str, list] = {
        "driver": [],
        "follower": [],
        "delay": [],
        "root_driver": [],
        "total_delay": [],
        "blend_weight": [],
        "decay_window": [],
        "decay_kernel": [],
        "kernel_weights": [],
    }
    metrics = {m.name: m for m in plan.config.metrics}
    for m in plan.metrics:
        if m.driver is None:
            continue
        root, total = m, 0
        while root.driver is not None:
            total += root.delay
            root = plan.metrics[root.driver]
        declared = metrics[m.name]
        window = declared.decay_window
        values = (
            plan.metrics[m.driver].name,
            m.name,
            m.delay,
            root.name,
            total,
            m.blend,
            window,
            None if window is None else declared.decay_kernel,
            json.dumps([round(w, 12) for w in m.kernel]),
        )
        for column, value in zip(columns, values):
            columns[column].append(value)
    return columns


def _lag_records(rows: pa.Table, plan) -> dict:
    records = rows.to_pylist()
    return {
        "lags": [{"driver": r["driver"], "follower": r["follower"], "delay": r["delay"]} for r in records],
        # The reference generator's spelling.
        "causal_graph": [
            {
                "driver": r["driver"],
                "target": r["follower"],
                "lag_periods": r["delay"],
                "blend_weight": r["blend_weight"],
                "decay_window": r["decay_window"],
                "decay_kernel": r["decay_kernel"],
            }
            for r in records
        ],
    }


declare(
    "truth_lags",
    "Ground truth: each causal lag (driver, follower, delay) and the total delay to the root driver.",
    [
        ("driver", pa.string(), "The metric followed."),
        ("follower", pa.string(), "The metric that trails it."),
        ("delay", pa.int32(), "Periods the follower trails its driver."),
        ("root_driver", pa.string(), "The first metric of the chain."),
        ("total_delay", pa.int32(), "Periods the follower trails the root driver (chains add up)."),
        ("blend_weight", pa.float64(), "Share of the lagged driver in the follower's position; the rest is the entity's own position."),
        ("decay_window", pa.int32(), "Periods a decaying lag spreads the driver over (adstock); NULL for a plain lag."),
        ("decay_kernel", pa.string(), "geometric or linear for a decaying lag; NULL for a plain lag."),
        ("kernel_weights", pa.string(), "JSON list of the weights of the driver's periods delay, delay + 1, ... back (they sum to 1)."),
    ],
    per_run=_lags,
    manifest=_lag_records,
)


def _seasonality(plan, row_counts) -> dict:
    return {
        "period_index": np.arange(plan.periods, dtype=np.int32),
        "date_key": plan.axis.date_keys,
        "month": plan.axis.months.astype(np.int8),
        "lift": plan.period_lift,
    }


def _seasonal_records(rows: pa.Table, plan) -> dict:
    return {"seasonal_factors": [{"period_index": r["period_index"], "month": r["month"], "lift": round(r["lift"], 12)} for r in rows.to_pylist()]}


declare(
    "truth_seasonality",
    "Ground truth: the seasonal lift of every period before sensitivities.",
    [
        ("period_index", pa.int32(), "Period, 0-based."),
        ("date_key", pa.int32(), "The period's date key."),
        ("month", pa.int8(), "Calendar month of the period, 1-12."),
        (
            "lift",
            pa.float64(),
            "Sum of the seasonality strengths of the month; a cell's centre is multiplied by 1 + lift x segment x metric sensitivity.",
        ),
    ],
    per_run=_seasonality,
    manifest=_seasonal_records,
)
