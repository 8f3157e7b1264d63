"""Split the entities into batches and run them serially or on worker processes; one function
produces a batch either way, and batches come back in entity order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa

from ..plan.resolve import Plan
from .streams import KEY_BLOCK
from .tables import entity_batches

TARGET_ROWS_PER_BATCH = 1_000_000


def default_block_size(plan: Plan) -> int:
    blocks = max(1, TARGET_ROWS_PER_BATCH // (plan.periods * KEY_BLOCK))
    return blocks * KEY_BLOCK


def batch_ranges(entity_count: int, block_size: int) -> list[tuple[int, int]]:
    if block_size <= 0 or block_size % KEY_BLOCK:
        raise ValueError(f"block_size must be a positive multiple of {KEY_BLOCK} entities, got {block_size}")
    return [(s, min(s + block_size, entity_count)) for s in range(0, entity_count, block_size)]


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
    done = 0
    if workers == 1 or len(ranges) == 1:
        results: Iterator = (entity_batches(plan, *r) for r in ranges)
        for (start, stop), batch in zip(ranges, results):
            yield batch
            done += stop - start
            if progress:
                progress(done, plan.entity_count)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(plan,)) as pool:
        for (start, stop), batch in zip(ranges, pool.map(_run_batch, ranges)):
            yield batch
            done += stop - start
            if progress:
                progress(done, plan.entity_count)
