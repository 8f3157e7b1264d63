"""Truth about the metric cells noise faulted: every cell ``outlier_rate`` turned into an outlier
and every cell ``mcar_rate`` left missing (the config's noise or a metric's own), with the value
the cell has without either fault. Putting the clean values back gives the metrics as if neither
rate were set."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.cells import finish, injects_noise_faults
from .registry import declare

COLUMNS = ("entity_id", "period_index", "date_key", "metric", "issue", "clean_value", "outlier_multiplier")


def _noise_faults(block) -> dict:
    plan = block.plan
    if not injects_noise_faults(plan):
        return {name: [] for name in COLUMNS}
    steps = block.noise_steps
    clean = finish(plan, steps.noised.copy())
    exists = block.alive[:, :, None] & ~np.isnan(clean)
    multiplier = np.ones_like(clean) if steps.outlier_multiplier is None else steps.outlier_multiplier
    missing = np.zeros(clean.shape, bool) if steps.missing is None else steps.missing
    found = [("outlier", exists & (multiplier != 1.0)), ("mcar", exists & missing)]
    cells = [(issue, *np.nonzero(mask)) for issue, mask in found]
    issue = np.concatenate([np.full(len(e), i, object) for i, e, _, _ in cells])
    entity, period, metric = (np.concatenate([c[k] for c in cells]) for k in (1, 2, 3))
    # Entity, then period, metric and issue order, so blocks concatenate alike at any block size.
    order = np.lexsort((issue.astype(str), metric, period, entity))
    entity, period, metric, issue = entity[order], period[order], metric[order], issue[order]
    outlier = issue == "outlier"
    return {
        "entity_id": block.start + entity + 1,
        "period_index": period.astype(np.int32),
        "date_key": plan.axis.date_keys[period],
        "metric": pa.array([m.name for m in plan.metrics], pa.string()).take(pa.array(metric)),
        "issue": pa.array(issue.tolist(), pa.string()),
        "clean_value": clean[entity, period, metric],
        "outlier_multiplier": pa.array(np.where(outlier, multiplier[entity, period, metric], np.nan), pa.float64(), mask=~outlier),
    }


def _outlier_records(rows: pa.Table, plan) -> dict:
    """The reference generator's ``outlier_injections`` for the sampled entities (null without outliers)."""
    if not any(m.noise.outlier_rate > 0 for m in plan.metrics):
        return {"outlier_injections": None}
    rows = rows.filter(pc.equal(rows.column("issue"), "outlier"))
    names = plan.names_of(rows.column("entity_id").to_numpy() - 1).to_pylist()
    return {
        "outlier_injections": [
            {"entity": name, "period_index": period, "metric": metric}
            for name, period, metric in zip(names, rows.column("period_index").to_pylist(), rows.column("metric").to_pylist())
        ]
    }


declare(
    "truth_noise_faults",
    "Ground truth: every metric cell turned into an outlier (noise.outlier_rate) or left missing (noise.mcar_rate), with its clean value.",
    [
        ("entity_id", pa.int64(), "The entity."),
        ("period_index", pa.int32(), "Period, 0-based."),
        ("date_key", pa.int32(), "The period's date key (dim_date.date_key)."),
        ("metric", pa.string(), "The metric whose cell was hit (every fact column holding the metric shows it)."),
        ("issue", pa.string(), "outlier (the value multiplied by outlier_multiplier, then clamped) or mcar (the value left NULL)."),
        (
            "clean_value",
            pa.float64(),
            "The cell without either fault: clamped and rounded like every value, before any scaled_by factor.",
        ),
        ("outlier_multiplier", pa.float64(), "An outlier's multiplier, 3 to 10; NULL for mcar."),
    ],
    per_block=_noise_faults,
    manifest=_outlier_records,
)
