"""Truth about the run: row counts with seed, config hash and version; the temporal holdout."""

from __future__ import annotations

import pyarrow as pa

from .. import __version__
from .registry import declare


def _run(plan, row_counts) -> dict:
    names = sorted(row_counts)
    n = len(names)
    return {
        "table_name": names,
        "row_count": [row_counts[t] for t in names],
        "seed": [plan.seed] * n,
        "config_sha256": [plan.config_sha256] * n,
        "generator_version": [__version__] * n,
        "entity_count": [plan.entity_count] * n,
        "period_count": [plan.periods] * n,
    }


declare(
    "truth_run",
    "Ground truth: one row per generated table with its row count, the seed, config hash and generator version.",
    [
        ("table_name", pa.string(), "A generated table."),
        ("row_count", pa.int64(), "Its rows."),
        ("seed", pa.int64(), "The seed of the run."),
        ("config_sha256", pa.string(), "SHA-256 of the config as canonical JSON."),
        ("generator_version", pa.string(), "plotsim_dbt version."),
        ("entity_count", pa.int64(), "Entities in the run."),
        ("period_count", pa.int32(), "Periods in the window."),
    ],
    per_run=_run,
    needs_row_counts=True,
)


def _holdout(plan, row_counts) -> dict:
    holdout, cutoff = plan.config.holdout, plan.cutoff_period
    if holdout is None:
        return {"target_metric": [], "holdout_periods": [], "cutoff_period_index": [], "cutoff_date_key": []}
    return {
        "target_metric": [holdout.target],
        "holdout_periods": [holdout.periods],
        "cutoff_period_index": [cutoff],
        "cutoff_date_key": [int(plan.axis.date_keys[cutoff])],
    }


def _holdout_record(rows: pa.Table, plan) -> dict:
    records = rows.to_pylist()
    return {"holdout": {k: records[0][k] for k in ("target_metric", "holdout_periods", "cutoff_period_index")} if records else None}


declare(
    "truth_holdout",
    "Ground truth: the temporal holdout (target metric, held-out periods, cutoff period index and date key); no row without a holdout.",
    [
        ("target_metric", pa.string(), "The metric to predict; its features are left out of entity features."),
        ("holdout_periods", pa.int32(), "Trailing periods held out."),
        ("cutoff_period_index", pa.int32(), "First held-out period."),
        ("cutoff_date_key", pa.int32(), "Its date key."),
    ],
    per_run=_holdout,
    manifest=_holdout_record,
)
