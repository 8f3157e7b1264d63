"""manifest.json: the small answer key, rendered from the truth registry (no clock, no I/O).

Per-entity truth is sampled: the manifest lists the rows of evenly spaced entities (every entity
when the run has at most MAX_SAMPLED_CELLS entity-periods); the complete per-entity truth is in
the truth tables (``truth/`` of a run's output, or the ``truth_*`` dbt models)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..plan.resolve import Plan
from .registry import TRUTH, TruthTable

SCHEMA_VERSION = "2"
MAX_SAMPLED_CELLS = 20_000  # default cap on entities x periods listed per entity in the manifest


def sampled_entities(plan: Plan, sample_rate: float | None = None) -> np.ndarray:
    """Evenly spaced entity indices, so every segment is represented."""
    total = plan.entity_count
    if sample_rate is None:
        sample_rate = min(1.0, MAX_SAMPLED_CELLS / (total * plan.periods))
    if not 0 < sample_rate <= 1:
        raise ValueError(f"sample_rate must be in (0, 1], got {sample_rate}")
    count = max(1, math.ceil(total * sample_rate))
    return np.unique(np.round(np.linspace(0, total - 1, count)).astype(np.int64))


class TruthSample:
    """The sampled entities' rows of the per-block truth tables the manifest renders, collected
    block by block (so the manifest never holds a whole run's truth)."""

    def __init__(self, plan: Plan, sample_rate: float | None = None):
        self.plan = plan
        self.entities = sampled_entities(plan, sample_rate)
        self._ids = pa.array(self.entities + 1, pa.int64())
        self._parts: dict[str, list[pa.Table]] = {}

    def add(self, tables: Mapping[str, pa.RecordBatch | pa.Table]) -> None:
        for name, rows in tables.items():
            truth = TRUTH.get(name)
            if truth is None or truth.per_block is None or truth.manifest is None:
                continue
            rows = pa.table(rows) if isinstance(rows, pa.RecordBatch) else rows
            self._parts.setdefault(name, []).append(rows.filter(pc.is_in(rows.column(truth.entity_column), self._ids)))

    def table(self, truth: TruthTable) -> pa.Table:
        parts = self._parts.get(truth.name)
        return pa.concat_tables(parts) if parts else truth.schema.empty_table()

    @property
    def rate(self) -> float:
        return round(len(self.entities) / self.plan.entity_count, 12)


def _merge(into: dict, sections: dict) -> None:
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif key not in into or value is not None:
            into[key] = value


def manifest_dict(plan: Plan, row_counts: Mapping[str, int], sample: TruthSample) -> dict:
    from .. import __version__

    cfg = plan.config
    counts = {t: n for t, n in sorted(row_counts.items()) if t in plan.tables}
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "plotsim_dbt", "version": __version__},
        "seed": plan.seed,
        "config_sha256": plan.config_sha256,
        "window": {"start": cfg.window.start, "end": cfg.window.end, "every": cfg.window.every, "periods": plan.periods},
        "entity_count": plan.entity_count,
        # The generated tables only (not holdout splits, feature files or truth tables).
        "table_row_counts": counts,
        "trajectory_sample_rate": sample.rate,
    }
    for truth in TRUTH.values():
        if truth.manifest is None:
            continue
        if truth.per_run is not None:
            sections = truth.manifest(truth.run_table(plan, counts), plan)
        elif truth.manifest_lists_sample:
            sections = truth.manifest(sample.table(truth), plan, sample.entities)
        else:
            sections = truth.manifest(sample.table(truth), plan)
        _merge(manifest, sections)
    return manifest


def dumps(manifest: dict) -> str:
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
