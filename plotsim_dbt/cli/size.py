"""The size note: plotsim_dbt streams block by block, so a large config only gets a one-line
summary with a memory estimate on stderr, in the reference generator's words (the limits, 2^31
entities and what the machine holds, are checked when the config is loaded and planned:
plan/size.py). ``--allow-large-dataset`` (or PLOTSIM_ALLOW_LARGE_DATASET=1) silences it."""

from __future__ import annotations

import os
import sys

from ..plan.resolve import Plan
from ..plan.size import cells, peak_memory_mb

LARGE_CELLS = 2_000_000  # entities x periods above which the note is printed


def summary(plan: Plan) -> str:
    return (
        f"Config summary: {plan.entity_count:,} entities x {plan.periods} periods = {cells(plan):,} cells, "
        f"{len(plan.metrics)} metrics, {len(plan.tables)} tables. Estimated peak memory: ~{peak_memory_mb(plan):,} MB."
    )


def allowed_by_environment() -> bool:
    return os.environ.get("PLOTSIM_ALLOW_LARGE_DATASET", "").strip().lower() in {"1", "true", "yes", "on"}


def note_if_large(plan: Plan, allow_large: bool) -> None:
    """Print the summary on stderr when the config has more than LARGE_CELLS cells, unless allowed."""
    if cells(plan) <= LARGE_CELLS or allow_large or allowed_by_environment():
        return
    print(summary(plan), file=sys.stderr)
    print("Large dataset: no cap applies, it is generated block by block; --allow-large-dataset silences this note.", file=sys.stderr)
