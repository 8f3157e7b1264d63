"""The size note: plotsim_dbt has no entity cap and no cell budget (it streams block by block), so
a large config only gets a one-line summary with a memory estimate on stderr, in the reference
generator's words. ``--allow-large-dataset`` (or PLOTSIM_ALLOW_LARGE_DATASET=1) silences it."""

from __future__ import annotations

import os
import sys

from ..engine.runners import default_block_size
from ..plan.resolve import Plan

LARGE_CELLS = 2_000_000  # entities x periods above which the note is printed
BASE_MB = 300  # interpreter, numpy, pyarrow, duckdb and the plan, measured (bench/README.md)
COPIES = 2  # a block's columns exist about twice at the peak (arrays and Arrow batches)


def cells(plan: Plan) -> int:
    return plan.entity_count * plan.periods


def peak_memory_mb(plan: Plan) -> int:
    """Rough peak memory of a run: a base plus one block of every per-entity table (8 bytes a value).
    It depends on the block, not on the dataset: more entities mean more blocks, not more memory."""
    entities = min(plan.entity_count, default_block_size(plan))
    columns = sum(len(t.columns) for t in plan.tables.values() if t.per_entity) + len(plan.metrics)
    return round(BASE_MB + entities * plan.periods * columns * 8 * COPIES / 2**20)


def summary(plan: Plan) -> str:
    return (f"Config summary: {plan.entity_count:,} entities x {plan.periods} periods = {cells(plan):,} cells, "
            f"{len(plan.metrics)} metrics, {len(plan.tables)} tables. Estimated peak memory: ~{peak_memory_mb(plan):,} MB.")


def allowed_by_environment() -> bool:
    return os.environ.get("PLOTSIM_ALLOW_LARGE_DATASET", "").strip().lower() in {"1", "true", "yes", "on"}


def note_if_large(plan: Plan, allow_large: bool) -> None:
    """Print the summary on stderr when the config has more than LARGE_CELLS cells, unless allowed."""
    if cells(plan) <= LARGE_CELLS or allow_large or allowed_by_environment():
        return
    print(summary(plan), file=sys.stderr)
    print("Large dataset: no cap applies, it is generated block by block; --allow-large-dataset silences this note.",
          file=sys.stderr)
