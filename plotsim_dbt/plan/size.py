"""How big a run is: its cells and a rough estimate of the memory it needs (8 bytes a value), and
the check that refuses, before anything is generated, a run this machine cannot hold.

A run that writes files streams block by block, so it needs the base, one block of every
per-entity table and the plan's 4 bytes per entity, whatever the entity count. A run that returns
tables in memory (``generate_tables``, ``generate_arrow``) holds every row at once. A run whose
estimate exceeds the machine's physical memory fails with the estimate and the way forward."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..config.errors import ConfigError

if TYPE_CHECKING:
    from .resolve import Plan

BASE_MB = 300  # interpreter, numpy, pyarrow, duckdb and the plan, measured (bench/README.md)
COPIES = 2  # a block's columns exist about twice at the peak (arrays and Arrow batches)
PLAN_BYTES_PER_ENTITY = 4  # the plan's segment index of every entity (int32)


def cells(plan: Plan) -> int:
    return plan.entity_count * plan.periods


def memory_bytes(plan: Plan, entities: int) -> int:
    """Rough peak memory of a run holding ``entities`` entities' rows of every per-entity table at once."""
    columns = sum(len(t.columns) for t in plan.tables.values() if t.per_entity) + len(plan.metrics)
    return BASE_MB * 2**20 + entities * plan.periods * columns * 8 * COPIES + plan.entity_count * PLAN_BYTES_PER_ENTITY


def block_entities(plan: Plan) -> int:
    from ..engine.runners import default_block_size  # the engine imports the plan

    return min(plan.entity_count, default_block_size(plan))


def peak_memory_mb(plan: Plan) -> int:
    """Rough peak memory of a streaming run (files): it depends on the block, not on the dataset."""
    return round(memory_bytes(plan, block_entities(plan)) / 2**20)


def machine_bytes() -> int | None:
    """Physical memory of this machine, None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_fits(plan: Plan, in_memory: bool) -> None:
    """Raise ConfigError when the run's estimated memory exceeds the machine's."""
    limit = machine_bytes()
    entities = plan.entity_count if in_memory else block_entities(plan)
    need = memory_bytes(plan, entities)
    if limit is None or need <= limit:
        return
    size = (
        f"{plan.entity_count:,} entities x {plan.periods:,} periods ({cells(plan):,} rows per fact table) need "
        f"~{need / 2**30:,.1f} GB {'held in memory' if in_memory else 'for one block of ' + format(entities, ',') + ' entities'}, "
        f"more than this machine's {limit / 2**30:,.1f} GB"
    )
    if in_memory:
        raise ConfigError(
            "segments",
            f"{size}; write files instead, which stream block by block (run(config, directory, format='parquet') "
            "or `plotsim-dbt run CONFIG --format parquet`), or lower the segment counts",
        )
    raise ConfigError("window", f"{size}; shorten the window or use a coarser grain (window.every), or lower the segment counts")
