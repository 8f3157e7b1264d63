"""Split the entities into batches and run them serially or on worker processes; one function
produces a batch either way, and batches come back in entity order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from ..config.schema import Schema, key_column
from ..plan.resolve import Plan
from .streams import KEY_BLOCK
from .tables import VERSION_KEY, entity_batches

TARGET_ROWS_PER_BATCH = 1_000_000


def default_block_size(plan: Plan) -> int:
    blocks = max(1, TARGET_ROWS_PER_BATCH // (plan.periods * KEY_BLOCK))
    return blocks * KEY_BLOCK


def batch_ranges(entity_count: int, block_size: int) -> list[tuple[int, int]]:
    if block_size <= 0 or block_size % KEY_BLOCK:
        raise ValueError(f"block_size must be a positive multiple of {KEY_BLOCK} entities, got {block_size}")
    return [(s, min(s + block_size, entity_count)) for s in range(0, entity_count, block_size)]


def numbered_columns(schema: Schema) -> list[tuple[str, str, str]]:
    """(table, column, counted table): columns numbered 1.. within a batch that must continue
    from the rows the counted table had in earlier batches (SCD2 versions, event ids)."""
    specs = []
    scd = schema.scd_dimension
    if scd is not None:
        specs += [(scd.name, VERSION_KEY, scd.name), ("truth_scd_versions", VERSION_KEY, scd.name),
                  ("truth_scd_events", "old_dim_row_id", scd.name), ("truth_scd_events", "new_dim_row_id", scd.name)]
        specs += [(table.name, VERSION_KEY, scd.name) for table in schema.versioned_tables]
    specs += [(event.name, key_column(event), event.name) for event in schema.events]
    return specs


class Renumber:
    """Shifts batch-local row numbers to global ones, batch by batch in entity order."""

    def __init__(self, schema: Schema):
        self.specs = numbered_columns(schema)
        self.offsets = {counted: 0 for _, _, counted in self.specs}

    def __call__(self, batch: dict[str, pa.RecordBatch]) -> dict[str, pa.RecordBatch]:
        for table, column, counted in self.specs:
            offset = self.offsets[counted]
            if offset and table in batch:
                rows = batch[table]
                i = rows.schema.get_field_index(column)
                arrays = list(rows.columns)
                arrays[i] = pc.add(arrays[i], pa.scalar(offset, arrays[i].type))
                batch[table] = pa.RecordBatch.from_arrays(arrays, schema=rows.schema)
        for counted in self.offsets:
            self.offsets[counted] += batch[counted].num_rows
        return batch


_worker_plan: Plan | None = None


def _init_worker(plan: Plan) -> None:
    global _worker_plan
    _worker_plan = plan


def _run_batch(bounds: tuple[int, int]) -> dict[str, pa.RecordBatch]:
    return entity_batches(_worker_plan, *bounds)


def iter_batches(
    plan: Plan,
    *,
    workers: int = 1,
    block_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, pa.RecordBatch]]:
    """Yield {table: RecordBatch} per batch of entities, in entity order."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    ranges = batch_ranges(plan.entity_count, block_size or default_block_size(plan))
    renumber = Renumber(plan.config.schema)
    done = 0
    if workers == 1 or len(ranges) == 1:
        results: Iterator = (entity_batches(plan, *r) for r in ranges)
        for (start, stop), batch in zip(ranges, results):
            yield renumber(batch)
            done += stop - start
            if progress:
                progress(done, plan.entity_count)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(plan,)) as pool:
        for (start, stop), batch in zip(ranges, pool.map(_run_batch, ranges)):
            yield renumber(batch)
            done += stop - start
            if progress:
                progress(done, plan.entity_count)
